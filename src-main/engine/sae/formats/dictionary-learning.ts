import { join } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { isFile } from '../../files.js';
import { SafetensorsFile } from '../../model/safetensors.js';
import { definedFacts, type SaeAdapter } from '../adapter.js';
import { displayName, folderOf, headerOnly, matrixShape, type TensorSource, objectField, optionalCount, readJsonObject, readTensor, requiredCount, transpose, withFile } from '../files.js';
import type { SaeParams } from '../types.js';

export const DICTIONARY_CONFIG_FILE = 'config.json';
export const DICTIONARY_WEIGHTS_FILE = 'ae.safetensors';
export const DICTIONARY_PICKLE_FILE = 'ae.pt';

// Each class the library saves, with the architecture it computes; their tensor layouts differ (see the readers below).
const DICTIONARY_CLASSES = {
  AutoEncoder: 'standard',
  JumpReluAutoEncoder: 'jumprelu',
  GatedAutoEncoder: 'gated',
  AutoEncoderTopK: 'topk',
  BatchTopKSAE: 'batchtopk',
} as const;
type DictionaryClass = keyof typeof DICTIONARY_CLASSES;

// dictionary_learning names submodules like resid_post_layer_12; TransformerLens names them blocks.12.hook_resid_post.
const SUBMODULE_PATTERN = /^(resid_pre|resid_post|resid_mid|mlp_out|attn_out)_layer_(\d+)$/;

interface DictionaryConfig {
  dictionaryClass: DictionaryClass;
  architecture: (typeof DICTIONARY_CLASSES)[DictionaryClass];
  /** JumpReluAutoEncoder subtracts b_dec from its input only when trained so. */
  subtractDecoderBias: boolean;
  hook: string;
  k?: number;
  contextSize?: number;
  modelName?: string;
}

export const dictionaryLearningAdapter: SaeAdapter = {
  format: 'dictionary-learning',
  match(path) {
    const folder = folderOf(path);
    const weights = isFile(join(folder, DICTIONARY_WEIGHTS_FILE)) || isFile(join(folder, DICTIONARY_PICKLE_FILE));
    return weights && isFile(join(folder, DICTIONARY_CONFIG_FILE));
  },
  open(path) {
    const folder = folderOf(path);
    const config = parseConfig(folder);
    return withFile(openWeights(folder), (weights) => readParams(weights, config, folder));
  },
  inspect(path) {
    const folder = folderOf(path);
    const config = parseConfig(folder);
    const { inputSize, featureCount, k, dtype } = withFile(openWeights(folder), (weights) => {
      const params = readParams(headerOnly(weights), config, folder);
      return { ...params, dtype: weights.describe(CLASS_READERS[config.dictionaryClass].encoder).dtype };
    });
    const { architecture, hook, contextSize } = config;
    return definedFacts({ format: 'dictionary-learning', architecture, hook, d_in: inputSize, d_sae: featureCount, dtype, k, context_size: contextSize });
  },
};

function openWeights(folder: string): SafetensorsFile {
  const weightsFile = join(folder, DICTIONARY_WEIGHTS_FILE);
  if (isFile(weightsFile)) return SafetensorsFile.open(weightsFile);
  const pickle = join(folder, DICTIONARY_PICKLE_FILE);
  throw new InputError(
    `${displayName(pickle)} is a torch pickle, which cannot be read safely outside Python; re-save it as ${DICTIONARY_WEIGHTS_FILE} beside it:\n` +
      `  import torch, safetensors.torch as st\n` +
      `  st.save_file({k: v.float().contiguous() for k, v in torch.load('ae.pt').items()}, 'ae.safetensors')`,
    pickle,
  );
}

function parseConfig(folder: string): DictionaryConfig {
  const file = join(folder, DICTIONARY_CONFIG_FILE);
  const config = readJsonObject(file);
  const trainer = objectField(config, 'trainer');
  if (!trainer) throw new InputError(`${displayName(file)} has no 'trainer' section.`, file);
  const dictionaryClass = trainer.dict_class as DictionaryClass;
  if (!Object.hasOwn(DICTIONARY_CLASSES, String(dictionaryClass))) {
    throw new InputError(`${displayName(file)} has dict_class '${String(trainer.dict_class)}'; supported: ${Object.keys(DICTIONARY_CLASSES).join(', ')}.`, file);
  }
  return {
    dictionaryClass,
    architecture: DICTIONARY_CLASSES[dictionaryClass],
    subtractDecoderBias: dictionaryClass !== 'JumpReluAutoEncoder' || trainer.apply_b_dec_to_input === true,
    hook: hookOf(trainer, file),
    k: optionalCount(trainer.k, 'k', file),
    contextSize: optionalCount(objectField(config, 'buffer')?.ctx_len, 'ctx_len', file),
    modelName: typeof trainer.lm_name === 'string' ? trainer.lm_name : undefined,
  };
}

