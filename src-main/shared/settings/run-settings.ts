import type { PayloadReader } from './payload-reader.js';

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

/** 2 KiB per feature at the default; 8,192 buckets (16 KiB per feature) already hold 64k features in 1 GiB, more only exhausts memory. */
export const QUANTILE_BUCKET_LIMITS = { min: 2, max: 8192 } as const;

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

/** Every hyperparameter of a run, checked; optional fields stay absent rather than undefined. */
export function readRunSettings(reader: PayloadReader): RunSettings {
  const settings: RunSettings = {
    model: reader.string('model'),
    saes: reader.strings('saes'),
    dataset: reader.string('dataset'),
    samples: reader.integer('samples', 1),
    packing: reader.choice('packing', PACKINGS),
    ce: reader.boolean('ce'),
    ablate: reader.choice('ablate', EMBEDDING_ABLATIONS),
    device: reader.choice('device', DEVICES),
    batchSize: reader.integer('batchSize', 1),
  };
  const textColumn = reader.optional('textColumn', (key) => reader.string(key));
  const context = reader.optional('context', (key) => reader.integer(key, 2));
  const quantileBuckets = reader.optional('quantileBuckets', (key) => reader.integer(key, QUANTILE_BUCKET_LIMITS.min, QUANTILE_BUCKET_LIMITS.max));
  const { min, max } = QUANTILE_ACCURACY_LIMITS;
  const quantileAccuracy = reader.optional('quantileAccuracy', (key) => reader.number(key, min, max));
  reader.finish();
  return {
    ...settings,
    ...(textColumn ? { textColumn } : {}),
    ...(context ? { context } : {}),
    ...(quantileBuckets ? { quantileBuckets } : {}),
    ...(quantileAccuracy ? { quantileAccuracy } : {}),
  };
}
