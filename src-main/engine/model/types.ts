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
  /** Heads of keys and values, fewer than headCount with grouped-query attention; headCount when absent. */
  keyValueHeadCount?: number;
  /** Width of one head; modelWidth / headCount when absent. */
  headSize?: number;
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

/** Keys and values of every position run so far, for generation; only the model that made it reads it. */
export interface KeyValueCache {
  /** Positions held. */
  readonly length: number;
  readonly batch: number;
}

export interface ForwardOptions {
  capture: readonly string[];
  edit?: { hooks: readonly string[]; apply: HookEditor };
  /** 'last': only each window's last position, all a generation step needs. */
  logits?: boolean | 'last';
  /** Runs the batch as the positions after the cached ones and appends it to the cache (a model opened with `cache`). */
  cache?: KeyValueCache;
  /** Next-token cross-entropy per position; NaN at the last position of each window. */
  losses?: boolean;
}

export interface ForwardResult {
  activations: Map<string, Float32Array>;
  logits?: Float32Array;
  losses?: Float32Array;
}

/** Residual rows seen through the model's final norm and unembedding (the logit lens). */
export interface LensRequest {
  /** Each residual point's activations [rows·width], in order; the last is the final residual, the one the others are compared with. */
  points: readonly Float32Array[];
  /** Which rows to read; all of them when left out. */
  rows?: Int32Array;
  /** How many most likely tokens to return per point and row; 0 for none. */
  top: number;
}

/** Arrays indexed [point][row] (and [point][row][k] for the top tokens), rows in the request's order. */
export interface LensResult {
  /** KL(p_final ‖ p_point) in nats. */
  kl: Float32Array;
  argmax: Int32Array;
  topTokens: Int32Array;
  topProbabilities: Float32Array;
}

export interface LanguageModel {
  readonly config: ModelConfig;
  /** The execution provider that actually runs, e.g. 'cpu'. */
  readonly device: string;
  forward(batch: TokenBatch, options: ForwardOptions): Promise<ForwardResult>;
  /** An empty KV cache for `batch` windows; only a model opened with `cache` has one. */
  createCache?(batch: number): KeyValueCache;
  logitLens(request: LensRequest): Promise<LensResult>;
  dispose(): Promise<void>;
}

export interface TextTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

export interface ModelOpenOptions {
  device: Device;
  ablation: EmbeddingAblation;
  /** Build the attention pieces with a KV cache, for generation. */
  cache?: boolean;
  /** Load only blocks 0…layers−1: enough for hooks up to the deepest a job reads, when it needs no logits. */
  layers?: number;
}
