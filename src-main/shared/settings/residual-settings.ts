import { DEFAULT_RUN_SETTINGS, type Device, type EmbeddingAblation, type Packing } from './run-settings.js';

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
