import type { FeatureTable, RunSae, TokenSearch } from '../../src-main/api/contract.js';
import type { FeaturePage } from '../../src-main/shared/features.js';
import { getApi } from '../api/index.js';
import { messageOf } from './errors.js';
import { download } from './figures.svelte.js';

export const FEATURE_COLUMNS = ['index', 'density', 'count', 'mean', 'std', 'max'] as const;
export type FeatureColumn = (typeof FEATURE_COLUMNS)[number] | `q${number}`;

/** Rows per table page: a 24,576-feature SAE stays smooth because only these are in the DOM. */
export const PAGE_SIZE = 100;

export interface TableFilter {
  hideDead: boolean;
  minDensity: number;
  maxDensity: number;
}

/** The Features view: a run, one of its SAEs, its feature table (sorted, filtered, paged) and the open feature page. */
export class FeaturesState {
  #runId = $state<string | undefined>(undefined);
  #saes = $state.raw<RunSae[]>([]);
  #sae = $state<number>(0);
  #table = $state.raw<FeatureTable | undefined>(undefined);
  #page = $state.raw<FeaturePage | undefined>(undefined);
  #search = $state.raw<TokenSearch | undefined>(undefined);
  #loading = $state(false);
  #error = $state<string | undefined>(undefined);
  sort = $state<{ column: FeatureColumn; descending: boolean }>({ column: 'density', descending: true });
  filter = $state<TableFilter>({ hideDead: false, minDensity: 0, maxDensity: 1 });
  pageIndex = $state(0);

  get runId(): string | undefined {
    return this.#runId;
  }
  get saes(): RunSae[] {
    return this.#saes;
  }
  get sae(): number {
    return this.#sae;
  }
  get table(): FeatureTable | undefined {
    return this.#table;
  }
  get page(): FeaturePage | undefined {
    return this.#page;
  }
  get search(): TokenSearch | undefined {
    return this.#search;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): string | undefined {
    return this.#error;
  }

  /** Feature indices after filtering and sorting; ties keep index order. */
  get rows(): number[] {
    const table = this.#table;
    if (!table) return [];
    const { hideDead, minDensity, maxDensity } = this.filter;
    const { density, count } = table.features;
    const rows: number[] = [];
    for (let feature = 0; feature < density.length; feature++) {
      if (hideDead && count[feature] === 0) continue;
      if (density[feature] < minDensity || density[feature] > maxDensity) continue;
      rows.push(feature);
    }
    const value = this.valueOf.bind(this);
    const { column, descending } = this.sort;
    const sign = descending ? -1 : 1;
    return rows.sort((a, b) => sign * (value(a, column) - value(b, column)) || a - b);
  }

  valueOf(feature: number, column: FeatureColumn): number {
    const features = this.#table!.features;
    if (column === 'index') return feature;
    if (column.startsWith('q')) return features.quantiles.values[features.quantiles.levels.indexOf(Number(column.slice(1)))][feature];
    return features[column as Exclude<FeatureColumn, 'index' | `q${number}`>][feature];
  }

  sortBy(column: FeatureColumn): void {
    this.sort = { column, descending: this.sort.column === column ? !this.sort.descending : column !== 'index' };
    this.pageIndex = 0;
  }

  async openRun(runId: string, sae = 0): Promise<void> {
    this.#runId = runId;
    await this.#guard(async () => {
      this.#saes = await getApi().invoke('features.saes', { runId });
      await this.#loadSae(sae);
    });
  }

  async selectSae(sae: number): Promise<void> {
    await this.#guard(() => this.#loadSae(sae));
  }

  async #loadSae(sae: number): Promise<void> {
    this.#sae = sae;
    this.#page = undefined;
    this.#search = undefined;
    this.pageIndex = 0;
    this.#table = await getApi().invoke('features.table', { runId: this.#runId!, sae });
  }

  /** Opens a feature page; from a figure the SAE comes by hook. */
  async openFeature(feature: number, hook?: string): Promise<void> {
    if (!this.#runId) return;
    await this.#guard(async () => {
      const sae = hook === undefined ? this.#sae : this.#saes.find((each) => each.hook === hook)?.index;
      if (sae === undefined) throw new Error(`This run has no SAE at ${hook}.`);
      if (sae !== this.#sae || !this.#table) await this.#loadSae(sae);
      this.#page = await getApi().invoke('features.page', { runId: this.#runId!, sae, feature });
    });
  }

  closePage(): void {
    this.#page = undefined;
  }

  async searchToken(token: string): Promise<void> {
    if (!this.#runId) return;
    await this.#guard(async () => {
      this.#search = await getApi().invoke('features.search', { runId: this.#runId!, sae: this.#sae, token });
    });
  }

  /** Downloads the page's charts as Figma-ready SVG, drawn by the same builder as the screen. */
  async exportFigure(): Promise<void> {
    const page = this.#page;
    if (!page || !this.#runId) return;
    await this.#guard(async () => {
      const file = await getApi().invoke('features.figure', { runId: this.#runId!, sae: this.#sae, feature: page.index, fontScale: 1 });
      download(file.fileName, file.mimeType, file.base64);
    });
  }

  async #guard(work: () => Promise<void>): Promise<void> {
    this.#loading = true;
    this.#error = undefined;
    try {
      await work();
    } catch (error) {
      this.#error = messageOf(error);
    } finally {
      this.#loading = false;
    }
  }
}
