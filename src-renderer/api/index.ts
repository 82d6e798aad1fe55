import type { WindowApi } from '../../src-main/api/contract.js';
import { TOKEN_QUERY } from '../../src-main/shared/host-protocol.js';
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

/** Takes the token from the address once and drops it from the bar; the host's cookie covers reloads. */
function takeTokenFromAddress(): string | undefined {
  const address = new URL(window.location.href);
  const token = address.searchParams.get(TOKEN_QUERY) ?? undefined;
  if (token) {
    address.searchParams.delete(TOKEN_QUERY);
    window.history.replaceState(window.history.state, '', address);
  }
  return token;
}

/** The one API of the app: the Electron preload's, or a client of the browser host. */
export function getApi(): WindowApi {
  api ??= window.saeStudio ?? new BrowserClient({ origin: window.location.origin, token: takeTokenFromAddress() });
  return api;
}

/** The files of a drop, ready for pathsForDrop: Electron resolves folders itself, the browser host needs them walked. */
export function filesFromDrop(dataTransfer: DataTransfer): Promise<File[]> {
  return window.saeStudio ? Promise.resolve([...dataTransfer.files]) : walkDrop(dataTransfer);
}
