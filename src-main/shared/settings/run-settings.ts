export const DEVICES = ['auto', 'cuda', 'webgpu', 'cpu'] as const;
export type Device = (typeof DEVICES)[number];

export const EMBEDDING_ABLATIONS = ['none', 'positions-only', 'tokens-only'] as const;
export type EmbeddingAblation = (typeof EMBEDDING_ABLATIONS)[number];

export const PACKINGS = ['packed', 'per-row'] as const;
export type Packing = (typeof PACKINGS)[number];

/** Every hyperparameter of a statistics run; the CLI flags and the New-run form both fill this. */
export interface RunSettings {
  model: string;
  saes: string[];
  dataset: string;
  textColumn?: string;
  samples: number;
  /** Undefined: the SAE cfg's context_size, else the model's maximum. */
  context?: number;
  packing: Packing;
  ce: boolean;
  ablate: EmbeddingAblation;
  device: Device;
  /** Windows per forward pass. */
  batchSize: number;
  /** Log-spaced buckets per feature in the quantile sketch; undefined: DEFAULT_QUANTILE_BUCKETS. */
  quantileBuckets?: number;
  /** Relative error α of every quantile estimate; undefined: DEFAULT_QUANTILE_ACCURACY. */
  quantileAccuracy?: number;
}

/** 1,024 buckets of ±0.9% span eight decades of a feature's active values at 2 KiB per feature. */
export const DEFAULT_QUANTILE_BUCKETS = 1024;

/** 0.9% keeps every quantile inside the contract's 1% after interpolating between two estimates. */
export const DEFAULT_QUANTILE_ACCURACY = 0.009;

/** Finer than 0.1% the default buckets span less than a decade; coarser than 25% an estimate says little. */
export const QUANTILE_ACCURACY_LIMITS = { min: 0.001, max: 0.25 } as const;

export const DEFAULT_RUN_SETTINGS = {
  samples: 400,
  packing: 'packed',
  ce: false,
  ablate: 'none',
  device: 'auto',
  batchSize: 8,
} as const satisfies Partial<RunSettings>;
