import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SafetensorsFile, writeSafetensors } from '../../../src-main/engine/model/safetensors.js';

// Broken inputs and the exact message each must give (after Netron's test/models.json).

export function safetensorsBytes(header: object, data: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.byteLength));
  return Buffer.concat([prefix, json, data]);
}

function headerWithLength(length: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeBigUInt64LE(BigInt(length));
  return bytes;
}

export interface SafetensorsFixture {
  name: string;
  bytes: Buffer;
  /** Grows the file to this size without writing, for sizes no test should really write. */
  sparseSize?: number;
  /** A tensor to read after opening, when the problem only shows then. */
  read?: string;
  message: string;
}

const F32_PAIR = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };

export const SAFETENSORS_FIXTURES: SafetensorsFixture[] = [
  {
    name: 'file shorter than 8 bytes',
    bytes: Buffer.from([1, 2, 3]),
    message: 'model.safetensors is too short to be a safetensors file (3 bytes).',
  },
  {
    name: 'header length beyond the file',
    bytes: headerWithLength(1000),
    message: 'model.safetensors declares a 1000-byte header but the file has only 16 bytes.',
  },
  {
    name: 'header not JSON',
    bytes: Buffer.concat([headerWithLength(5).subarray(0, 8), Buffer.from('{oops')]),
    message: 'The header of model.safetensors is not valid JSON.',
  },
  {
    name: 'unsupported data type',
    bytes: safetensorsBytes({ x: { dtype: 'F8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)),
    message: "Unsupported data type 'F8' for tensor 'x' in model.safetensors (supported: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL).",
  },
  {
    name: 'entry without shape',
    bytes: safetensorsBytes({ x: { dtype: 'F32', data_offsets: [0, 8] } }, new Uint8Array(8)),
    message: "The header entry for tensor 'x' in model.safetensors lacks a valid shape or data_offsets.",
  },
  {
    name: 'data offsets outside the buffer',
    bytes: safetensorsBytes({ x: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(8)),
    message: "Data offsets [4, 12] of tensor 'x' in model.safetensors lie outside its 8-byte data buffer.",
  },
  {
    name: 'byte count not matching the shape',
    bytes: safetensorsBytes({ x: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 8] } }, new Uint8Array(8)),
    message: "The tensor 'x' in model.safetensors holds 8 bytes but shape [2, 3] of F32 needs 24.",
  },
  {
    name: 'missing tensor on read',
    bytes: safetensorsBytes({ x: F32_PAIR }, new Uint8Array(8)),
    read: 'y',
    message: "Tensor 'y' is not in model.safetensors.",
  },
  {
    name: 'tensors whose bytes overlap',
    bytes: safetensorsBytes({ a: F32_PAIR, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)),
    message: "Tensors 'a' and 'b' in model.safetensors overlap: both claim bytes 4 to 8.",
  },
  {
    name: 'a gap between tensors',
    bytes: safetensorsBytes({ a: F32_PAIR, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }, new Uint8Array(16)),
    message: "model.safetensors leaves bytes 8 to 12 between tensors 'a' and 'b' unused; safetensors data must be contiguous.",
  },
  {
    name: 'a gap before the first tensor',
    bytes: safetensorsBytes({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
    message: "model.safetensors leaves bytes 0 to 4 before tensor 'a' unused; safetensors data must be contiguous.",
  },
  {
    name: 'data no tensor claims',
    bytes: safetensorsBytes({ a: F32_PAIR }, new Uint8Array(12)),
    message: "model.safetensors has 4 bytes of data after tensor 'a' that no tensor claims.",
  },
  {
    name: 'a key named twice in the header',
    bytes: rawHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(8)),
    message: "The header of model.safetensors names 'a' twice; each key must appear once.",
  },
  {
    name: 'NaN in a tensor',
    bytes: safetensorsBytes({ x: F32_PAIR }, new Uint8Array(new Float32Array([1, Number.NaN]).buffer)),
    read: 'x',
    message: "Tensor 'x' in model.safetensors holds NaN at index 1; weights must be finite numbers.",
  },
  {
    name: 'infinity in a float16 tensor',
    bytes: safetensorsBytes({ x: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(new Uint16Array([0xfc00, 0x3c00]).buffer)),
    read: 'x',
    message: "Tensor 'x' in model.safetensors holds -Infinity at index 0; weights must be finite numbers.",
  },
];

function rawHeader(json: string, data: Uint8Array): Buffer {
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([prefix, Buffer.from(json), data]);
}

export interface TokenizerFixture {
  name: string;
  /** The tokenizer.json text, or undefined for no file; FILE in the message stands for its path. */
  text?: string;
  message: string;
}

export const TOKENIZER_FIXTURES: TokenizerFixture[] = [
  { name: 'no tokenizer.json', message: 'There is no tokenizer.json at FILE.' },
  {
    name: 'tokenizer.json not JSON',
    text: '{"model": ',
    message: 'The tokenizer tokenizer.json is not valid JSON.',
  },
  {
    name: 'tokenizer.json with an unknown model',
    text: JSON.stringify({ model: { type: 'Mystery' }, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null }),
    message: 'The tokenizer tokenizer.json does not load: Unknown TokenizerModel type: Mystery.',
  },
];

export interface FolderFixture {
  name: string;
  /** Breaks a folder that held a valid checkpoint. */
  damage(folder: string): void;
  /** FOLDER stands for the folder's path. */
  message: string;
}

export const WEIGHTS_FIXTURES: FolderFixture[] = [
  {
    name: 'no weights at all',
    damage: (folder) => rmSync(join(folder, 'model.safetensors.index.json')),
    message: 'The folder FOLDER has no model.safetensors or model.safetensors.index.json.',
  },
  {
    name: 'missing shard',
    damage: (folder) => rmSync(join(folder, 'model-00002-of-00002.safetensors')),
    message: 'The shard model-00002-of-00002.safetensors listed in model.safetensors.index.json is missing.',
  },
  {
    name: 'index not JSON',
    damage: (folder) => writeFileSync(join(folder, 'model.safetensors.index.json'), '{"weight_map"'),
    message: 'model.safetensors.index.json is not valid JSON.',
  },
  {
    name: 'index without a weight map',
    damage: (folder) => writeFileSync(join(folder, 'model.safetensors.index.json'), '{"metadata": {}}'),
    message: 'model.safetensors.index.json has no weight_map from tensor names to shard files.',
  },
  {
    name: 'index naming a tensor its shard lacks',
    damage: (folder) =>
      writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { z: 'model-00001-of-00002.safetensors' } })),
    message: "Tensor 'z' is listed in model.safetensors.index.json but not found in model-00001-of-00002.safetensors.",
  },
  {
    name: 'index naming a shard outside the folder',
    damage: (folder) => writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: '../../etc/model.safetensors' } })),
    message: "model.safetensors.index.json lists the shard '../../etc/model.safetensors', which lies outside the model folder; shards must sit beside the index.",
  },
  {
    name: 'index naming a shard by absolute path',
    damage: (folder) => writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: join(folder, 'model-00001-of-00002.safetensors') } })),
    message: "model.safetensors.index.json lists the shard 'FOLDER/model-00001-of-00002.safetensors', which lies outside the model folder; shards must sit beside the index.",
  },
];

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
}

