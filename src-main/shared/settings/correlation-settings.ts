import type { PayloadReader } from './payload-reader.js';
import { DEVICES, type Device } from './run-settings.js';

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

export function readCorrelationSettings(reader: PayloadReader): CorrelationSettings {
  const settings: CorrelationSettings = {
    model: reader.string('model'),
    saes: reader.strings('saes'),
    dataset: reader.string('dataset'),
    label: reader.string('label'),
    pooling: reader.choice('pooling', POOLINGS),
    samples: reader.integer('samples', 1),
    topK: reader.integer('topK', 1),
    device: reader.choice('device', DEVICES),
    batchSize: reader.integer('batchSize', 1),
  };
  const textColumn = reader.optional('textColumn', (key) => reader.string(key));
  const positive = reader.optional('positive', (key) => reader.string(key));
  const context = reader.optional('context', (key) => reader.integer(key, 2));
  reader.finish();
  return { ...settings, ...(textColumn ? { textColumn } : {}), ...(positive !== undefined ? { positive } : {}), ...(context ? { context } : {}) };
}
