import type { Device } from '../../shared/settings/run-settings.js';

export const POOLINGS = ['max', 'mean'] as const;
/** How a row's feature activations over its positions t ≥ 1 become one number. */
export type Pooling = (typeof POOLINGS)[number];

/** Every hyperparameter of a correlation run (../shared/spec/features.md, "Correlation with labels"). */
export interface CorrelationSettings {
  model: string;
  saes: string[];
  dataset: string;
  textColumn?: string;
  /** The label column. */
  label: string;
  /** One-vs-rest: rows whose label equals this are positive, the rest negative. */
  positive?: string;
  pooling: Pooling;
  /** Rows used, in file order (a row is one window). */
  samples: number;
  /** Undefined: the SAE cfg's context_size, else the model's maximum. */
  context?: number;
  topK: number;
  device: Device;
  /** Rows per forward pass. */
  batchSize: number;
}

export const DEFAULT_CORRELATION_SETTINGS = {
  pooling: 'max',
  samples: 400,
  topK: 20,
  device: 'auto',
  batchSize: 8,
} as const satisfies Partial<CorrelationSettings>;

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
