/** The names BrowserHost and the renderer's BrowserClient agree on; no Node imports, so the renderer can use them. */
export const TOKEN_HEADER = 'x-sae-studio-token';
export const TOKEN_QUERY = 'token';
/** The single-use launch code in the address the host opens; the page trades it at SESSION_PATH for the token. */
export const NONCE_QUERY = 'nonce';
export const SESSION_PATH = '/session';
export const EVENTS_PATH = '/events';
