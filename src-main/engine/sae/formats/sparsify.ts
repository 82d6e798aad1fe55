import { basename, join } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { isFile } from '../../files.js';
import { SafetensorsFile } from '../../model/safetensors.js';
import { definedFacts, type SaeAdapter } from '../adapter.js';
import { displayName, folderOf, headerOnly, linearEncoderFacts, type TensorSource, matrixShape, readJsonObject, readTensor, requiredCount, transpose, withFile } from '../files.js';
import type { SaeParams } from '../types.js';

export const SPARSIFY_CONFIG_FILE = 'cfg.json';
export const SPARSIFY_WEIGHTS_FILE = 'sae.safetensors';

// sparsify names each SAE's folder after the module it hooks: `layers.6` (Llama-style) or `h.6` (GPT-2).
const MODULE_PATTERN = /^(?:layers|h)\.(\d+)(?:\.(mlp|attn|self_attn))?$/;
const MODULE_HOOKS: Record<string, string> = { '': 'hook_resid_post', mlp: 'hook_mlp_out', attn: 'hook_attn_out', self_attn: 'hook_attn_out' };

export const sparsifyAdapter: SaeAdapter = {
  format: 'sparsify',
  match(path) {
    const folder = folderOf(path);
    return isFile(join(folder, SPARSIFY_CONFIG_FILE)) && isFile(join(folder, SPARSIFY_WEIGHTS_FILE));
  },
  open(path) {
    const folder = folderOf(path);
    const config = parseConfig(folder);
    return withFile(SafetensorsFile.open(join(folder, SPARSIFY_WEIGHTS_FILE)), (weights) => readParams(weights, { ...config, folder }));
  },
  inspect(path) {
    const folder = folderOf(path);
    const config = parseConfig(folder);
    const facts = withFile(SafetensorsFile.open(join(folder, SPARSIFY_WEIGHTS_FILE)), (weights) => {
      readParams(headerOnly(weights), { ...config, folder });
      return linearEncoderFacts(weights);
    });
    return definedFacts({ format: 'sparsify', architecture: 'topk', hook: config.hook, ...facts, k: config.k });
  },
};

interface SparsifyConfig {
  hook: string;
  k: number;
}

function parseConfig(folder: string): SparsifyConfig {
  const file = join(folder, SPARSIFY_CONFIG_FILE);
  const cfg = readJsonObject(file);
  if (cfg.transcode === true || cfg.skip_connection === true) {
    throw new InputError(`${displayName(file)} describes a transcoder (transcode or skip_connection); only plain SAEs can be loaded.`, file);
  }
  if (cfg.activation !== undefined && cfg.activation !== 'topk') {
    throw new InputError(`${displayName(file)} has activation '${String(cfg.activation)}'; supported: topk.`, file);
  }
  return { hook: hookFromFolder(folder), k: requiredCount(cfg.k, 'k', file) };
}

export function hookFromFolder(folder: string): string {
  const match = MODULE_PATTERN.exec(basename(folder));
  if (!match) {
    throw new InputError(`Cannot tell the hook of the sparsify SAE in '${basename(folder)}': its folder should be named layers.N or h.N.`, folder);
  }
  return `blocks.${match[1]}.${MODULE_HOOKS[match[2] ?? '']}`;
}

function readParams(weights: TensorSource, config: SparsifyConfig & { folder: string }): SaeParams {
  if (weights.has('W_skip')) throw new InputError(`${displayName(weights.path)} has a skip connection (W_skip); only plain SAEs can be loaded.`, weights.path);
  const [featureCount, inputSize] = matrixShape(weights, 'encoder.weight');
  return {
    format: 'sparsify',
    architecture: 'topk',
    source: config.folder,
    hook: config.hook,
    inputSize,
    featureCount,
    encoderWeights: transpose(weights.read('encoder.weight'), featureCount, inputSize),
    encoderBias: readTensor(weights, 'encoder.bias', [featureCount]),
    decoderWeights: readTensor(weights, 'W_dec', [featureCount, inputSize]),
    decoderBias: readTensor(weights, 'b_dec', [inputSize]),
    k: config.k,
    subtractDecoderBias: true,
    normalization: 'none',
    rescaleByDecoderNorm: false,
    // sparsify trains on Hugging Face activations, which are not centred.
    centerInput: false,
  };
}
