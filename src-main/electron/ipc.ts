/** The one IPC channel main pushes AppEvents on; invoke channels are the contract's own names. */
export const EVENT_CHANNEL = 'app.event';

/** The window's global the preload exposes WindowApi under (the renderer's getApi reads it). */
export const API_GLOBAL = 'saeStudio';
