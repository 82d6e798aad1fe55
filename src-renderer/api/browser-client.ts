import type { AppEvent, Channel, RequestOf, ResponseOf, WindowApi } from '../../src-main/api/contract.js';
import type { ApiReply } from '../../src-main/api/dispatch.js';
import { EVENTS_PATH, TOKEN_HEADER, TOKEN_QUERY } from '../../src-main/shared/host-protocol.js';
import { relativePathOf } from './drop-files.js';
import { ApiError } from './errors.js';

const RECONNECT_DELAY_MS = 1_000;

export interface BrowserClientOptions {
  /** The host's origin, e.g. http://127.0.0.1:5173. */
  origin: string;
  /** The session token, or the promise of it while the page trades its launch code. */
  token?: string | Promise<string | undefined>;
}

function unwrap<T>(reply: ApiReply): T {
  if (!reply.ok) throw new ApiError(reply.error.message, reply.error.details);
  return reply.value as T;
}

/** The WindowApi over the browser host: POST /api/<channel>, POST /upload, and a WebSocket for events. */
export class BrowserClient implements WindowApi {
  readonly #options: BrowserClientOptions;
  readonly #listeners = new Set<(event: AppEvent) => void>();
  readonly #token: Promise<string | undefined>;
  #socket: Promise<WebSocket> | undefined;

  constructor(options: BrowserClientOptions) {
    this.#options = options;
    this.#token = Promise.resolve(options.token);
  }

  async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const response = await fetch(`${this.#options.origin}/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await this.#tokenHeader()) },
      body: JSON.stringify(request),
    });
    return unwrap<ResponseOf<C>>((await response.json()) as ApiReply);
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#socket ??= this.#connect();
    return () => this.#listeners.delete(listener);
  }

  /** Uploads each file (a folder's files into one drop) and returns one host path per dropped item. */
  async pathsForDrop(files: File[]): Promise<string[]> {
    const paths: string[] = [];
    const drops = new Map<string, string>();
    for (const file of files) {
      const relative = relativePathOf(file);
      const folder = relative.includes('/') ? relative.slice(0, relative.indexOf('/')) : undefined;
      const drop = folder ? (drops.get(folder) ?? crypto.randomUUID()) : undefined;
      const stored = await this.#upload(file, relative, drop);
      if (!folder) paths.push(stored);
      else if (!drops.has(folder)) {
        drops.set(folder, drop as string);
        paths.push(stored.slice(0, stored.length - relative.length + folder.length));
      }
    }
    return paths;
  }

  async #upload(file: File, path: string, drop: string | undefined): Promise<string> {
    const query = new URLSearchParams({ path, ...(drop ? { drop } : {}) });
    const response = await fetch(`${this.#options.origin}/upload?${query}`, {
      method: 'POST',
      headers: await this.#tokenHeader(),
      body: file,
    });
    return unwrap<{ path: string }>((await response.json()) as ApiReply).path;
  }

  async #tokenHeader(): Promise<Record<string, string>> {
    const token = await this.#token;
    return token ? { [TOKEN_HEADER]: token } : {};
  }

  async #connect(): Promise<WebSocket> {
    const address = new URL(EVENTS_PATH, this.#options.origin.replace(/^http/, 'ws'));
    const token = await this.#token;
    if (token) address.searchParams.set(TOKEN_QUERY, token);
    const socket = new WebSocket(address);
    socket.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as AppEvent;
      for (const listener of this.#listeners) listener(event);
    };
    // A host restart drops the socket; keep trying while anyone listens.
    socket.onclose = () => {
      this.#socket = undefined;
      if (this.#listeners.size > 0) setTimeout(() => (this.#socket ??= this.#connect()), RECONNECT_DELAY_MS);
    };
    return socket;
  }
}
