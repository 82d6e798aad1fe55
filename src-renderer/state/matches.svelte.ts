import type { MatchOverview, MatchPairView } from '../../src-main/api/match-service.js';
import { DEFAULT_FIGURE_SETTINGS, DEFAULT_FORMAT_OPTIONS, type FigureFormat } from '../../src-main/shared/figures/settings.js';
import { getApi } from '../api/index.js';
import { messageOf } from './errors.js';
import { download } from './figures.svelte.js';

/** The opened match: its overview, the pair on screen, and exports. */
export class MatchesState {
  #runId = $state<string | undefined>(undefined);
  #overview = $state.raw<MatchOverview | undefined>(undefined);
  #pair = $state.raw<MatchPairView | undefined>(undefined);
  #loading = $state(false);
  #exporting = $state<string | undefined>(undefined);
  #error = $state<string | undefined>(undefined);

  get runId(): string | undefined {
    return this.#runId;
  }

  get overview(): MatchOverview | undefined {
    return this.#overview;
  }

  get pair(): MatchPairView | undefined {
    return this.#pair;
  }

  get loading(): boolean {
    return this.#loading;
  }

  get exporting(): string | undefined {
    return this.#exporting;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** Opens a finished match and its first pair. */
  async open(runId: string): Promise<void> {
    this.#runId = runId;
    this.#overview = undefined;
    this.#pair = undefined;
    await this.#load(async () => {
      this.#overview = await getApi().invoke('matches.get', { runId });
      const first = this.#overview.pairs[0];
      if (first) this.#pair = await getApi().invoke('matches.pair', { runId, k: first.k, l: first.l });
    });
  }

  /** Opens S_k → S_l, stored once as the pair with the smaller index first. */
  async openPair(k: number, l: number): Promise<void> {
    const runId = this.#runId;
    if (!runId || k === l) return;
    await this.#load(async () => {
      this.#pair = await getApi().invoke('matches.pair', { runId, k: Math.min(k, l), l: Math.max(k, l) });
    });
  }

  /** One figure as the host renders it for export: the set's heatmaps, or a family of the pair on screen. */
  async export(family: string, format: FigureFormat, ofPair: boolean): Promise<void> {
    const runId = this.#runId;
    if (!runId) return;
    this.#exporting = `${family}.${format}`;
    this.#error = undefined;
    try {
      const pair = ofPair && this.#pair ? { pair: { k: this.#pair.k, l: this.#pair.l } } : {};
      const request = { runId, family, format, settings: DEFAULT_FIGURE_SETTINGS, output: DEFAULT_FORMAT_OPTIONS, ...pair };
      const file = await getApi().invoke('matches.figure', request);
      download(file.fileName, file.mimeType, file.base64);
    } catch (error) {
      this.#error = messageOf(error);
    } finally {
      this.#exporting = undefined;
    }
  }

  async #load(step: () => Promise<void>): Promise<void> {
    this.#loading = true;
    this.#error = undefined;
    try {
      await step();
    } catch (error) {
      this.#error = messageOf(error);
    } finally {
      this.#loading = false;
    }
  }
}
