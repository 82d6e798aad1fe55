import type { EncodedBatch, SaeEncoder, SaeParams } from './types.js';

/** SAELens's layer_norm mode adds this to the standard deviation before dividing (and not when undoing it). */
export const LAYER_NORM_EPSILON = 1e-5;

/** One row scaled as the SAE was trained, with the inverse to apply to its reconstruction. */
interface ScaledRow {
  values: Float64Array;
  restore(output: Float64Array): void;
}

/** Every formula of sae-formats.md in plain float64 loops, slow and obvious on purpose: fast encoders are tested against it. */
export function referenceEncoder(params: SaeParams): SaeEncoder {
  const decoderNorms = params.rescaleByDecoderNorm ? decoderRowNorms(params) : undefined;
  return {
    params,
    async encode(x: Float32Array, rows: number): Promise<EncodedBatch> {
      return encodeRows(params, decoderNorms, x, rows);
    },
    async dispose(): Promise<void> {},
  };
}

function encodeRows(params: SaeParams, decoderNorms: Float64Array | undefined, x: Float32Array, rows: number): EncodedBatch {
  const { inputSize, featureCount } = params;
  if (x.length !== rows * inputSize) {
    throw new Error(`Expected ${rows}×${inputSize} activations, got ${x.length} values.`);
  }
  const batch: EncodedBatch = {
    input: new Float32Array(rows * inputSize),
    features: new Float32Array(rows * featureCount),
    reconstruction: new Float32Array(rows * inputSize),
  };
  for (let row = 0; row < rows; row++) {
    const input = Float64Array.from(x.subarray(row * inputSize, (row + 1) * inputSize));
    if (params.centerInput) subtractMean(input);
    const scaled = scaleRow(params, input);
    const features = encodeRow(params, scaled.values, decoderNorms);
    const reconstruction = decodeRow(params, features, decoderNorms);
    scaled.restore(reconstruction);
    batch.input.set(input, row * inputSize);
    batch.features.set(features, row * featureCount);
    batch.reconstruction.set(reconstruction, row * inputSize);
  }
  return batch;
}

function subtractMean(values: Float64Array): void {
  const mean = sum(values) / values.length;
  for (let i = 0; i < values.length; i++) values[i] -= mean;
}

function scaleRow(params: SaeParams, input: Float64Array): ScaledRow {
  if (params.normalization === 'constant_norm_rescale') {
    const coefficient = Math.sqrt(params.inputSize) / norm(input);
    return { values: input.map((value) => value * coefficient), restore: (output) => scaleInPlace(output, 1 / coefficient, 0) };
  }
  if (params.normalization === 'layer_norm') {
    const mean = sum(input) / input.length;
    const deviation = sampleStandardDeviation(input, mean);
    const values = input.map((value) => (value - mean) / (deviation + LAYER_NORM_EPSILON));
    return { values, restore: (output) => scaleInPlace(output, deviation, mean) };
  }
  return { values: input, restore: () => {} };
}

// torch.std, which SAELens calls, divides by n − 1.
function sampleStandardDeviation(values: Float64Array, mean: number): number {
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

function scaleInPlace(values: Float64Array, factor: number, offset: number): void {
  for (let i = 0; i < values.length; i++) values[i] = values[i] * factor + offset;
}

function encodeRow(params: SaeParams, scaled: Float64Array, decoderNorms: Float64Array | undefined): Float64Array {
  const input = params.subtractDecoderBias ? scaled.map((value, i) => value - params.decoderBias[i]) : scaled;
  const projected = project(params, input);
  if (params.architecture === 'gated') return gatedFeatures(params, projected);
  const pre = projected.map((value, i) => value + params.encoderBias[i]);
  if (decoderNorms) for (let i = 0; i < pre.length; i++) pre[i] *= decoderNorms[i];
  return activate(params, pre);
}

/** input · encoderWeights, without any bias. */
function project(params: SaeParams, input: Float64Array): Float64Array {
  const { inputSize, featureCount, encoderWeights } = params;
  const result = new Float64Array(featureCount);
  for (let d = 0; d < inputSize; d++) {
    const offset = d * featureCount;
    for (let i = 0; i < featureCount; i++) result[i] += input[d] * encoderWeights[offset + i];
  }
  return result;
}

function activate(params: SaeParams, pre: Float64Array): Float64Array {
  switch (params.architecture) {
    case 'standard':
      return pre.map(relu);
    case 'jumprelu':
      return pre.map((value, i) => (value > requireThreshold(params)[i] ? relu(value) : 0));
    case 'batchtopk':
      return pre.map((value, i) => (relu(value) > requireThreshold(params)[i] ? relu(value) : 0));
    case 'topk':
      return keepLargest(pre, requireK(params));
    default:
      throw new Error(`No reference formula for architecture '${params.architecture}'.`);
  }
}

function gatedFeatures(params: SaeParams, projected: Float64Array): Float64Array {
  const { gateBias, magnitudeBias, magnitudeScale } = params;
  if (!gateBias || !magnitudeBias || !magnitudeScale) throw new Error('A gated SAE needs gateBias, magnitudeBias and magnitudeScale.');
  return projected.map((value, i) => {
    const open = value + gateBias[i] > 0;
    return open ? relu(value * Math.exp(magnitudeScale[i]) + magnitudeBias[i]) : 0;
  });
}

/** The k largest values, relu'd, in place; ties go to the lower index. */
function keepLargest(pre: Float64Array, k: number): Float64Array {
  const order = Array.from(pre.keys()).sort((a, b) => pre[b] - pre[a] || a - b);
  const result = new Float64Array(pre.length);
  for (const index of order.slice(0, k)) result[index] = relu(pre[index]);
  return result;
}

function decodeRow(params: SaeParams, features: Float64Array, decoderNorms: Float64Array | undefined): Float64Array {
  const { inputSize, featureCount, decoderWeights } = params;
  const output = Float64Array.from(params.decoderBias);
  for (let i = 0; i < featureCount; i++) {
    const value = decoderNorms ? features[i] / decoderNorms[i] : features[i];
    if (value === 0) continue;
    const offset = i * inputSize;
    for (let d = 0; d < inputSize; d++) output[d] += value * decoderWeights[offset + d];
  }
  return output;
}

function decoderRowNorms(params: SaeParams): Float64Array {
  const { inputSize, featureCount, decoderWeights } = params;
  const norms = new Float64Array(featureCount);
  for (let i = 0; i < featureCount; i++) {
    norms[i] = norm(decoderWeights.subarray(i * inputSize, (i + 1) * inputSize));
  }
  return norms;
}

function requireThreshold(params: SaeParams): Float32Array {
  if (!params.threshold) throw new Error(`A ${params.architecture} SAE needs a threshold.`);
  return params.threshold;
}

function requireK(params: SaeParams): number {
  if (params.k === undefined) throw new Error('A topk SAE needs k.');
  return params.k;
}

function relu(value: number): number {
  return value > 0 ? value : 0;
}

function norm(values: ArrayLike<number>): number {
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
  return Math.sqrt(squares);
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
