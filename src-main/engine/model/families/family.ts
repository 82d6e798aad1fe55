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
  /** With a KV cache: the first new position (int64 scalar), and each attention's keys and values before and after. */
  start: 'start',
  pastKey: 'past_key',
  pastValue: 'past_value',
  presentKey: 'present_key',
  presentValue: 'present_value',
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
  /**
   * Build for generation with a KV cache: the embedding takes `start`, and each branch that attends takes past_key and
   * past_value [batch, heads, past, head width] and returns present_key and present_value with the new positions appended.
   */
  cache?: boolean;
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
  blockSteps(config: ModelConfig): readonly BlockStep[];
  /** Whether the head reads the token embedding table, which the vocabulary piece then holds once. */
  tiedEmbedding(config: ModelConfig): boolean;
  /** The token embedding's canonical name, whose stored dtype stands for the checkpoint's. */
  readonly embeddingTensor: string;
  vocabulary(context: PieceContext): GraphBuilder;
  branch(name: string, layer: number, context: PieceContext): GraphBuilder;
}

/** Attention then MLP, each added to the residual stream in turn (GPT-2, Llama, Gemma 2, GPT-NeoX without parallel residual). */
export const SEQUENTIAL_STEPS: readonly BlockStep[] = [
  { branch: 'attention', input: 'hook_resid_pre', output: 'hook_attn_out' },
  { sum: 'hook_resid_mid', terms: ['hook_resid_pre', 'hook_attn_out'] },
  { branch: 'mlp', input: 'hook_resid_mid', output: 'hook_mlp_out' },
  { sum: 'hook_resid_post', terms: ['hook_resid_mid', 'hook_mlp_out'] },
];

/** Attention and MLP both read resid_pre and add to it together (GPT-NeoX's use_parallel_residual): there is no resid_mid. */
export const PARALLEL_STEPS: readonly BlockStep[] = [
  { branch: 'attention', input: 'hook_resid_pre', output: 'hook_attn_out' },
  { branch: 'mlp', input: 'hook_resid_pre', output: 'hook_mlp_out' },
  { sum: 'hook_resid_post', terms: ['hook_resid_pre', 'hook_attn_out', 'hook_mlp_out'] },
];

/** The hooks a block exposes: resid_pre plus whatever its steps produce. */
export function stepHookKinds(steps: readonly BlockStep[]): HookKind[] {
  return ['hook_resid_pre', ...steps.map((step) => ('branch' in step ? step.output : step.sum))];
}
