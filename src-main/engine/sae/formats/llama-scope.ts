import { basename, dirname, join } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { isFile } from '../../files.js';
import { SafetensorsFile } from '../../model/safetensors.js';
import { definedFacts, type SaeAdapter } from '../adapter.js';
import { displayName, headerOnly, matrixShape, objectField, readJsonObject, readTensor, requiredCount, transpose, withFile, type JsonObject, type TensorSource } from '../files.js';
import type { InputNormalization, SaeParams } from '../types.js';

/** Llama Scope (OpenMOSS lm_saes): Llama3_1-8B-Base-L12R-8x/hyperparams.json + checkpoints/final.safetensors. */
export const LLAMA_SCOPE_CONFIG_FILE = 'hyperparams.json';
export const LLAMA_SCOPE_WEIGHTS_FILE = join('checkpoints', 'final.safetensors');
const LANGUAGE_MODEL_FILE = 'lm_config.json';

const ACTIVATIONS = ['jumprelu', 'relu'] as const;
const NORMALIZATIONS = ['dataset-wise', 'token-wise', 'inference'] as const;

interface LlamaScopeConfig {
  hook: string;
  inputSize: number;
  featureCount: number;
  threshold: number;
  subtractDecoderBias: boolean;
  normalization: (typeof NORMALIZATIONS)[number];
  /** √d_in / the dataset's average input norm: what lm_saes multiplies inputs by (dataset-wise). */
  inputScale: number;
  /** The dataset's average output norm / √d_in: what it multiplies reconstructions by. */
  outputScale: number;
  modelName?: string;
}

export const llamaScopeAdapter: SaeAdapter = {
  format: 'llama-scope',
  match(path) {
    const folder = llamaScopeFolder(path);
    return isFile(join(folder, LLAMA_SCOPE_CONFIG_FILE)) && isFile(join(folder, LLAMA_SCOPE_WEIGHTS_FILE));
  },
  open(path) {
    const folder = llamaScopeFolder(path);
    const config = parseConfig(folder);
    return withFile(SafetensorsFile.open(join(folder, LLAMA_SCOPE_WEIGHTS_FILE)), (weights) => readParams(weights, config, folder));
  },
  inspect(path) {
    const folder = llamaScopeFolder(path);
    const config = parseConfig(folder);
    const dtype = withFile(SafetensorsFile.open(join(folder, LLAMA_SCOPE_WEIGHTS_FILE)), (weights) => {
      readParams(headerOnly(weights), config, folder);
      return weights.describe('encoder.weight').dtype;
    });
    const facts = { format: 'llama-scope', architecture: 'jumprelu', hook: config.hook, d_in: config.inputSize, d_sae: config.featureCount, dtype };
    return definedFacts({ ...facts, normalize_activations: config.normalization, model: config.modelName });
  },
};

/** The SAE's own folder, whether the user picked it, its checkpoints folder or final.safetensors. */
function llamaScopeFolder(path: string): string {
  if (basename(path) === 'final.safetensors') return dirname(dirname(path));
  return basename(path) === 'checkpoints' ? dirname(path) : path;
}

function parseConfig(folder: string): LlamaScopeConfig {
  const file = join(folder, LLAMA_SCOPE_CONFIG_FILE);
  const cfg = readJsonObject(file);
  const hook = stringField(cfg, 'hook_point_in', file);
  if (cfg.hook_point_out !== undefined && cfg.hook_point_out !== hook) {
    throw new InputError(`${displayName(file)} describes a transcoder (${hook} → ${String(cfg.hook_point_out)}); only SAEs can be loaded.`, file);
  }
  const activation = choice(cfg, 'act_fn', ACTIVATIONS, file);
  const inputSize = requiredCount(cfg.d_model, 'd_model', file);
  const normalization = choice(cfg, 'norm_activation', NORMALIZATIONS, file);
  const scales = normalization === 'dataset-wise' ? datasetScales(cfg, inputSize, file) : { inputScale: 1, outputScale: 1 };
  return {
    hook,
    inputSize,
    featureCount: requiredCount(cfg.d_sae, 'd_sae', file),
    threshold: activation === 'jumprelu' ? nonNegative(cfg.jump_relu_threshold, 'jump_relu_threshold', file) : 0,
    subtractDecoderBias: cfg.apply_decoder_bias_to_pre_encoder === true,
    normalization,
    ...scales,
    modelName: languageModelName(folder),
  };
}

