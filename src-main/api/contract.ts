import type { FeaturePage } from '../shared/features.js';
import type { CorrelationExport } from '../shared/correlation.js';
import type { FigureFormat, FigureSettings, FormatOptions } from '../shared/figures/settings.js';
import type { ClusterSettings } from '../shared/settings/cluster-settings.js';
import type { RunSettings } from '../shared/settings/run-settings.js';
import type { JobKindName, JobSettings } from '../shared/jobs.js';
import type { ResidualStats, TextInspection } from '../shared/residual.js';
import type { StatsExport } from '../shared/stats.js';
import type { GenerationOutput, SteeringComparison } from '../shared/steering.js';
import type { LibraryItem } from '../store/library.js';
import type { RunRecord } from '../store/runs.js';
import type { MatchOverview, MatchPairView } from './match-service.js';

export type { RunRecord, RunRecordOf, RunState } from '../store/runs.js';

/** A job to queue: its kind (statistics when absent) and that kind's settings. */
export type StartRequest = { [K in JobKindName]: { kind: K; settings: JobSettings[K] } }[JobKindName];

export type { LibraryItem, LibraryKind } from '../store/library.js';

export interface AppInfo {
  version: string;
  host: 'electron' | 'browser';
  databasePath: string;
}

/** One figure of a run: the settings the user sees (font scale included) and the file's options; absent fields take the defaults. */
export interface FigureExportRequest {
  runId: string;
  family: string;
  format: FigureFormat;
  settings: FigureSettings;
  output: FormatOptions;
}

/** One SAE of a finished run, as the Features view lists them. */
export interface RunSae {
  index: number;
  hook: string;
  d_sae: number;
}

/** One SAE's per-feature statistics for the features table, arrays in feature order (statistics.md names). */
export interface FeatureTable {
  hook: string;
  saeIndex: number;
  features: StatsExport['saes'][number]['features'];
}

/** Features found for a token: those whose examples sit on it, and those whose decoder most promotes it. */
export interface TokenSearch {
  token: number;
  text: string;
  inExamples: number[];
  promoting: [number, number][];
}

export interface FeatureRequest {
  runId: string;
  sae: number;
  feature: number;
}

/** One match figure: a set's heatmaps (no pair), or a pair's figure family. */
export interface MatchFigureRequest {
  runId: string;
  family: string;
  pair?: { k: number; l: number };
  format: FigureFormat;
  settings: FigureSettings;
  output: FormatOptions;
}

/** A statistics run split into shards for a cluster: its settings, the split's, and the folder every task reaches. */
export interface ClusterWriteRequest {
  settings: RunSettings;
  cluster: ClusterSettings;
  folder: string;
}

/** The files written for a split run and the commands that run them. */
export interface ClusterFilesWritten {
  runId: string;
  files: string[];
  commands: { slurm: string[]; kubernetes: string[] };
}

/** Channel → request/response: the one contract both hosts serve. */
export interface ApiContract {
  'app.info': { request: Record<string, never>; response: AppInfo };
  'library.list': { request: Record<string, never>; response: LibraryItem[] };
  'library.add': { request: { paths: string[] }; response: LibraryItem[] };
  'library.remove': { request: { id: string }; response: { removed: boolean } };
  'runs.list': { request: Record<string, never>; response: RunRecord[] };
  'runs.start': { request: StartRequest; response: RunRecord };
  'runs.cancel': { request: { runId: string }; response: RunRecord };
  'runs.stats': { request: { runId: string }; response: StatsExport };
  'runs.residual': { request: { runId: string }; response: ResidualStats };
  'runs.inspection': { request: { runId: string }; response: TextInspection };
  'runs.correlation': { request: { runId: string }; response: CorrelationExport };
  'runs.steering': { request: { runId: string }; response: SteeringComparison[] };
  'runs.generation': { request: { runId: string }; response: GenerationOutput[] };
  'figures.export': { request: FigureExportRequest; response: { fileName: string; mimeType: string; base64: string } };
  'features.saes': { request: { runId: string }; response: RunSae[] };
  'features.table': { request: { runId: string; sae: number }; response: FeatureTable };
  'features.page': { request: FeatureRequest; response: FeaturePage };
  'features.search': { request: { runId: string; sae: number; token: string }; response: TokenSearch };
  'features.figure': { request: FeatureRequest & { fontScale: number }; response: { fileName: string; mimeType: string; base64: string } };
  'matches.get': { request: { runId: string }; response: MatchOverview };
  'matches.pair': { request: { runId: string; k: number; l: number }; response: MatchPairView };
  'matches.figure': { request: MatchFigureRequest; response: { fileName: string; mimeType: string; base64: string } };
  'cluster.write': { request: ClusterWriteRequest; response: ClusterFilesWritten };
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
