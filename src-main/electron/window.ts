import { BrowserWindow, session, shell } from 'electron';
import { contentSecurityPolicy } from './own-page.js';

export interface MainWindowOptions {
  preload: string;
  /** The built renderer's index.html. */
  page: string;
  /** electron-vite's dev server, when running `npm run dev`. */
  devServerUrl?: string;
}

/** Every page gets the CSP as a header too (the dev server's pages have no meta tag we control), and no permissions, asked or checked. */
export function lockDownSession(devServerUrl?: string): void {
  const policy = contentSecurityPolicy(devServerUrl);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** The one window: isolated, sandboxed, no Node; it may not navigate away or open others. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'SAE Studio',
    show: false,
    // Auxclick off: a middle click must not open a link in a new window.
    webPreferences: { preload: options.preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, disableBlinkFeatures: 'Auxclick' },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never in an app window.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  if (options.devServerUrl) void window.loadURL(options.devServerUrl);
  else void window.loadFile(options.page);
  return window;
}
