import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { normalSampler } from '../../src-main/engine/demo/random.js';
import { writeSafetensors } from '../../src-main/engine/model/safetensors.js';
import { transpose } from '../../src-main/engine/sae/files.js';
import { writeSaeLensSae, type SaeLensWriteOptions } from '../../src-main/engine/sae/formats/saelens.js';
import type { SaeArchitecture, SaeFormat, SaeParams } from '../../src-main/engine/sae/types.js';
import { writeNpz } from './npz.js';

export interface SampleSaeOptions {
  inputSize: number;
  featureCount: number;
  architecture?: SaeArchitecture;
  format?: SaeFormat;
  hook?: string;
  seed?: number;
  k?: number;
}

/** Seeded random params of any architecture, in canonical form; the writers below store them in each format. */
export function sampleSaeParams(options: SampleSaeOptions): SaeParams {
  const { inputSize, featureCount, architecture = 'standard' } = options;
  const random = normalSampler(options.seed ?? 1);
  const sample = (count: number, scale = 1, offset = 0) => Float32Array.from({ length: count }, () => offset + scale * random());
  const params: SaeParams = {
    format: options.format ?? 'saelens',
    architecture,
    source: 'sample',
    hook: options.hook ?? 'blocks.1.hook_resid_pre',
    inputSize,
    featureCount,
    encoderWeights: sample(inputSize * featureCount),
    encoderBias: sample(featureCount, 0.5),
    decoderWeights: sample(featureCount * inputSize),
    decoderBias: sample(inputSize, 0.1),
    subtractDecoderBias: true,
    normalization: 'none',
    rescaleByDecoderNorm: false,
    centerInput: false,
  };
  if (architecture === 'jumprelu' || architecture === 'batchtopk') params.threshold = sample(featureCount, 0.2, 0.5).map(Math.abs);
  if (architecture === 'topk' || architecture === 'batchtopk') params.k = options.k ?? Math.max(1, Math.floor(featureCount / 4));
  if (architecture === 'gated') Object.assign(params, { gateBias: params.encoderBias, magnitudeBias: sample(featureCount, 0.5), magnitudeScale: sample(featureCount, 0.3) });
  return params;
}

export function writeSaeLensFolder(folder: string, params: SaeParams, options?: SaeLensWriteOptions): string {
  writeSaeLensSae(folder, params, options);
  return folder;
}

/** A sparsify folder (name it layers.N or h.N) for a topk SAE. */
export function writeSparsifyFolder(folder: string, params: SaeParams): string {
  mkdirSync(folder, { recursive: true });
  const { inputSize, featureCount } = params;
  const cfg = { expansion_factor: featureCount / inputSize, normalize_decoder: true, num_latents: featureCount, k: params.k, multi_topk: false, d_in: inputSize };
  writeFileSync(join(folder, 'cfg.json'), JSON.stringify(cfg));
  writeSafetensors(join(folder, 'sae.safetensors'), {
    'encoder.weight': { shape: [featureCount, inputSize], data: transpose(params.encoderWeights, inputSize, featureCount) },
    'encoder.bias': { shape: [featureCount], data: params.encoderBias },
    W_dec: { shape: [featureCount, inputSize], data: params.decoderWeights },
    b_dec: { shape: [inputSize], data: params.decoderBias },
  });
  return folder;
}

export interface DictionaryLearningWriteOptions {
  submoduleName?: string;
  layer?: number;
  contextLength?: number;
}

/** A dictionary_learning folder with ae.safetensors, for a topk or batchtopk SAE (one threshold for all features). */
export function writeDictionaryLearningFolder(folder: string, params: SaeParams, options: DictionaryLearningWriteOptions = {}): string {
  mkdirSync(folder, { recursive: true });
  const { inputSize, featureCount } = params;
  const dictClass = params.architecture === 'batchtopk' ? 'BatchTopKSAE' : 'AutoEncoderTopK';
  const trainer = { dict_class: dictClass, activation_dim: inputSize, dict_size: featureCount, k: params.k, layer: options.layer ?? 3, lm_name: 'gpt2', submodule_name: options.submoduleName };
  writeFileSync(join(folder, 'config.json'), JSON.stringify({ trainer, buffer: { ctx_len: options.contextLength ?? 128 } }));
  writeSafetensors(join(folder, 'ae.safetensors'), {
    'encoder.weight': { shape: [featureCount, inputSize], data: transpose(params.encoderWeights, inputSize, featureCount) },
    'encoder.bias': { shape: [featureCount], data: params.encoderBias },
    'decoder.weight': { shape: [inputSize, featureCount], data: transpose(params.decoderWeights, featureCount, inputSize) },
    b_dec: { shape: [inputSize], data: params.decoderBias },
    k: { shape: [], data: Float32Array.of(params.k ?? 0) },
    threshold: { shape: [], data: Float32Array.of(params.threshold?.[0] ?? -1) },
  });
  return folder;
}

/** A Gemma Scope params.npz for a jumprelu SAE; the path must carry layer_N and res/mlp/att. */
export function writeGemmaScopeFile(file: string, params: SaeParams, options: { deflate?: boolean } = {}): string {
  mkdirSync(dirname(file), { recursive: true });
  const { inputSize, featureCount } = params;
  writeNpz(
    file,
    {
      W_enc: { shape: [inputSize, featureCount], data: params.encoderWeights },
      W_dec: { shape: [featureCount, inputSize], data: params.decoderWeights },
      b_enc: { shape: [featureCount], data: params.encoderBias },
      b_dec: { shape: [inputSize], data: params.decoderBias },
      threshold: { shape: [featureCount], data: params.threshold! },
    },
    options,
  );
  return file;
}
