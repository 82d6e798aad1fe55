/** Electron-free checks of what the window may load and who may call in, so tests can run them under Node. */

export interface OwnPage {
  /** The built index.html as a file:// URL. */
  page: string;
  /** electron-vite's dev server, when running `npm run dev`. */
  devServerUrl?: string;
}

/** True for the app's own page only: that exact file (any query or hash), or a page of the dev server's origin. */
export function isOwnPage(url: string, own: OwnPage): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') return parsed.href.split(/[?#]/)[0] === own.page;
  return own.devServerUrl !== undefined && parsed.origin === new URL(own.devServerUrl).origin;
}

/** The app talks to main over IPC only; the dev server adds its own origin and its hot-reload socket. */
export function contentSecurityPolicy(devServerUrl?: string): string {
  const dev = devServerUrl ? new URL(devServerUrl) : undefined;
  const connect = dev ? `'self' ${dev.origin} ws://${dev.host}` : "'self'";
  return `default-src 'self'; connect-src ${connect}; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'`;
}
