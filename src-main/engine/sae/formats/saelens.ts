import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { isFile } from '../../files.js';
import { SafetensorsFile, TORCH_DTYPES, writeSafetensors, type SafetensorsDtype, type TensorToWrite } from '../../model/safetensors.js';
import { definedFacts, type SaeAdapter, type SaeFacts } from '../adapter.js';
import { displayName, folderOf, headerOnly, objectField, optionalCount, readJsonObject, readTensor, requiredCount, withFile, type JsonObject, type TensorSource } from '../files.js';
import type { InputNormalization, SaeArchitecture, SaeParams } from '../types.js';

export const SAELENS_CONFIG_FILE = 'cfg.json';
export const SAELENS_WEIGHTS_FILE = 'sae_weights.safetensors';
export const SAELENS_SPARSITY_FILE = 'sparsity.safetensors';
export const ACTIVATION_SCALER_FILE = 'activation_scaler.json';

const ARCHITECTURES = ['standard', 'jumprelu', 'topk', 'gated'] as const satisfies readonly SaeArchitecture[];
const NORMALIZATIONS = ['none', 'expected_average_only_in', 'constant_norm_rescale', 'layer_norm'] as const;
type SaeLensNormalization = (typeof NORMALIZATIONS)[number];
/** SAELens's names for GPT-2-family models: gpt2, gpt2-small, gpt2-medium, openai-community/gpt2, … */
const GPT2_MODEL_NAME = /(^|\/)(gpt2|gpt-2)/i;

/** cfg.json in our names; either layout (v6 `metadata{}` or older top-level keys) parses to this. */
interface SaeLensConfig {
  architecture: (typeof ARCHITECTURES)[number];
  inputSize: number;
  featureCount: number;
  hook: string;
  k?: number;
  subtractDecoderBias: boolean;
  normalization: SaeLensNormalization;
  rescaleByDecoderNorm: boolean;
  centerInput: boolean;
  contextSize?: number;
  modelName?: string;
  prependBos: boolean;
}

export const saeLensAdapter: SaeAdapter = {
  format: 'saelens',
  match(path) {
    const folder = folderOf(path);
    return isFile(join(folder, SAELENS_CONFIG_FILE)) && isFile(join(folder, SAELENS_WEIGHTS_FILE));
  },
  open(path) {
    const folder = folderOf(path);
    return readFolder(folder, parseConfig(join(folder, SAELENS_CONFIG_FILE)), (weights) => weights);
  },
  inspect(path) {
    const folder = folderOf(path);
    const config = parseConfig(join(folder, SAELENS_CONFIG_FILE));
    readFolder(folder, config, headerOnly);
    return describe(config, join(folder, SAELENS_WEIGHTS_FILE));
  },
};

/** Reads the folder's weights through `view`: the file itself, or headerOnly to check every shape without reading. */
function readFolder(folder: string, config: SaeLensConfig, view: (file: TensorSource) => TensorSource): SaeParams {
  const params = withFile(SafetensorsFile.open(join(folder, SAELENS_WEIGHTS_FILE)), (weights) => readParams(view(weights), config, folder));
  const sparsityFile = join(folder, SAELENS_SPARSITY_FILE);
  if (isFile(sparsityFile)) params.sparsity = withFile(SafetensorsFile.open(sparsityFile), (file) => readTensor(view(file), 'sparsity', [config.featureCount]));
  if (config.normalization === 'expected_average_only_in') foldScalingFactor(params, readScalingFactor(folder));
  return params;
}

function parseConfig(file: string): SaeLensConfig {
  const cfg = readJsonObject(file);
  // v6 moved the run's facts into metadata{}; older files keep them at the top level.
  const metadata = objectField(cfg, 'metadata') ?? {};
  const setting = (key: string): unknown => cfg[key] ?? metadata[key];
  const pretrainedOptions = objectField(metadata, 'model_from_pretrained_kwargs') ?? objectField(cfg, 'model_from_pretrained_kwargs');
  return {
    architecture: parseArchitecture(cfg, file),
    inputSize: requiredCount(cfg.d_in, 'd_in', file),
    featureCount: requiredCount(cfg.d_sae, 'd_sae', file),
    hook: parseHook(setting('hook_name') ?? setting('hook_point'), file),
    k: optionalCount(cfg.k ?? objectField(cfg, 'activation_fn_kwargs')?.k, 'k', file),
    subtractDecoderBias: cfg.apply_b_dec_to_input !== false,
    normalization: parseNormalization(cfg.normalize_activations, file),
    rescaleByDecoderNorm: cfg.rescale_acts_by_decoder_norm === true,
    centerInput: centresInput(pretrainedOptions?.center_writing_weights, optionalString(setting('model_name'))),
    contextSize: optionalCount(setting('context_size'), 'context_size', file),
    modelName: optionalString(setting('model_name')),
    // SAELens defaults a missing prepend_bos to true in both layouts.
    prependBos: setting('prepend_bos') !== false,
  };
}

