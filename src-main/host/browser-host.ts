import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeError, InputError } from '../shared/errors.js';
import { dispatch, type ApiReply } from '../api/dispatch.js';
import type { Studio } from '../api/studio.js';
import { EVENTS_PATH, NONCE_QUERY, SESSION_PATH, TOKEN_QUERY } from '../shared/host-protocol.js';
import { foreignRefusal, Nonces, refusal, type Gate } from './security.js';
import { sendFile, staticFile } from './static-files.js';
import { storeUpload } from './uploads.js';

export interface BrowserHostOptions {
  studio: Studio;
  rendererDir: string;
  uploadDir: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** Largest JSON request body accepted, in bytes. */
  maxRequestBytes?: number;
  limits?: Partial<ConnectionLimits>;
  /** Largest uploaded file accepted, in bytes. */
  maxUploadBytes?: number;
}

/** What one client may hold of the host: silent or idle sockets are closed, and only so many may be open. */
export interface ConnectionLimits {
  /** A socket that sends no request within this long is closed. */
  silentMs: number;
  /** The whole header block must arrive within this long. */
  headersMs: number;
  /** A socket with no traffic for this long is closed (an API call may compute for a while, so this is generous). */
  idleMs: number;
  maxConnections: number;
}

const DEFAULT_LIMITS: ConnectionLimits = { silentMs: 10_000, headersMs: 10_000, idleMs: 10 * 60_000, maxConnections: 64 };

const DEFAULT_MAX_REQUEST_BYTES = 1 << 20;

/** Statistics arrive as typed arrays, which JSON would otherwise turn into objects keyed by index. */
function plainArrays(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as Float64Array) : value;
}

/** A reply never carries a stack trace: whoever can reach the port learns nothing of our code; the host's log keeps it. */
function sendJson(response: ServerResponse, status: number, reply: ApiReply): void {
  let sent = reply;
  if (!reply.ok && reply.error.details) {
    console.error(`${reply.error.message}\n${reply.error.details}`);
    sent = { ok: false, error: { message: reply.error.message } };
  }
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(sent, plainArrays));
}

function applyLimits(server: Server, limits: ConnectionLimits): void {
  server.headersTimeout = limits.headersMs;
  server.requestTimeout = 0;
  server.timeout = limits.idleMs;
  server.maxConnections = limits.maxConnections;
  server.on('connection', (socket) => {
    // Node times out slow headers only once a request has begun; a socket that never speaks is closed here.
    const silent = setTimeout(() => socket.destroy(), limits.silentMs);
    socket.once('data', () => clearTimeout(silent));
    socket.once('close', () => clearTimeout(silent));
  });
}

