export const SAE_FORMATS = ['saelens', 'sparsify', 'dictionary-learning', 'gemma-scope'] as const;
export type SaeFormat = (typeof SAE_FORMATS)[number];

export const SAE_ARCHITECTURES = ['standard', 'jumprelu', 'topk', 'gated', 'batchtopk'] as const;
export type SaeArchitecture = (typeof SAE_ARCHITECTURES)[number];

/** How inputs are scaled before encoding and restored after decoding (expected_average_only_in is folded into the weights). */
export type InputNormalization = 'none' | 'constant_norm_rescale' | 'layer_norm';

/** One SAE in canonical form, whatever file format it came from. Matrices are row-major. */
export interface SaeParams {
  format: SaeFormat;
  architecture: SaeArchitecture;
  source: string;
  hook: string;
  inputSize: number;
  featureCount: number;
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
  k?: number;
  subtractDecoderBias: boolean;
  normalization: InputNormalization;
  rescaleByDecoderNorm: boolean;
  /** Subtract each activation's own mean over d_model first (TransformerLens centre_writing_weights). */
  centerInput: boolean;
  contextSize?: number;
  modelName?: string;
  prependBos?: boolean;
  /** log10 firing fraction from sparsity.safetensors, when shipped. */
  sparsity?: Float32Array;
}

/** One batch through an SAE: the input as the SAE sees it (centred), its features and reconstruction. */
export interface EncodedBatch {
  input: Float32Array;
  features: Float32Array;
  reconstruction: Float32Array;
}

export interface SaeEncoder {
  readonly params: SaeParams;
  /** x is [rows, inputSize] straight from the hook; centring and normalisation happen inside. */
  encode(x: Float32Array, rows: number): Promise<EncodedBatch>;
  dispose(): Promise<void>;
}
