import type { EmbeddingAblation, Packing } from './settings/run-settings.js';

/** Names below are the contract's (../shared/spec/residual.md), kept verbatim. */
export type Series = ArrayLike<number>;

/** How many dims the massive-activation lists name per residual point, by mean |x| and at BOS. */
export const MASSIVE_DIM_COUNT = 8;

export interface ResidualRunDescription {
  model: string;
  samples: number;
  context: number;
  packing: Packing;
  ablate: EmbeddingAblation;
}

/** The largest dims of one residual point by mean |x| over t ≥ 1, and at t = 0. */
export interface MassiveDims {
  dims: number[];
  values: number[];
  bos_dims: number[];
  bos_values: number[];
}

/** residual.json: one entry per residual point (layers), arrays indexed [point][position] or [point][dim]. */
export interface ResidualStats {
  run: ResidualRunDescription;
  layers: string[];
  norm_mean: Series[];
  norm_std: Series[];
  cos_next: Series[];
  cos_prev_position: Series[];
  dim_mean_abs: Series[];
  dim_mean_abs_bos: Series[];
  massive: MassiveDims[];
  logit_lens_kl: Series;
  logit_lens_top1: Series;
}

/** The arrays of residual.json in the spec's order, each [point][…]. */
export const RESIDUAL_MATRIX_KEYS = ['norm_mean', 'norm_std', 'cos_next', 'cos_prev_position', 'dim_mean_abs', 'dim_mean_abs_bos'] as const;
export const RESIDUAL_LENS_KEYS = ['logit_lens_kl', 'logit_lens_top1'] as const;

/** How many logit-lens tokens and SAE features the text inspector names per cell. */
export const INSPECT_TOP_TOKENS = 5;
export const INSPECT_TOP_FEATURES = 10;

/** One SAE's most active features at every position of the inspected text, [position][k], largest first. */
export interface InspectedSae {
  source: string;
  hook: string;
  /** Which residual point the SAE reads: resid_post of block L is the same point as resid_pre of L + 1. */
  point: number;
  features: number[][];
  activations: number[][];
}

/** The text inspector's answer for one text: arrays [point][position] (and [k] for the top lists). */
export interface TextInspection {
  model: string;
  tokens: { id: number; text: string }[];
  layers: string[];
  norms: number[][];
  lensTokens: number[][][];
  lensTexts: string[][][];
  lensProbabilities: number[][][];
  saes: InspectedSae[];
}
