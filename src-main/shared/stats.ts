import type { Packing } from './settings/run-settings.js';

export const QUANTILE_LEVELS = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] as const;

/** Names below are the contract's (../shared/spec/statistics.md), kept verbatim. */
export type Series = ArrayLike<number>;
export type NullableSeries = ArrayLike<number | null>;

export interface SaeSummary {
  tokens: number;
  l0: number;
  dead: number;
  dense: number;
  mse: number;
  explained_variance: number;
  cosine: number;
  ce_clean?: number;
  ce_spliced?: number;
  ce_zero?: number;
  ce_recovered?: number;
}

export interface FeatureStats {
  count: Series;
  density: Series;
  mean: Series;
  std: Series;
  max: Series;
  mean_all: Series;
  quantiles: { levels: number[]; values: Series[] };
}

export interface PositionStats {
  n: Series;
  act_mean: Series;
  act_std: Series;
  l0: Series;
  density: Series;
  l1: Series;
  recon_mse: Series;
  resid_norm: Series;
  ce_loss?: NullableSeries;
  ce_loss_spliced?: NullableSeries;
}

export interface SaeStats {
  hook: string;
  d_in: number;
  d_sae: number;
  summary: SaeSummary;
  features: FeatureStats;
  positions: PositionStats;
}

export interface RunDescription {
  model: string;
  dataset: string;
  samples: number;
  context: number;
  packing: Packing;
}

/** The stats.json export. */
export interface StatsExport {
  run: RunDescription;
  saes: SaeStats[];
}