async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new InputError(`The request is larger than ${limit} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new InputError('The request body is not valid JSON.');
  }
}

function decodeChannel(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new InputError(`'${encoded}' is not a valid API address.`);
  }
}

function listenError(error: NodeJS.ErrnoException, port: number): Error {
  if (error.code === 'EADDRINUSE') return new InputError(`Port ${port} is in use; pick another with --port, or leave it out for a free one.`);
  if (error.code === 'EACCES') return new InputError(`Port ${port} needs privileges this user lacks; pick one above 1023.`);
  return error;
}

/** Serves the renderer, the API over HTTP and the events over a WebSocket, on 127.0.0.1 only. */
export class BrowserHost {
  readonly #options: BrowserHostOptions;
  readonly #server: Server;
  readonly #sockets: WebSocketServer;
  #gate: Gate;
  readonly #nonces = new Nonces();
  #stopEvents: () => void = () => {};

  private constructor(options: BrowserHostOptions) {
    this.#options = options;
    this.#gate = { port: options.port, token: options.token };
    this.#server = createServer((request, response) => void this.#route(request, response));
    applyLimits(this.#server, { ...DEFAULT_LIMITS, ...options.limits });
    this.#sockets = new WebSocketServer({ noServer: true });
    this.#server.on('upgrade', (request, socket, head) => this.#upgrade(request, socket, head));
  }

  static async start(options: BrowserHostOptions): Promise<BrowserHost> {
    const host = new BrowserHost(options);
    await new Promise<void>((resolve, reject) => {
      host.#server.once('error', (error) => reject(listenError(error, options.port)));
      host.#server.listen(options.port, '127.0.0.1', resolve);
    });
    host.#gate = { port: (host.#server.address() as AddressInfo).port, token: options.token };
    host.#stopEvents = options.studio.onEvent((event) => host.#broadcast(JSON.stringify(event)));
    return host;
  }

  get port(): number {
    return this.#gate.port;
  }

  /** The address to print, token included: a terminal shows it to this user only. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/?${TOKEN_QUERY}=${this.#gate.token}`;
  }

  /** An address for a browser launcher, whose command line every local user can read: a single-use code, not the token. */
  openUrl(): string {
    return `http://127.0.0.1:${this.port}/?${NONCE_QUERY}=${this.#nonces.issue()}`;
  }

  async close(): Promise<void> {
    this.#stopEvents();
    for (const client of this.#sockets.clients) client.terminate();
    this.#sockets.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const foreign = foreignRefusal(request, this.#gate);
    if (foreign) return sendJson(response, 403, { ok: false, error: { message: foreign } });
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    // The page and its assets are the public build: they load without the token, which only the API, uploads and events need.
    if (request.method === 'GET' || request.method === 'HEAD') return this.#serveFile(response, url);
    if (request.method === 'POST' && url.pathname === SESSION_PATH) return this.#session(response, url);
    const reason = refusal(request, this.#gate);
    if (reason) return sendJson(response, 403, { ok: false, error: { message: reason } });
    try {
      if (request.method === 'POST' && url.pathname.startsWith('/api/')) return await this.#invoke(request, response, url);
      if (request.method === 'POST' && url.pathname === '/upload') return await this.#upload(request, response, url);
      sendJson(response, 405, { ok: false, error: { message: `${request.method} is not served here.` } });
    } catch (error) {
      sendJson(response, 400, { ok: false, error: describeError(error) });
    }
  }

  /** Trades a launch code for the session token, once. */
  #session(response: ServerResponse, url: URL): void {
    const nonce = url.searchParams.get(NONCE_QUERY) ?? '';
    if (!this.#nonces.redeem(nonce)) {
      return sendJson(response, 403, { ok: false, error: { message: 'This launch code is spent or expired; open the address the host printed.' } });
    }
    sendJson(response, 200, { ok: true, value: { token: this.#gate.token } });
  }

  async #invoke(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const payload = await readJson(request, this.#options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES);
    const channel = decodeChannel(url.pathname.slice('/api/'.length));
    sendJson(response, 200, await dispatch(this.#options.studio.handlers, channel, payload));
  }

  async #upload(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const path = url.searchParams.get('path');
    if (!path) throw new InputError('An upload needs a path parameter naming the file.');
    const drop = url.searchParams.get('drop') ?? undefined;
    const stored = await storeUpload(request, this.#options.uploadDir, { path, drop, maxBytes: this.#options.maxUploadBytes });
    sendJson(response, 200, { ok: true, value: stored });
  }

  #serveFile(response: ServerResponse, url: URL): void {
    const file = staticFile(this.#options.rendererDir, url.pathname);
    if (!file) return sendJson(response, 404, { ok: false, error: { message: `There is nothing at ${url.pathname}.` } });
    sendFile(response, file, {});
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const reason = pathname === EVENTS_PATH ? refusal(request, this.#gate) : 'There is no socket here.';
    if (reason) {
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${reason}`);
      return;
    }
    this.#sockets.handleUpgrade(request, socket, head, (client: WebSocket) => this.#sockets.emit('connection', client));
  }

  #broadcast(message: string): void {
    for (const client of this.#sockets.clients) {
      if (client.readyState === client.OPEN) client.send(message);
    }
  }
}
