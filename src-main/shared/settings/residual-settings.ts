import type { PayloadReader } from './payload-reader.js';
import { DEFAULT_RUN_SETTINGS, DEVICES, EMBEDDING_ABLATIONS, PACKINGS, type Device, type EmbeddingAblation, type Packing } from './run-settings.js';

/** Every hyperparameter of a residual-stream run (../shared/spec/residual.md); the CLI flags and the New-run form both fill this. */
export interface ResidualSettings {
  model: string;
  dataset: string;
  textColumn?: string;
  samples: number;
  /** Undefined: the model's maximum. */
  context?: number;
  packing: Packing;
  ablate: EmbeddingAblation;
  device: Device;
  /** Windows per forward pass. */
  batchSize: number;
  /** The logit lens costs one unembedding per residual point and position, several forwards' worth; off skips it. */
  logitLens: boolean;
}

export const DEFAULT_RESIDUAL_SETTINGS = {
  samples: DEFAULT_RUN_SETTINGS.samples,
  packing: DEFAULT_RUN_SETTINGS.packing,
  ablate: DEFAULT_RUN_SETTINGS.ablate,
  device: DEFAULT_RUN_SETTINGS.device,
  batchSize: DEFAULT_RUN_SETTINGS.batchSize,
  logitLens: true,
} as const satisfies Partial<ResidualSettings>;

/** Checks a residual run's settings field by field; optional fields stay absent. */
export function readResidualSettings(reader: PayloadReader): ResidualSettings {
  const settings: ResidualSettings = {
    model: reader.string('model'),
    dataset: reader.string('dataset'),
    samples: reader.integer('samples', 1),
    packing: reader.choice('packing', PACKINGS),
    ablate: reader.choice('ablate', EMBEDDING_ABLATIONS),
    device: reader.choice('device', DEVICES),
    batchSize: reader.integer('batchSize', 1),
    logitLens: reader.boolean('logitLens'),
  };
  const textColumn = reader.optional('textColumn', (key) => reader.string(key));
  const context = reader.optional('context', (key) => reader.integer(key, 2));
  reader.finish();
  return { ...settings, ...(textColumn ? { textColumn } : {}), ...(context ? { context } : {}) };
}
