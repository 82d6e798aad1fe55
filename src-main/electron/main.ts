import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import { dispatch } from '../api/dispatch.js';
import { engineRecognizers } from '../api/recognizers.js';
import { Studio } from '../api/studio.js';
import { CHANNELS } from '../api/validate.js';
import { NATIVE_BINDING_VARIABLE } from '../store/database.js';
import { ProcessJobLauncher, utilityWorkerSpawner } from '../workers/process-adapter.js';
import { EVENT_CHANNEL } from './ipc.js';
import { installMenu } from './menu.js';
import { isOwnPage } from './own-page.js';
import { createMainWindow, lockDownSession } from './window.js';

/** This file is out/main/index.js once built; every other built file is found from here. */
const here = import.meta.dirname;

/** better-sqlite3 built for Electron's ABI, kept apart so node_modules stays Node's (see build/scripts/prepare-electron.mjs). */
function useElectronSqlite(): void {
  const binding = app.isPackaged
    ? join(process.resourcesPath, 'native', 'better_sqlite3.node')
    : join(here, '../../resources/native/electron/better_sqlite3.node');
  if (existsSync(binding)) process.env[NATIVE_BINDING_VARIABLE] = binding;
}

function openStudio(): Studio {
  return new Studio({
    databasePath: join(app.getPath('userData'), 'studio.db'),
    host: 'electron',
    version: app.getVersion(),
    recognizers: engineRecognizers(),
    launcher: new ProcessJobLauncher({ spawn: utilityWorkerSpawner(utilityProcess.fork, join(here, 'worker.js')) }),
  });
}

const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;

const pageFile = join(here, '../renderer/index.html');

/** Only our own page may call in: the app's index.html (or the dev server's origin), in the top frame, never any other file:// page. */
function fromOwnPage(event: IpcMainInvokeEvent): boolean {
  return isOwnPage(event.senderFrame?.url ?? '', { page: pathToFileURL(pageFile).href, devServerUrl }) && event.senderFrame?.parent === null;
}

function serve(studio: Studio): void {
  const refusal = { ok: false, error: { message: 'Only the SAE Studio window may use this API.' } } as const;
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) => (fromOwnPage(event) ? dispatch(studio.handlers, channel, payload) : refusal));
  }
  studio.onEvent((event) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(EVENT_CHANNEL, event);
  });
}

function openWindow(): void {
  createMainWindow({
    preload: join(here, '../preload/index.cjs'),
    page: pageFile,
    devServerUrl,
  });
}

// One instance per user: a second would open the same database and race the first one's runs.
if (!app.requestSingleInstanceLock()) {
  app.quit();
  process.exit(0);
}
app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window?.isMinimized()) window.restore();
  window?.focus();
});
useElectronSqlite();
await app.whenReady();
lockDownSession(devServerUrl);
installMenu();
const studio = openStudio();
serve(studio);
openWindow();
app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && openWindow());
app.on('window-all-closed', () => process.platform !== 'darwin' && app.quit());
app.on('will-quit', () => studio.close());
