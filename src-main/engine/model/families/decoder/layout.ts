/** How a family names and arranges its tensors; the decoder graphs are built from this alone. */

export type NormKind = 'rms' | 'rms-offset' | 'layer';

export interface NormTensors {
  /** rms: x / rms(x) · w (Llama); rms-offset: · (1 + w) (Gemma); layer: LayerNorm with weight and bias (GPT-NeoX). */
  kind: NormKind;
  /** The module, e.g. 'model.layers.0.input_layernorm'; its tensors are `.weight` (and `.bias`). */
  module: string;
}

export type ProjectionTensors =
  | { separate: { query: string; key: string; value: string } }
  /** GPT-NeoX's query_key_value, whose output is laid out per head as [q, k, v]. */
  | { fused: string };

export interface AttentionTensors {
  norm: NormTensors;
  projection: ProjectionTensors;
  output: string;
  /** Whether every linear module also has a `.bias`. */
  bias: boolean;
  /** Gemma 2's norm of the attention output before it joins the residual stream. */
  postNorm?: NormTensors;
}

export type MlpActivation = 'silu' | 'gelu-tanh' | 'gelu';

export interface MlpTensors {
  norm: NormTensors;
  /** gate and up for a gated MLP (act(gate x) ⊙ up x), or one input projection. */
  input: { gate: string; up: string } | { plain: string };
  output: string;
  activation: MlpActivation;
  bias: boolean;
  postNorm?: NormTensors;
}

export interface DecoderLayout {
  /** The token embedding table [vocab, width]. */
  embedding: string;
  /** Gemma multiplies embeddings by √width. */
  scaleEmbedding: boolean;
  finalNorm: NormTensors;
  /** The unembedding [vocab, width]; the embedding itself when tied. */
  head: string;
  attention(layer: number): AttentionTensors;
  mlp(layer: number): MlpTensors;
}

/** Linear modules are named without their '.weight' and '.bias'. */
export function weightOf(module: string): string {
  return `${module}.weight`;
}

export function biasOf(module: string): string {
  return `${module}.bias`;
}