function datasetScales(cfg: JsonObject, inputSize: number, file: string): { inputScale: number; outputScale: number } {
  const norms = objectField(cfg, 'dataset_average_activation_norm');
  const norm = (key: string) => {
    const value = norms?.[key];
    if (typeof value === 'number' && value > 0) return value;
    throw new InputError(`${displayName(file)} uses norm_activation 'dataset-wise' but dataset_average_activation_norm.${key} is ${JSON.stringify(value) ?? 'missing'}.`, file);
  };
  return { inputScale: Math.sqrt(inputSize) / norm('in'), outputScale: norm('out') / Math.sqrt(inputSize) };
}

function languageModelName(folder: string): string | undefined {
  const file = join(folder, LANGUAGE_MODEL_FILE);
  const name = isFile(file) ? readJsonObject(file).model_name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/**
 * lm_saes encodes x·s_in and decodes to x̂ = (f W_dec + b_dec)·s_out with dataset-wise norms; folding s_in into the
 * encoder and s_out into the decoder reads raw activations and gives the same features (as SAELens folds them).
 */
function readParams(weights: TensorSource, config: LlamaScopeConfig, folder: string): SaeParams {
  const { inputSize, featureCount, inputScale, outputScale } = config;
  if (config.subtractDecoderBias && Math.abs(inputScale * outputScale - 1) > 1e-6) {
    throw new InputError(`${displayName(join(folder, LLAMA_SCOPE_CONFIG_FILE))} subtracts b_dec before encoding but its input and output norms differ; SAE Studio cannot fold that.`, folder);
  }
  const [rows, columns] = matrixShape(weights, 'encoder.weight');
  if (rows !== featureCount || columns !== inputSize) {
    throw new InputError(`Tensor 'encoder.weight' in ${displayName(weights.path)} has shape [${rows}, ${columns}], expected [${featureCount}, ${inputSize}].`, weights.path);
  }
  const decoder = readTensor(weights, 'decoder.weight', [inputSize, featureCount]);
  return {
    format: 'llama-scope',
    architecture: 'jumprelu',
    source: folder,
    hook: config.hook,
    inputSize,
    featureCount,
    encoderWeights: scaledTranspose(weights.read('encoder.weight'), { rows: featureCount, columns: inputSize, scale: inputScale }),
    encoderBias: readTensor(weights, 'encoder.bias', [featureCount]),
    decoderWeights: scaledTranspose(decoder, { rows: inputSize, columns: featureCount, scale: outputScale }),
    decoderBias: readTensor(weights, 'decoder.bias', [inputSize]).map((value) => value * outputScale),
    threshold: new Float32Array(featureCount).fill(config.threshold),
    subtractDecoderBias: config.subtractDecoderBias,
    normalization: (config.normalization === 'token-wise' ? 'constant_norm_rescale' : 'none') satisfies InputNormalization,
    rescaleByDecoderNorm: false,
    // Llama has RMSNorms: nothing in its residual stream is centred.
    centerInput: false,
    modelName: config.modelName,
  };
}

/** A header-only read gives no values, and then there is nothing to transpose. */
function scaledTranspose(data: Float32Array, shape: { rows: number; columns: number; scale: number }): Float32Array {
  if (data.length === 0) return data;
  return transpose(data, shape.rows, shape.columns).map((value) => value * shape.scale);
}

function stringField(cfg: JsonObject, key: string, file: string): string {
  const value = cfg[key];
  if (typeof value !== 'string' || value === '') throw new InputError(`${displayName(file)} names no '${key}'.`, file);
  return value;
}

function choice<T extends string>(cfg: JsonObject, key: string, allowed: readonly T[], file: string): T {
  const value = cfg[key];
  if (!allowed.includes(value as T)) throw new InputError(`${displayName(file)} has ${key} '${String(value)}'; supported: ${allowed.join(', ')}.`, file);
  return value as T;
}

function nonNegative(value: unknown, key: string, file: string): number {
  if (typeof value === 'number' && value >= 0) return value;
  throw new InputError(`${displayName(file)} needs '${key}' as a number of at least 0, not ${JSON.stringify(value) ?? 'nothing'}.`, file);
}