function hookOf(trainer: Record<string, unknown>, file: string): string {
  const match = SUBMODULE_PATTERN.exec(String(trainer.submodule_name ?? ''));
  if (match) return `blocks.${match[2]}.hook_${match[1]}`;
  // Without a recognisable submodule name, `layer` is the output of that block, the library's default.
  if (typeof trainer.layer === 'number') return `blocks.${trainer.layer}.hook_resid_post`;
  throw new InputError(`${displayName(file)} names no hook: it needs trainer.layer or a submodule_name such as resid_post_layer_3.`, file);
}

type WeightParams = Pick<SaeParams, 'inputSize' | 'featureCount' | 'encoderWeights' | 'encoderBias' | 'decoderWeights' | 'decoderBias'> & Partial<SaeParams>;

interface ClassReader {
  /** The tensor whose dtype the Library reports. */
  encoder: string;
  read(weights: TensorSource, config: DictionaryConfig, folder: string): WeightParams;
}

/** torch Linear layers: encoder.weight is [features, inputs], decoder.weight [inputs, features]. */
function linearWeights(weights: TensorSource, decoderBias: string, encoderBias?: string): WeightParams {
  const [featureCount, inputSize] = matrixShape(weights, 'encoder.weight');
  return {
    inputSize,
    featureCount,
    encoderWeights: transpose(weights.read('encoder.weight'), featureCount, inputSize),
    encoderBias: encoderBias ? readTensor(weights, encoderBias, [featureCount]) : new Float32Array(featureCount),
    decoderWeights: transpose(readTensor(weights, 'decoder.weight', [inputSize, featureCount]), inputSize, featureCount),
    decoderBias: readTensor(weights, decoderBias, [inputSize]),
  };
}

function topKWeights(weights: TensorSource, config: DictionaryConfig, folder: string): WeightParams {
  const linear = linearWeights(weights, 'b_dec', 'encoder.bias');
  const threshold = config.architecture === 'batchtopk' ? readScalarThreshold(weights, linear.featureCount) : undefined;
  return { ...linear, threshold, k: config.architecture === 'topk' ? readK(weights, config, folder) : config.k };
}

/** JumpReluAutoEncoder keeps plain parameters, W_enc as [inputs, features]. */
function jumpReluWeights(weights: TensorSource): WeightParams {
  const [inputSize, featureCount] = matrixShape(weights, 'W_enc');
  return {
    inputSize,
    featureCount,
    encoderWeights: weights.read('W_enc'),
    encoderBias: readTensor(weights, 'b_enc', [featureCount]),
    decoderWeights: readTensor(weights, 'W_dec', [featureCount, inputSize]),
    decoderBias: readTensor(weights, 'b_dec', [inputSize]),
    threshold: readTensor(weights, 'threshold', [featureCount]),
  };
}

/** GatedAutoEncoder: a bias-free encoder shared by the gate (gate_bias) and the magnitude path (exp(r_mag) scale, mag_bias). */
function gatedWeights(weights: TensorSource): WeightParams {
  const linear = linearWeights(weights, 'decoder_bias');
  const vector = (name: string) => readTensor(weights, name, [linear.featureCount]);
  const gateBias = vector('gate_bias');
  return { ...linear, encoderBias: gateBias, gateBias, magnitudeBias: vector('mag_bias'), magnitudeScale: vector('r_mag') };
}

const CLASS_READERS: Record<DictionaryClass, ClassReader> = {
  AutoEncoder: { encoder: 'encoder.weight', read: (weights) => linearWeights(weights, 'bias', 'encoder.bias') },
  JumpReluAutoEncoder: { encoder: 'W_enc', read: jumpReluWeights },
  GatedAutoEncoder: { encoder: 'encoder.weight', read: gatedWeights },
  AutoEncoderTopK: { encoder: 'encoder.weight', read: topKWeights },
  BatchTopKSAE: { encoder: 'encoder.weight', read: topKWeights },
};

function readParams(weights: TensorSource, config: DictionaryConfig, folder: string): SaeParams {
  return {
    format: 'dictionary-learning',
    architecture: config.architecture,
    source: folder,
    hook: config.hook,
    k: config.k,
    ...CLASS_READERS[config.dictionaryClass].read(weights, config, folder),
    subtractDecoderBias: config.subtractDecoderBias,
    normalization: 'none',
    rescaleByDecoderNorm: false,
    centerInput: false,
    contextSize: config.contextSize,
    modelName: config.modelName,
  };
}

/** BatchTopK keeps one threshold for all features; our canonical form holds one per feature. */
function readScalarThreshold(weights: TensorSource, featureCount: number): Float32Array {
  const value = readTensor(weights, 'threshold', [1])[0];
  return new Float32Array(featureCount).fill(value);
}

function readK(weights: TensorSource, config: DictionaryConfig, folder: string): number {
  const stored = weights.has('k') ? readTensor(weights, 'k', [1])[0] : undefined;
  return requiredCount(config.k ?? stored, 'trainer.k', join(folder, DICTIONARY_CONFIG_FILE));
}
