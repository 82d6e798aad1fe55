import type { WindowApi } from '../../src-main/api/contract.js';
import { NONCE_QUERY, SESSION_PATH, TOKEN_QUERY } from '../../src-main/shared/host-protocol.js';
import { BrowserClient } from './browser-client.js';
import { walkDrop } from './drop-files.js';

export { ApiError } from './errors.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser host. */
    saeStudio?: WindowApi;
  }
}

let api: WindowApi | undefined;

const TOKEN_STORAGE_KEY = 'sae-studio-token';

/** Removes a parameter from the address bar, so it is neither bookmarked nor shared. */
function dropFromAddress(name: string): string | undefined {
  const address = new URL(window.location.href);
  const value = address.searchParams.get(name) ?? undefined;
  if (value !== undefined) {
    address.searchParams.delete(name);
    window.history.replaceState(window.history.state, '', address);
  }
  return value;
}

/** Trades the launch code the host opened this page with for the session token. */
async function redeem(nonce: string): Promise<string | undefined> {
  const response = await fetch(`${SESSION_PATH}?${new URLSearchParams({ [NONCE_QUERY]: nonce })}`, { method: 'POST' });
  const reply = (await response.json()) as { ok: boolean; value?: { token: string } };
  return reply.ok ? reply.value?.token : undefined;
}

/**
 * The session token from the printed address or a launch code, kept in sessionStorage for reloads: storage is
 * per origin, port included, whereas a cookie would reach every server on 127.0.0.1.
 */
async function sessionToken(): Promise<string | undefined> {
  const printed = dropFromAddress(TOKEN_QUERY);
  const nonce = dropFromAddress(NONCE_QUERY);
  const token = printed ?? (nonce ? await redeem(nonce) : undefined) ?? window.sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? undefined;
  if (token) window.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  return token;
}

/** The one API of the app: the Electron preload's, or a client of the browser host. */
export function getApi(): WindowApi {
  api ??= window.saeStudio ?? new BrowserClient({ origin: window.location.origin, token: sessionToken() });
  return api;
}

/** The files of a drop, ready for pathsForDrop: Electron resolves folders itself, the browser host needs them walked. */
export function filesFromDrop(dataTransfer: DataTransfer): Promise<File[]> {
  return window.saeStudio ? Promise.resolve([...dataTransfer.files]) : walkDrop(dataTransfer);
}