/**
 * TransformerLens centres GPT-2's writing weights unless told not to, and SAELens trained on its activations; for
 * other families (Llama, Gemma, Pythia) only a config that says center_writing_weights: true centres.
 */
function centresInput(centreWritingWeights: unknown, modelName: string | undefined): boolean {
  if (typeof centreWritingWeights === 'boolean') return centreWritingWeights;
  return modelName === undefined || GPT2_MODEL_NAME.test(modelName);
}

function parseArchitecture(cfg: JsonObject, file: string): SaeLensConfig['architecture'] {
  // Configs from before `architecture` existed name top-k through activation_fn (once activation_fn_str).
  const activation = cfg.activation_fn ?? cfg.activation_fn_str;
  const raw = cfg.architecture ?? (activation === 'topk' ? 'topk' : 'standard');
  if (!ARCHITECTURES.includes(raw as SaeLensConfig['architecture'])) {
    throw new InputError(`${displayName(file)} has architecture '${String(raw)}'; supported: ${ARCHITECTURES.join(', ')}.`, file);
  }
  return raw as SaeLensConfig['architecture'];
}

function parseNormalization(raw: unknown, file: string): SaeLensNormalization {
  // Before SAELens 6 this was a flag: true meant expected_average_only_in.
  const value = raw === undefined || raw === null || raw === false ? 'none' : raw === true ? 'expected_average_only_in' : raw;
  if (!NORMALIZATIONS.includes(value as SaeLensNormalization)) {
    throw new InputError(`${displayName(file)} has normalize_activations '${String(value)}'; supported: ${NORMALIZATIONS.join(', ')}.`, file);
  }
  return value as SaeLensNormalization;
}

