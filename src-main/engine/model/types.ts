import type { Device, EmbeddingAblation } from '../../shared/settings/run-settings.js';

/** Architecture facts every model family provides, in our own names. */
export interface ModelConfig {
  modelType: string;
  layerCount: number;
  modelWidth: number;
  headCount: number;
  vocabSize: number;
  contextLength: number;
  layerNormEpsilon: number;
  bosTokenId: number;
  eosTokenId: number;
}

/** Tensors of a checkpoint, read one at a time so nothing holds the whole file. */
export interface WeightSource {
  readonly path: string;
  names(): string[];
  has(name: string): boolean;
  shape(name: string): number[];
  read(name: string): Float32Array;
}

/** Windows in row-major [batch, sequence] order. */
export interface TokenBatch {
  ids: Int32Array;
  batch: number;
  sequence: number;
}

/** Returns a replacement for a hook activation [batch·sequence·width], or undefined to keep it; may be async (an SAE encode). */
export type HookEditor = (
  hook: string,
  activation: Float32Array,
) => Float32Array | undefined | Promise<Float32Array | undefined>;

export interface ForwardOptions {
  capture: readonly string[];
  edit?: { hooks: readonly string[]; apply: HookEditor };
  logits?: boolean;
  /** Next-token cross-entropy per position; NaN at the last position of each window. */
  losses?: boolean;
}

export interface ForwardResult {
  activations: Map<string, Float32Array>;
  logits?: Float32Array;
  losses?: Float32Array;
}

export interface LanguageModel {
  readonly config: ModelConfig;
  /** The execution provider that actually runs, e.g. 'cpu'. */
  readonly device: string;
  forward(batch: TokenBatch, options: ForwardOptions): Promise<ForwardResult>;
  dispose(): Promise<void>;
}

export interface TextTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

export interface ModelOpenOptions {
  device: Device;
  ablation: EmbeddingAblation;
}
