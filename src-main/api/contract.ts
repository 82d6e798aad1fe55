import type { FigureExportSettings } from '../shared/figures/export-settings.js';
import type { RunSettings } from '../shared/settings/run-settings.js';
import type { StatsExport } from '../shared/stats.js';

export type RunState = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';

export interface RunRecord {
  id: string;
  state: RunState;
  settings: RunSettings;
  createdAt: string;
  finishedAt?: string;
  message?: string;
  /** The user's name or note for the run. */
  note?: string;
  /** Windows the run used (fewer than settings.samples when the dataset ran out), once its statistics are stored. */
  windows?: number;
  /** The context the run resolved (settings.context, else the SAE's, else the model's). */
  context?: number;
  /** The execution provider that ran it. */
  device?: string;
  /** Stage lines printed so far, e.g. "Layer 0 - Computed and stored feature-level stats". */
  stages: string[];
}

export type LibraryKind = 'model' | 'sae' | 'dataset';

export interface LibraryItem {
  id: string;
  path: string;
  kind?: LibraryKind;
  /** What the loader recognised: architecture, layers, d_in/d_sae, hook, dtype, rows, columns… */
  facts: Record<string, string | number>;
  error?: string;
  addedAt: string;
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'browser';
  databasePath: string;
}

export const FIGURE_FORMATS = ['svg', 'png'] as const;
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

export interface FigureExportRequest {
  runId: string;
  family: string;
  format: FigureFormat;
  fontScale: number;
  scale: number;
  rasterize?: boolean;
  /** The figure settings the user sees; absent ones take the defaults. */
  settings?: FigureExportSettings;
}

/** Channel → request/response: the one contract both hosts serve. */
export interface ApiContract {
  'app.info': { request: Record<string, never>; response: AppInfo };
  'library.list': { request: Record<string, never>; response: LibraryItem[] };
  'library.add': { request: { paths: string[] }; response: LibraryItem[] };
  'library.remove': { request: { id: string }; response: { removed: boolean } };
  'runs.list': { request: Record<string, never>; response: RunRecord[] };
  'runs.start': { request: { settings: RunSettings }; response: RunRecord };
  'runs.cancel': { request: { runId: string }; response: RunRecord };
  'runs.stats': { request: { runId: string }; response: StatsExport };
  'figures.export': { request: FigureExportRequest; response: { fileName: string; mimeType: string; base64: string } };
}

export type Channel = keyof ApiContract;
export type RequestOf<C extends Channel> = ApiContract[C]['request'];
export type ResponseOf<C extends Channel> = ApiContract[C]['response'];

/** Events pushed from main to every window. */
export type AppEvent =
  | { type: 'run.progress'; runId: string; label: string; done: number; total: number }
  | { type: 'run.stage'; runId: string; line: string }
  | { type: 'run.state'; run: RunRecord }
  | { type: 'library.changed' };

/** What the renderer sees, in Electron (preload) and in the browser host alike. */
export interface WindowApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** Local paths for dropped files: real paths in Electron, uploaded copies in the browser host. */
  pathsForDrop(files: File[]): Promise<string[]>;
}
