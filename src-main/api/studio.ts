import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { openDatabase } from '../store/database.js';
import { RESIDUAL_FIGURE_FAMILIES } from '../shared/figures/residual/families.js';
import { loadCorrelation } from '../store/correlations.js';
import { loadGenerations, loadSteering } from '../store/generations.js';
import { loadInspection, loadResidualStats } from '../store/residual.js';
import { getRun } from '../store/runs.js';
import { loadRunStats } from '../store/statistics.js';
import type { JobLauncher } from '../workers/process-adapter.js';
import { DEFAULT_FIGURE_SETTINGS } from '../shared/figures/settings.js';
import type { AppEvent, AppInfo, FigureExportRequest, MatchFigureRequest, RequestOf, ResponseOf, RunRecord } from './contract.js';
import { writeClusterFiles } from './cluster-service.js';
import { matchOverview, matchPairView } from './match-service.js';
import { InputError } from '../shared/errors.js';
import type { Handlers } from './dispatch.js';
import { FeatureService } from './feature-service.js';
import { LibraryService, type Recognizer } from './library-service.js';
import { RunService } from './run-service.js';

export interface StudioOptions {
  databasePath: string;
  host: AppInfo['host'];
  recognizers: Recognizer[];
  launcher?: JobLauncher;
  /** How many runs may go at once; DEFAULT_PARALLEL_RUNS when absent. */
  parallelRuns?: number;
  /** Electron knows its own version; elsewhere it comes from package.json. */
  version?: string;
}

/** The package version, read from package.json two folders up from both the sources and the bundle. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** Everything one host serves: the services behind the API contract and the events they raise. */
export class Studio {
  readonly runs: RunService;
  readonly library: LibraryService;
  readonly features: FeatureService;
  readonly handlers: Handlers;
  readonly #db: Database.Database;
  readonly #listeners = new Set<(event: AppEvent) => void>();

  constructor(options: StudioOptions) {
    this.#db = openDatabase(options.databasePath);
    this.runs = new RunService({ databasePath: options.databasePath, launcher: options.launcher, parallelRuns: options.parallelRuns });
    this.library = new LibraryService({ db: this.#db, recognizers: options.recognizers });
    this.features = new FeatureService(this.#db);
    this.runs.onEvent((event) => this.#emit(event));
    const info: AppInfo = { version: options.version ?? packageVersion(), host: options.host, databasePath: options.databasePath };
    this.handlers = this.#createHandlers(info);
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.runs.close();
    this.#db.close();
  }

  #createHandlers(info: AppInfo): Handlers {
    return {
      'app.info': () => info,
      'library.list': () => this.library.list(),
      'library.add': async ({ paths }) => this.#changed(await this.library.add(paths)),
      'library.remove': ({ id }) => this.#changed({ removed: this.library.remove(id) }),
      'runs.list': () => this.runs.list(),
      'runs.start': ({ kind, settings }) => this.runs.start(kind, settings) as RunRecord,
      'runs.cancel': ({ runId }) => this.runs.cancel(runId),
      'runs.stats': ({ runId }) => loadRunStats(this.#db, runId),
      'runs.residual': ({ runId }) => loadResidualStats(this.#db, runId),
      'runs.inspection': ({ runId }) => loadInspection(this.#db, runId),
      'runs.correlation': ({ runId }) => loadCorrelation(this.#db, runId),
      'runs.steering': ({ runId }) => loadSteering(this.#db, runId),
      'runs.generation': ({ runId }) => loadGenerations(this.#db, runId),
      'figures.export': (request) => this.#exportFigure(request),
      'features.saes': ({ runId }) => this.features.saes(this.runs.get(runId).id),
      'features.table': ({ runId, sae }) => this.features.table(this.runs.get(runId).id, { sae }),
      'features.page': ({ runId, sae, feature }) => this.features.page(this.runs.get(runId).id, { sae }, feature),
      'features.search': ({ runId, sae, token }) => this.features.searchToken(this.runs.get(runId).id, { sae }, token),
      'features.figure': (request) => this.#exportFeatureFigure(request),
      'matches.get': ({ runId }) => matchOverview(this.#db, runId),
      'matches.pair': ({ runId, k, l }) => matchPairView(this.#db, runId, k, l),
      'matches.figure': (request) => this.#exportMatchFigure(request),
      'cluster.write': (request) => writeClusterFiles(request, info.databasePath),
    };
  }

  /** Loaded on first use: the renderer for figures is heavy and most sessions never export. */
  async #exportFigure(request: FigureExportRequest): Promise<ResponseOf<'figures.export'>> {
    const residual = getRun(this.#db, request.runId).kind === 'residual';
    const { exportFigure } = await import('../engine/figures/export.js');
    const figure = residual
      ? await exportFigure(loadResidualStats(this.#db, request.runId), request, RESIDUAL_FIGURE_FAMILIES)
      : await exportFigure(loadRunStats(this.#db, request.runId), request);
    return { fileName: figure.fileName, mimeType: figure.mimeType, base64: figure.data.toString('base64') };
  }

  async #exportMatchFigure(request: MatchFigureRequest): Promise<ResponseOf<'matches.figure'>> {
    const { renderPairFigure, renderSetFigure } = await import('../engine/figures/match-export.js');
    const options = { settings: request.settings, output: request.output };
    const set = request.pair ? undefined : matchOverview(this.#db, request.runId).set;
    if (!request.pair && !set) throw new InputError(`Match '${request.runId}' is a single pair: name the pair for its figures.`);
    const figure = request.pair
      ? renderPairFigure(request.family, matchPairView(this.#db, request.runId, request.pair.k, request.pair.l).figure, request.format, options)
      : renderSetFigure(set!, request.format, options);
    return { fileName: figure.fileName, mimeType: figure.mimeType, base64: figure.data.toString('base64') };
  }

  /** The page's charts as Figma-ready SVG, drawn by the same builder as the screen. */
  async #exportFeatureFigure(request: RequestOf<'features.figure'>): Promise<ResponseOf<'features.figure'>> {
    const page = this.features.page(this.runs.get(request.runId).id, { sae: request.sae }, request.feature);
    const [{ figureSvg }, { buildFeaturePageOption }] = await Promise.all([import('../engine/figures/export.js'), import('../shared/figures/feature-page.js')]);
    const settings = { ...DEFAULT_FIGURE_SETTINGS, fontScale: request.fontScale };
    const svg = figureSvg(buildFeaturePageOption(page, settings), settings);
    const fileName = `feature-${page.index}-${page.hook}.svg`;
    return { fileName, mimeType: 'image/svg+xml', base64: Buffer.from(svg).toString('base64') };
  }

  #changed<T>(value: T): T {
    this.#emit({ type: 'library.changed' });
    return value;
  }

  #emit(event: AppEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