function parseHook(raw: unknown, file: string): string {
  if (typeof raw !== 'string' || raw === '') throw new InputError(`${displayName(file)} names no hook (hook_name or hook_point).`, file);
  return raw;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function readParams(weights: TensorSource, config: SaeLensConfig, folder: string): SaeParams {
  const { inputSize, featureCount } = config;
  const encoderWeights = readTensor(weights, 'W_enc', [inputSize, featureCount]);
  const gated = config.architecture === 'gated' ? readGateTensors(weights, featureCount) : undefined;
  return {
    format: 'saelens',
    architecture: config.architecture,
    source: folder,
    hook: config.hook,
    inputSize,
    featureCount,
    encoderWeights,
    // A gated SAE's only encoder bias is its gate bias.
    encoderBias: gated?.gateBias ?? readTensor(weights, 'b_enc', [featureCount]),
    decoderWeights: readDecoder(weights, featureCount, inputSize),
    decoderBias: readTensor(weights, 'b_dec', [inputSize]),
    threshold: config.architecture === 'jumprelu' ? readThreshold(weights, featureCount) : undefined,
    ...gated,
    k: config.architecture === 'topk' ? requiredCount(config.k, 'k', join(folder, SAELENS_CONFIG_FILE)) : undefined,
    subtractDecoderBias: config.subtractDecoderBias,
    normalization: config.normalization === 'expected_average_only_in' ? 'none' : (config.normalization as InputNormalization),
    rescaleByDecoderNorm: config.rescaleByDecoderNorm,
    centerInput: config.centerInput,
    contextSize: config.contextSize,
    modelName: config.modelName,
    prependBos: config.prependBos,
  };
}

// Older SAEs scale features by a fine-tuned factor just before decoding; scaling W_dec's rows is the same.
const FINETUNING_SCALES = ['scaling_factor', 'finetuning_scaling_factor'];

function readDecoder(weights: TensorSource, featureCount: number, inputSize: number): Float32Array {
  const decoder = readTensor(weights, 'W_dec', [featureCount, inputSize]);
  const scaleName = FINETUNING_SCALES.find((name) => weights.has(name));
  if (!scaleName) return decoder;
  const scale = readTensor(weights, scaleName, [featureCount]);
  return decoder.map((value, i) => value * scale[Math.floor(i / inputSize)]);
}

function readGateTensors(weights: TensorSource, featureCount: number) {
  return {
    gateBias: readTensor(weights, 'b_gate', [featureCount]),
    magnitudeBias: readTensor(weights, 'b_mag', [featureCount]),
    magnitudeScale: readTensor(weights, 'r_mag', [featureCount]),
  };
}

// Files saved mid-training keep log_threshold; saved for inference they keep threshold.
function readThreshold(weights: TensorSource, featureCount: number): Float32Array {
  if (weights.has('threshold') || !weights.has('log_threshold')) return readTensor(weights, 'threshold', [featureCount]);
  return readTensor(weights, 'log_threshold', [featureCount]).map(Math.exp);
}

function readScalingFactor(folder: string): number {
  const file = join(folder, ACTIVATION_SCALER_FILE);
  const factor = existsSync(file) ? readJsonObject(file).scaling_factor : undefined;
  if (typeof factor !== 'number' || !(factor > 0)) {
    throw new InputError(
      `${displayName(join(folder, SAELENS_CONFIG_FILE))} uses normalize_activations 'expected_average_only_in' but no ${ACTIVATION_SCALER_FILE} beside it gives the scaling_factor to fold in; add one as {"scaling_factor": c} with c from the SAE's release.`,
      file,
    );
  }
  return factor;
}

/** SAELens's fold_activation_norm_scaling_factor: W_enc·c, W_dec/c, b_dec/c (b_enc, threshold kept) turn raw x into the features of x·c and x̂/c. */
function foldScalingFactor(params: SaeParams, factor: number): void {
  params.encoderWeights = params.encoderWeights.map((value) => value * factor);
  params.decoderWeights = params.decoderWeights.map((value) => value / factor);
  params.decoderBias = params.decoderBias.map((value) => value / factor);
}

function describe(config: SaeLensConfig, weightsFile: string): SaeFacts {
  // The stored dtype, not cfg's run-time dtype, so every format reports the same kind of fact.
  const dtype = withFile(SafetensorsFile.open(weightsFile), (weights) => weights.describe('W_enc').dtype);
  return definedFacts({
    format: 'saelens',
    architecture: config.architecture,
    hook: config.hook,
    d_in: config.inputSize,
    d_sae: config.featureCount,
    dtype,
    k: config.k,
    context_size: config.contextSize,
    normalize_activations: config.normalization,
    model: config.modelName,
  });
}

export interface SaeLensWriteOptions {
  dtype?: SafetensorsDtype;
  /** Keys merged over the written cfg.json, e.g. to write an older layout. */
  cfg?: JsonObject;
}

/** Writes params as a SAELens folder (v6 cfg layout); the demo SAEs and tests use it. */
export function writeSaeLensSae(folder: string, params: SaeParams, options: SaeLensWriteOptions = {}): void {
  mkdirSync(folder, { recursive: true });
  const dtype = options.dtype ?? 'F32';
  const cfg = { ...saeLensConfig(params), dtype: TORCH_DTYPES[dtype], ...options.cfg };
  writeFileSync(join(folder, SAELENS_CONFIG_FILE), `${JSON.stringify(cfg, null, 2)}\n`);
  writeSafetensors(join(folder, SAELENS_WEIGHTS_FILE), saeLensTensors(params, dtype));
  if (params.sparsity) writeSafetensors(join(folder, SAELENS_SPARSITY_FILE), { sparsity: { shape: [params.featureCount], data: params.sparsity } });
}

function saeLensConfig(params: SaeParams): JsonObject {
  return {
    d_in: params.inputSize,
    d_sae: params.featureCount,
    architecture: params.architecture,
    apply_b_dec_to_input: params.subtractDecoderBias,
    normalize_activations: params.normalization,
    rescale_acts_by_decoder_norm: params.rescaleByDecoderNorm,
    ...(params.k === undefined ? {} : { k: params.k }),
    metadata: {
      model_name: params.modelName,
      hook_name: params.hook,
      context_size: params.contextSize,
      prepend_bos: params.prependBos,
      model_from_pretrained_kwargs: { center_writing_weights: params.centerInput },
    },
  };
}

function saeLensTensors(params: SaeParams, dtype: SafetensorsDtype): Record<string, TensorToWrite> {
  if (!(ARCHITECTURES as readonly string[]).includes(params.architecture)) {
    throw new Error(`SAELens has no '${params.architecture}' architecture.`);
  }
  const { inputSize, featureCount } = params;
  const vector = (data: Float32Array) => ({ shape: [featureCount], data, dtype });
  const tensors: Record<string, TensorToWrite> = { W_enc: { shape: [inputSize, featureCount], data: params.encoderWeights, dtype } };
  if (params.architecture === 'gated') {
    Object.assign(tensors, { b_gate: vector(params.gateBias!), b_mag: vector(params.magnitudeBias!), r_mag: vector(params.magnitudeScale!) });
  } else {
    tensors.b_enc = vector(params.encoderBias);
  }
  tensors.W_dec = { shape: [featureCount, inputSize], data: params.decoderWeights, dtype };
  tensors.b_dec = { shape: [inputSize], data: params.decoderBias, dtype };
  if (params.architecture === 'jumprelu') tensors.threshold = vector(params.threshold!);
  return tensors;
}
