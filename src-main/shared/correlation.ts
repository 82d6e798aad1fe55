import type { Pooling } from './settings/correlation-settings.js';

/** One of the most correlated features: CorrSteer steers with `coefficient` = its mean on positive rows. */
export interface TopFeature {
  index: number;
  pearson: number;
  coefficient: number;
}

/** Names below are the contract's, kept verbatim. */
export interface SaeCorrelation {
  hook: string;
  pearson: ArrayLike<number>;
  mean_positive: ArrayLike<number>;
  mean_negative: ArrayLike<number>;
  top: TopFeature[];
}

/** The corr.json export. */
export interface CorrelationExport {
  /** The column, or `column=value` for one-vs-rest. */
  label: string;
  pooling: Pooling;
  rows: number;
  saes: SaeCorrelation[];
}