function dropTensor(file: string, name: string): void {
  const source = SafetensorsFile.open(file);
  const kept = source.tensorNames().filter((key) => key !== name);
  const tensors = Object.fromEntries(kept.map((key) => [key, { shape: source.describe(key).shape, data: source.read(key) }]));
  source.close();
  writeSafetensors(file, tensors);
}

/** Each breaks a valid tiny model folder (single model.safetensors, plain keys). */
export const MODEL_FOLDER_FIXTURES: FolderFixture[] = [
  {
    name: 'folder missing',
    damage: (folder) => rmSync(folder, { recursive: true }),
    message: 'The model folder FOLDER does not exist.',
  },
  { name: 'no config.json', damage: (folder) => rmSync(join(folder, 'config.json')), message: 'The model folder FOLDER has no config.json.' },
  {
    name: 'config.json not JSON',
    damage: (folder) => writeFileSync(join(folder, 'config.json'), '{"model_type": gpt2}'),
    message: 'config.json in FOLDER is not valid JSON.',
  },
  {
    name: 'no model_type',
    damage: (folder) => editJson(join(folder, 'config.json'), (json) => delete json.model_type),
    message: 'config.json in FOLDER has no model_type (supported: gpt2, llama, gemma2, gpt_neox).',
  },
  {
    name: 'unknown model_type',
    damage: (folder) => editJson(join(folder, 'config.json'), (json) => (json.model_type = 'mistral')),
    message: "config.json has model_type 'mistral', which is not supported (supported: gpt2, llama, gemma2, gpt_neox).",
  },
  {
    name: 'config missing a field',
    damage: (folder) => editJson(join(folder, 'config.json'), (json) => delete json.n_head),
    message: "config.json has no 'n_head' field.",
  },
  {
    name: 'no weights',
    damage: (folder) => rmSync(join(folder, 'model.safetensors')),
    message: 'The folder FOLDER has no model.safetensors or model.safetensors.index.json.',
  },
  {
    name: 'truncated weights',
    damage: (folder) => writeFileSync(join(folder, 'model.safetensors'), Buffer.from([9, 9, 9, 9])),
    message: 'model.safetensors is too short to be a safetensors file (4 bytes).',
  },
  {
    name: 'missing tensor',
    damage: (folder) => dropTensor(join(folder, 'model.safetensors'), 'h.1.mlp.c_fc.bias'),
    message: "The GPT-2 tensor 'h.1.mlp.c_fc.bias' is missing from model.safetensors.",
  },
  {
    name: 'shape mismatch against the config',
    damage: (folder) => editJson(join(folder, 'config.json'), (json) => (json.n_positions = 64)),
    message: "Tensor 'wpe.weight' in model.safetensors has shape [32, 16] but the config needs [64, 16].",
  },
  {
    name: 'tokenizer missing',
    damage: (folder) => rmSync(join(folder, 'tokenizer.json')),
    message: 'There is no tokenizer.json at FOLDER/tokenizer.json.',
  },
  {
    name: 'tokenizer that does not load',
    damage: (folder) => editJson(join(folder, 'tokenizer.json'), (json) => (json.model = { type: 'Mystery' })),
    message: 'The tokenizer tokenizer.json does not load: Unknown TokenizerModel type: Mystery.',
  },
];
