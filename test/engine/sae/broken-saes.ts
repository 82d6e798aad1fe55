import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensors } from '../../../src-main/engine/model/safetensors.js';
import { writeNpz } from '../../helpers/npz.js';
import { sampleSaeParams, writeDictionaryLearningFolder, writeGemmaScopeFile, writeSaeLensFolder, writeSparsifyFolder } from '../../helpers/sae-files.js';

/** A broken input and the exact sentence a user must see (after Netron's test/models.json); $DIR is the fixture's folder. */
export interface BrokenSae {
  name: string;
  /** Writes the input under dir and returns the path to open. */
  build(dir: string): string;
  message: string;
  /** The problem lies in the weights' values, which only reading them shows (inspect reads headers only). */
  whenRead?: boolean;
}

const standard = () => sampleSaeParams({ inputSize: 4, featureCount: 3 });
const topk = () => sampleSaeParams({ inputSize: 4, featureCount: 3, architecture: 'topk', k: 1 });
const jumprelu = () => sampleSaeParams({ inputSize: 4, featureCount: 3, architecture: 'jumprelu' });

function saeLensWithConfig(dir: string, cfg: Record<string, unknown>): string {
  return writeSaeLensFolder(join(dir, 'sae'), standard(), { cfg });
}

function saeLensWithTensors(dir: string, tensors: Record<string, number[]>): string {
  const folder = writeSaeLensFolder(join(dir, 'sae'), standard());
  const entries = Object.entries(tensors).map(([name, shape]) => [name, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]);
  writeSafetensors(join(folder, 'sae_weights.safetensors'), Object.fromEntries(entries));
  return folder;
}

