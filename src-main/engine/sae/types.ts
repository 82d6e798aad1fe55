export const SAE_FORMATS = ['saelens', 'sparsify', 'dictionary-learning', 'gemma-scope', 'llama-scope'] as const;
export type SaeFormat = (typeof SAE_FORMATS)[number];

export const SAE_ARCHITECTURES = ['standard', 'jumprelu', 'topk', 'gated', 'batchtopk'] as const;
export type SaeArchitecture = (typeof SAE_ARCHITECTURES)[number];

/** How inputs are scaled before encoding and restored after decoding (expected_average_only_in is folded into the weights). */
export type InputNormalization = 'none' | 'constant_norm_rescale' | 'layer_norm';

/** What an SAE is and how it reads its input, without its tensors: what an encoder keeps once built. */
export interface SaeDescription {
  format: SaeFormat;
  architecture: SaeArchitecture;
  source: string;
  hook: string;
  inputSize: number;
  featureCount: number;
  k?: number;
  subtractDecoderBias: boolean;
  normalization: InputNormalization;
  rescaleByDecoderNorm: boolean;
  /** Subtract each activation's own mean over d_model first (TransformerLens centre_writing_weights). */
  centerInput: boolean;
  contextSize?: number;
  modelName?: string;
  prependBos?: boolean;
}

/** One SAE in canonical form, whatever file format it came from. Matrices are row-major. */
export interface SaeParams extends SaeDescription {
  /** [inputSize, featureCount] */
  encoderWeights: Float32Array;
  encoderBias: Float32Array;
  /** [featureCount, inputSize] */
  decoderWeights: Float32Array;
  decoderBias: Float32Array;
  threshold?: Float32Array;
  gateBias?: Float32Array;
  magnitudeBias?: Float32Array;
  magnitudeScale?: Float32Array;
  /** log10 firing fraction from sparsity.safetensors, when shipped. */
  sparsity?: Float32Array;
}

/** The description alone, so whoever keeps it does not keep the weights alive. */
export function describeSae(params: SaeParams): SaeDescription {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => !ArrayBuffer.isView(value))) as SaeDescription;
}

/** One batch through an SAE: the input as the SAE sees it (centred), its features and reconstruction. */
export interface EncodedBatch {
  input: Float32Array;
  features: Float32Array;
  reconstruction: Float32Array;
}

export interface SaeEncoder {
  readonly params: SaeDescription;
  /** x is [rows, inputSize] straight from the hook; centring and normalisation happen inside. */
  encode(x: Float32Array, rows: number): Promise<EncodedBatch>;
  dispose(): Promise<void>;
}
