import type { FeatureStats, PositionStats, RunDescription, SaeStats, SaeSummary, StatsExport } from '../../shared/stats.js';
import type { FeatureExamples } from './top-examples.js';

export type SaeIdentity = Pick<SaeStats, 'hook' | 'd_in' | 'd_sae'>;

/** What a feature page reads from a run of one SAE: its kept examples (absent when off) and 32-bin histograms. */
export interface FeaturePages {
  examples?: FeatureExamples;
  /** [d_sae × 32] counts, binned against each feature's max (see histogram.ts). */
  histograms: Uint32Array;
}

/** The token ids (valid length only) of every window some example points at, by window index; `perFeature` 0 means off. */
export interface ExampleWindows {
  perFeature: number;
  windows: Map<number, Int32Array>;
}

/** What a run records beside stats.json's description: the execution provider that ran it. */
export interface RunDetails {
  device: string;
}

/** Where a run puts its statistics, one family at a time so each stage line follows a real write. */
export interface StatsStore {
  saveRun(description: RunDescription, details: RunDetails): void;
  saveSae(index: number, identity: SaeIdentity): void;
  saveFeatures(index: number, features: FeatureStats): void;
  savePositions(index: number, positions: PositionStats): void;
  saveSummary(index: number, summary: SaeSummary): void;
  saveFeaturePages(index: number, pages: FeaturePages): void;
  saveExampleWindows(windows: ExampleWindows): void;
}

/** Keeps a run's statistics in memory: for tests and for runs that only export. */
export class MemoryStatsStore implements StatsStore {
  #run: RunDescription | undefined;
  #details: RunDetails | undefined;
  #saes: Partial<SaeStats>[] = [];
  readonly pages: FeaturePages[] = [];
  windows: ExampleWindows | undefined;

  saveRun(description: RunDescription, details: RunDetails): void {
    this.#run = description;
    this.#details = details;
  }

  get details(): RunDetails | undefined {
    return this.#details;
  }

  saveSae(index: number, identity: SaeIdentity): void {
    this.#saes[index] = { ...identity };
  }

  saveFeatures(index: number, features: FeatureStats): void {
    this.#saes[index].features = features;
  }

  savePositions(index: number, positions: PositionStats): void {
    this.#saes[index].positions = positions;
  }

  saveSummary(index: number, summary: SaeSummary): void {
    this.#saes[index].summary = summary;
  }

  saveFeaturePages(index: number, pages: FeaturePages): void {
    this.pages[index] = pages;
  }

  saveExampleWindows(windows: ExampleWindows): void {
    this.windows = windows;
  }

  /** The stored run; throws if a family is missing, since that means the run did not finish. */
  toExport(): StatsExport {
    if (!this.#run) throw new Error('No run description was stored.');
    const saes = this.#saes.map((sae, index) => {
      if (!sae.features || !sae.positions || !sae.summary) throw new Error(`SAE ${index} has missing statistics.`);
      return sae as SaeStats;
    });
    return { run: this.#run, saes };
  }
}