function file(dir: string, relative: string, content: string | Buffer): string {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export const BROKEN_SAES: BrokenSae[] = [
  { name: 'a missing path', build: (dir) => join(dir, 'nowhere'), message: 'The SAE path $DIR/nowhere does not exist.' },
  {
    name: 'a folder with no SAE',
    build: (dir) => (file(dir, 'notes.txt', 'hello'), dir),
    message:
      '$DIR holds no SAE: expected cfg.json + sae_weights.safetensors (SAELens), cfg.json + sae.safetensors (sparsify), config.json + ae.safetensors (dictionary_learning), params.npz or params.safetensors (Gemma Scope) or hyperparams.json + checkpoints/final.safetensors (Llama Scope).',
  },
  {
    name: 'SAELens cfg.json that is not JSON',
    build: (dir) => {
      const folder = writeSaeLensFolder(join(dir, 'sae'), standard());
      return file(folder, 'cfg.json', '{"d_in": 4,'), folder;
    },
    message: 'sae/cfg.json is not valid JSON.',
  },
  { name: 'SAELens unknown architecture', build: (dir) => saeLensWithConfig(dir, { architecture: 'hypersparse' }), message: "sae/cfg.json has architecture 'hypersparse'; supported: standard, jumprelu, topk, gated." },
  {
    name: 'SAELens unknown normalisation',
    build: (dir) => saeLensWithConfig(dir, { normalize_activations: 'whiten' }),
    message: "sae/cfg.json has normalize_activations 'whiten'; supported: none, expected_average_only_in, constant_norm_rescale, layer_norm.",
  },
  { name: 'SAELens cfg without d_in', build: (dir) => saeLensWithConfig(dir, { d_in: undefined }), message: "sae/cfg.json needs 'd_in' as a positive whole number, not nothing." },
  { name: 'SAELens cfg with a fractional d_sae', build: (dir) => saeLensWithConfig(dir, { d_sae: 2.5 }), message: "sae/cfg.json needs 'd_sae' as a positive whole number, not 2.5." },
  { name: 'SAELens cfg without a hook', build: (dir) => saeLensWithConfig(dir, { metadata: {} }), message: 'sae/cfg.json names no hook (hook_name or hook_point).' },
  { name: 'SAELens top-k without k', build: (dir) => saeLensWithConfig(dir, { architecture: 'topk' }), message: "sae/cfg.json needs 'k' as a positive whole number, not nothing." },
  {
    name: 'SAELens expected_average_only_in without a scaling factor',
    build: (dir) => saeLensWithConfig(dir, { normalize_activations: 'expected_average_only_in' }),
    message:
      'sae/cfg.json uses normalize_activations \'expected_average_only_in\' but no activation_scaler.json beside it gives the scaling_factor to fold in; add one as {"scaling_factor": c} with c from the SAE\'s release.',
  },
  {
    name: 'SAELens W_enc stored transposed',
    build: (dir) => saeLensWithTensors(dir, { W_enc: [3, 4], b_enc: [3], W_dec: [3, 4], b_dec: [4] }),
    message: "Tensor 'W_enc' in sae/sae_weights.safetensors has shape [3, 4], expected [4, 3].",
  },
  {
    name: 'SAELens weights without b_enc',
    build: (dir) => saeLensWithTensors(dir, { W_enc: [4, 3], W_dec: [3, 4], b_dec: [4] }),
    message: "sae/sae_weights.safetensors has no tensor 'b_enc' (it has W_enc, W_dec, b_dec).",
  },
  {
    name: 'SAELens truncated weights',
    build: (dir) => {
      const folder = writeSaeLensFolder(join(dir, 'sae'), standard());
      return file(folder, 'sae_weights.safetensors', Buffer.from([1, 2, 3])), folder;
    },
    message: 'sae_weights.safetensors is too short to be a safetensors file (3 bytes).',
  },
  {
    name: 'SAELens SAE on a hook we cannot tap',
    build: (dir) => writeSaeLensFolder(join(dir, 'sae'), { ...standard(), hook: 'blocks.0.attn.hook_z' }),
    message: "The SAE in $DIR/sae reads hook 'blocks.0.attn.hook_z', which SAE Studio cannot tap: Unknown hook 'blocks.0.attn.hook_z': expected blocks.L.{hook_resid_pre,hook_resid_mid,hook_resid_post,hook_attn_out,hook_mlp_out}.",
  },
  {
    name: 'a set with two SAEs for one hook',
    build: (dir) => {
      writeSaeLensFolder(join(dir, 'a'), standard());
      writeSaeLensFolder(join(dir, 'b'), standard());
      return dir;
    },
    message: '$DIR holds two SAEs for blocks.1.hook_resid_pre ($DIR/a and $DIR/b); a set needs one SAE per hook.',
  },
  {
    name: 'sparsify folder without a layer name',
    build: (dir) => writeSparsifyFolder(join(dir, 'my-sae'), topk()),
    message: "Cannot tell the hook of the sparsify SAE in 'my-sae': its folder should be named layers.N or h.N.",
  },
  {
    name: 'sparsify transcoder',
    build: (dir) => {
      const folder = writeSparsifyFolder(join(dir, 'layers.2'), topk());
      return file(folder, 'cfg.json', JSON.stringify({ k: 1, transcode: true })), folder;
    },
    message: 'layers.2/cfg.json describes a transcoder (transcode or skip_connection); only plain SAEs can be loaded.',
  },
  {
    name: 'sparsify with another activation',
    build: (dir) => {
      const folder = writeSparsifyFolder(join(dir, 'layers.4'), topk());
      return file(folder, 'cfg.json', JSON.stringify({ k: 1, activation: 'groupmax' })), folder;
    },
    message: "layers.4/cfg.json has activation 'groupmax'; supported: topk.",
  },
  {
    name: 'dictionary_learning torch pickle',
    build: (dir) => (file(dir, 'ae/ae.pt', 'PK'), file(dir, 'ae/config.json', JSON.stringify({ trainer: { dict_class: 'AutoEncoderTopK', k: 2, layer: 3 } })), join(dir, 'ae')),
    message:
      'ae/ae.pt is a torch pickle, which cannot be read safely outside Python; re-save it as ae.safetensors beside it:\n' +
      '  import torch, safetensors.torch as st\n' +
      "  st.save_file({k: v.float().contiguous() for k, v in torch.load('ae.pt').items()}, 'ae.safetensors')",
  },
  {
    name: 'dictionary_learning unknown dict_class',
    build: (dir) => {
      const folder = writeDictionaryLearningFolder(join(dir, 'ae'), topk());
      return file(folder, 'config.json', JSON.stringify({ trainer: { dict_class: 'MatryoshkaBatchTopKSAE', layer: 1 } })), folder;
    },
    message: "ae/config.json has dict_class 'MatryoshkaBatchTopKSAE'; supported: AutoEncoder, JumpReluAutoEncoder, GatedAutoEncoder, AutoEncoderTopK, BatchTopKSAE.",
  },
  { name: 'Gemma Scope file that is not a zip', build: (dir) => file(dir, 'gemma-res/layer_1/params.npz', 'not a zip at all'), message: 'layer_1/params.npz is not a zip archive, so not an .npz file.' },
  {
    name: 'Gemma Scope path without a layer',
    build: (dir) => writeGemmaScopeFile(join(dir, 'gemma-res', 'params.npz'), jumprelu()),
    message: 'Cannot tell the hook of gemma-res/params.npz from its path: keep it under a folder named like gemma-scope-2b-pt-res/layer_N (or resid_post/layer_N_width_16k_l0_small).',
  },
  {
    name: 'Gemma Scope big-endian arrays',
    build: (dir) => gemmaScopeWith(dir, { W_enc: { shape: [4, 3], data: new Float32Array(12), descr: '>f4' } }),
    message: "The array 'W_enc' in layer_1/params.npz has data type '>f4'; supported: <f4, <f2, <f8 (little-endian floats).",
  },
  {
    name: 'Gemma Scope Fortran-ordered arrays',
    build: (dir) => gemmaScopeWith(dir, { W_enc: { shape: [4, 3], data: new Float32Array(12), fortranOrder: true } }),
    message: "The array 'W_enc' in layer_1/params.npz is stored in Fortran order; save it C-ordered (numpy.ascontiguousarray).",
  },
  {
    name: 'Gemma Scope attention SAE, which reads attn.hook_z',
    build: (dir) => writeGemmaScopeFile(join(dir, 'gemma-scope-2b-pt-att', 'layer_3', 'params.npz'), jumprelu()),
    message:
      "The SAE in $DIR/gemma-scope-2b-pt-att/layer_3/params.npz reads hook 'blocks.3.attn.hook_z', which SAE Studio cannot tap: Unknown hook 'blocks.3.attn.hook_z': expected blocks.L.{hook_resid_pre,hook_resid_mid,hook_resid_post,hook_attn_out,hook_mlp_out}.",
  },
  {
    name: 'Gemma Scope without a threshold',
    build: (dir) => gemmaScopeWith(dir, { W_enc: { shape: [4, 3], data: new Float32Array(12) }, W_dec: { shape: [3, 4], data: new Float32Array(12) }, b_enc: { shape: [3], data: new Float32Array(3) }, b_dec: { shape: [4], data: new Float32Array(4) } }),
    message: "layer_1/params.npz has no array 'threshold' (it has W_enc, W_dec, b_enc, b_dec).",
  },
  {
    name: 'SAELens weights without W_dec',
    build: (dir) => saeLensWithTensors(dir, { W_enc: [4, 3], b_enc: [3], b_dec: [4] }),
    message: "sae/sae_weights.safetensors has no tensor 'W_dec' (it has W_enc, b_enc, b_dec).",
  },
  {
    name: 'SAELens cfg d_in disagreeing with its own weights',
    build: (dir) => saeLensWithConfig(dir, { d_in: 5 }),
    message: "Tensor 'W_enc' in sae/sae_weights.safetensors has shape [4, 3], expected [5, 3].",
  },
  {
    name: 'SAELens hook that is not a TransformerLens hook',
    build: (dir) => writeSaeLensFolder(join(dir, 'sae'), { ...standard(), hook: 'transformer.h.0.foo' }),
    message: "The SAE in $DIR/sae reads hook 'transformer.h.0.foo', which SAE Studio cannot tap: Unknown hook 'transformer.h.0.foo': expected blocks.L.{hook_resid_pre,hook_resid_mid,hook_resid_post,hook_attn_out,hook_mlp_out}.",
  },
  {
    name: 'SAELens weights naming a tensor twice',
    build: (dir) => {
      const folder = writeSaeLensFolder(join(dir, 'sae'), standard());
      const entry = (begin: number, shape: number[]) => `{"dtype":"F32","shape":[${shape}],"data_offsets":[${begin},${begin + 4 * shape.reduce((a, b) => a * b, 1)}]}`;
      const json = `{"W_enc":${entry(0, [4, 3])},"b_enc":${entry(48, [3])},"W_dec":${entry(60, [3, 4])},"b_dec":${entry(108, [4])},"b_enc":${entry(48, [3])}}`;
      const prefix = Buffer.alloc(8);
      prefix.writeBigUInt64LE(BigInt(json.length));
      return file(folder, 'sae_weights.safetensors', Buffer.concat([prefix, Buffer.from(json), Buffer.alloc(124)])), folder;
    },
    message: "The header of sae_weights.safetensors names 'b_enc' twice; each key must appear once.",
  },
  {
    name: 'SAELens weights holding NaN',
    build: (dir) => {
      const params = standard();
      params.decoderWeights[5] = Number.NaN;
      return writeSaeLensFolder(join(dir, 'sae'), params);
    },
    message: "Tensor 'W_dec' in sae_weights.safetensors holds NaN at index 5; weights must be finite numbers.",
    whenRead: true,
  },
  {
    name: 'Gemma Scope arrays holding infinity',
    build: (dir) => {
      const params = jumprelu();
      params.encoderWeights[2] = Number.POSITIVE_INFINITY;
      return writeGemmaScopeFile(join(dir, 'gemma-scope-res', 'layer_1', 'params.npz'), params);
    },
    message: "Array 'W_enc' in layer_1/params.npz holds Infinity at index 2; weights must be finite numbers.",
    whenRead: true,
  },
  {
    name: 'Gemma Scope array declaring an absurd shape',
    build: (dir) => gemmaScopeWith(dir, { ...JUMPRELU_ARRAYS, W_enc: { shape: [100000, 100000], data: new Float32Array(12) } }),
    message: "Array 'W_enc' in layer_1/params.npz declares shape [100000, 100000] of <f4, 40000000128 bytes, but its zip entry holds only 176 bytes.",
  },
  {
    name: 'Gemma Scope zip entry whose size field is 0xFFFFFFF0',
    build: (dir) => patchZip(gemmaScopeWith(dir, JUMPRELU_ARRAYS), (bytes, central) => bytes.writeUInt32LE(0xfffffff0, central + 20)),
    message: "layer_1/params.npz is cut short inside 'W_enc.npy': its size fields point past the end of the file.",
  },
  {
    name: 'Gemma Scope zip64 entry whose size is 2^52',
    build: (dir) =>
      patchZip(gemmaScopeWith(dir, JUMPRELU_ARRAYS, { zip64Directory: true }), (bytes, central) => bytes.writeBigUInt64LE(2n ** 52n, central + 46 + bytes.readUInt16LE(central + 28) + 12)),
    message: "layer_1/params.npz is cut short inside 'W_enc.npy': its size fields point past the end of the file.",
  },
  {
    name: 'Gemma Scope zip directory pointing past the end of the file',
    build: (dir) => patchZip(gemmaScopeWith(dir, JUMPRELU_ARRAYS), (bytes) => bytes.writeUInt32LE(0xfffffff0, bytes.length - 22 + 12)),
    message: 'layer_1/params.npz has a damaged zip directory: its size fields point past the end of the file.',
  },
];

const JUMPRELU_ARRAYS = {
  W_enc: { shape: [4, 3], data: new Float32Array(12) },
  W_dec: { shape: [3, 4], data: new Float32Array(12) },
  b_enc: { shape: [3], data: new Float32Array(3) },
  b_dec: { shape: [4], data: new Float32Array(4) },
  threshold: { shape: [3], data: new Float32Array(3) },
};

/** Rewrites bytes of a written archive; `central` is where its first central directory record starts. */
function patchZip(path: string, patch: (bytes: Buffer, central: number) => void): string {
  const bytes = readFileSync(path);
  patch(bytes, bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
  writeFileSync(path, bytes);
  return path;
}

function gemmaScopeWith(dir: string, arrays: Parameters<typeof writeNpz>[1], options?: Parameters<typeof writeNpz>[2]): string {
  const path = join(dir, 'gemma-scope-res', 'layer_1', 'params.npz');
  mkdirSync(join(path, '..'), { recursive: true });
  writeNpz(path, arrays, options);
  return path;
}
