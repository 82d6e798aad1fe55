/** The names BrowserHost and the renderer's BrowserClient agree on; no Node imports, so the renderer can use them. */
export const TOKEN_HEADER = 'x-sae-studio-token';
export const TOKEN_QUERY = 'token';
export const EVENTS_PATH = '/events';
