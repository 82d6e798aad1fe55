import type { GraphBuilder } from '../../onnx/graph.js';
import type { HookKind } from '../../../shared/hooks.js';
import type { EmbeddingAblation } from '../../../shared/settings/run-settings.js';
import type { ModelConfig, WeightSource } from '../types.js';
import type { CheckpointWeights } from '../weights.js';

/** Tensor names every piece uses at its edges, so the runner needs no family knowledge. */
export const PIECE_TENSORS = {
  tokens: 'tokens',
  input: 'input',
  output: 'output',
  targets: 'targets',
  logits: 'logits',
  losses: 'losses',
} as const;

/** A learned sub-network from one hook to another, e.g. attention: resid_pre → attn_out. */
export interface BranchStep {
  branch: string;
  input: HookKind;
  output: HookKind;
}

/** A residual addition, e.g. resid_mid = resid_pre + attn_out. */
export interface SumStep {
  sum: HookKind;
  terms: readonly HookKind[];
}

export type BlockStep = BranchStep | SumStep;

export interface PieceContext {
  config: ModelConfig;
  weights: WeightSource;
  ablation: EmbeddingAblation;
}

/**
 * How a model family reads its folder and splits into ONNX pieces between hooks. Vocabulary: tokens [batch, sequence] → output
 * (resid_pre 0), and input (final residual rows [rows, width]) with targets [rows] → logits, losses.
 * Branch: input → output, both [batch, sequence, width].
 */
export interface ModelFamily {
  readonly modelType: string;
  /** Reads config.json into our names, rejecting what the family's forward cannot run. */
  parseConfig(raw: unknown, file: string): ModelConfig;
  /** The checkpoint under the family's canonical tensor names, checked against the config. */
  weights(source: CheckpointWeights, config: ModelConfig): CheckpointWeights;
  /** How one block turns resid_pre into resid_post; every hook of the block is produced by one step. */
  readonly blockSteps: readonly BlockStep[];
  /** Whether the head reads the token embedding table, which the vocabulary piece then holds once. */
  readonly tiedEmbedding: boolean;
  vocabulary(context: PieceContext): GraphBuilder;
  branch(name: string, layer: number, context: PieceContext): GraphBuilder;
}
