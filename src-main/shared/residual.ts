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
