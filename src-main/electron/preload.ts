import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { AppEvent, Channel, RequestOf, ResponseOf, WindowApi } from '../api/contract.js';
import type { ApiReply } from '../api/dispatch.js';
import { API_GLOBAL, EVENT_CHANNEL } from './ipc.js';

/** Only invoke and one event channel cross the bridge; main validates every payload. */
const api: WindowApi = {
  async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const reply = (await ipcRenderer.invoke(channel, request)) as ApiReply<ResponseOf<C>>;
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { name: 'ApiError', details: reply.error.details });
    return reply.value;
  },
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, appEvent: AppEvent) => listener(appEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
  async pathsForDrop(files) {
    return files.map((file) => webUtils.getPathForFile(file));
  },
};

contextBridge.exposeInMainWorld(API_GLOBAL, api);
