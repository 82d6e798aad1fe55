import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { isDirectory, isFile } from '../../files.js';
import { SafetensorsFile } from '../../model/safetensors.js';
import { definedFacts, type SaeAdapter } from '../adapter.js';
import { displayName, readJsonObject, withFile } from '../files.js';
import { NpzFile, type NpyDtype } from '../npz.js';
import type { SaeParams } from '../types.js';

export const GEMMA_SCOPE_FILE = 'params.npz';
/** Gemma Scope 2 ships each SAE as params.safetensors with a config.json beside it. */
export const GEMMA_SCOPE_2_FILE = 'params.safetensors';
const GEMMA_SCOPE_2_CONFIG = 'config.json';

// layer_20/… (Gemma Scope) or layer_20_width_16k_l0_small/… (Gemma Scope 2).
const LAYER_PATTERN = /(?:^|[/\\])layer_(\d+)(?=[/\\_]|$)/g;
// Releases are named like gemma-scope-2b-pt-res; the site is a whole word somewhere in the path.
const SITE_PATTERN = /(?:^|[^a-z0-9])(res|mlp|att|resid_post|mlp_out|attn_out)(?:_all)?(?=[^a-z0-9_]|$)/gi;
// Named as safetensors names them, so the Library shows one vocabulary for every format.
const STORED_DTYPES: Record<NpyDtype, string> = { '<f4': 'F32', '<f2': 'F16', '<f8': 'F64' };
// Attention SAEs read the heads' concatenated outputs before the output projection (attn.hook_z, as SAELens maps them).
const SITE_HOOKS: Record<string, string> = {
  res: 'hook_resid_post',
  resid_post: 'hook_resid_post',
  mlp: 'hook_mlp_out',
  mlp_out: 'hook_mlp_out',
  att: 'attn.hook_z',
  attn_out: 'attn.hook_z',
};
// Gemma Scope 2's config names the Hugging Face module output it read.
const HF_HOOK_POINTS: [RegExp, string][] = [
  [/^model\.layers\.(\d+)\.output$/, 'hook_resid_post'],
  [/^model\.layers\.(\d+)\.post_feedforward_layernorm\.output$/, 'hook_mlp_out'],
  [/^model\.layers\.(\d+)\.self_attn\.o_proj\.input$/, 'attn.hook_z'],
];

/** One SAE's arrays, from params.npz or params.safetensors, under either spelling (W_enc, w_enc). */
interface ParamsArchive {
  readonly path: string;
  shape(name: string): number[];
  dtype(name: string): string;
  read(name: string): Float32Array;
  close(): void;
}

export const gemmaScopeAdapter: SaeAdapter = {
  format: 'gemma-scope',
  match(path) {
    if (isFile(path)) return path.endsWith('.npz') || basename(path) === GEMMA_SCOPE_2_FILE;
    return isFile(join(path, GEMMA_SCOPE_FILE)) || isFile(join(path, GEMMA_SCOPE_2_FILE));
  },
  open(path) {
    const file = archiveOf(path);
    return withFile(openArchive(file), (archive) => readParams(archive, hookOf(file)));
  },
  inspect(path) {
    const file = archiveOf(path);
    return withFile(openArchive(file), (archive) => {
      const hook = hookOf(file);
      const { inputSize, featureCount } = readParams(headerOnly(archive), hook);
      return definedFacts({ format: 'gemma-scope', architecture: 'jumprelu', hook, d_in: inputSize, d_sae: featureCount, dtype: archive.dtype('W_enc') });
    });
  },
};

function archiveOf(path: string): string {
  if (!isDirectory(path)) return path;
  return isFile(join(path, GEMMA_SCOPE_2_FILE)) ? join(path, GEMMA_SCOPE_2_FILE) : join(path, GEMMA_SCOPE_FILE);
}

function openArchive(file: string): ParamsArchive {
  return file.endsWith('.safetensors') ? safetensorsArchive(SafetensorsFile.open(file)) : npzArchive(NpzFile.open(file));
}

function npzArchive(npz: NpzFile): ParamsArchive {
  return {
    path: npz.path,
    shape: (name) => npz.describe(name).shape,
    dtype: (name) => STORED_DTYPES[npz.describe(name).dtype],
    read: (name) => npz.read(name),
    close: () => npz.close(),
  };
}

/** Gemma Scope 2 spells the matrices w_enc and w_dec; either spelling is read. */
function safetensorsArchive(file: SafetensorsFile): ParamsArchive {
  const stored = (name: string) => {
    const found = [name, name.toLowerCase()].find((candidate) => file.has(candidate));
    if (!found) throw new InputError(`${displayName(file.path)} has no tensor '${name.toLowerCase()}' (it has ${file.tensorNames().join(', ')}).`, file.path);
    return found;
  };
  return {
    path: file.path,
    shape: (name) => file.describe(stored(name)).shape,
    dtype: (name) => file.describe(stored(name)).dtype,
    read: (name) => file.read(stored(name)),
    close: () => file.close(),
  };
}

/** The hook from Gemma Scope 2's config.json when it names one, else from the path. */
function hookOf(file: string): string {
  const config = join(dirname(file), GEMMA_SCOPE_2_CONFIG);
  return (file.endsWith('.safetensors') && isFile(config) && hookFromConfig(config)) || hookFromPath(file);
}

function hookFromConfig(file: string): string | undefined {
  const config = readJsonObject(file);
  const input = config.hf_hook_point_in;
  if (config.type === 'transcoder' || (config.hf_hook_point_out !== undefined && config.hf_hook_point_out !== input)) {
    throw new InputError(`${displayName(file)} describes a transcoder (it reads one point and writes another); only SAEs can be loaded.`, file);
  }
  for (const [pattern, kind] of HF_HOOK_POINTS) {
    const match = typeof input === 'string' ? pattern.exec(input) : null;
    if (match) return `blocks.${match[1]}.${kind}`;
  }
  return undefined;
}

/** Gemma Scope keeps the hook only in the path: …-res/layer_20/width_16k/…/params.npz or resid_post/layer_20_width_16k_l0_small/. */
export function hookFromPath(file: string): string {
  const path = resolve(file);
  const layer = [...path.matchAll(LAYER_PATTERN)].at(-1)?.[1];
  const site = [...path.matchAll(SITE_PATTERN)].at(-1)?.[1].toLowerCase();
  if (layer === undefined || site === undefined) {
    throw new InputError(
      `Cannot tell the hook of ${displayName(file)} from its path: keep it under a folder named like gemma-scope-2b-pt-res/layer_N (or resid_post/layer_N_width_16k_l0_small).`,
      file,
    );
  }
  return `blocks.${layer}.${SITE_HOOKS[site]}`;
}

/** Checks every array's presence, dtype and shape from the headers alone (reads return nothing). */
function headerOnly(archive: ParamsArchive): ParamsArchive {
  return { ...archive, read: (name) => (archive.dtype(name), new Float32Array(0)) };
}

function matrixShape(archive: ParamsArchive, name: string): [number, number] {
  const shape = archive.shape(name);
  if (shape.length !== 2) throw new InputError(`Array '${name}' in ${displayName(archive.path)} has shape [${shape.join(', ')}], expected a matrix.`, archive.path);
  return [shape[0], shape[1]];
}

function readArray(archive: ParamsArchive, name: string, shape: number[]): Float32Array {
  const actual = archive.shape(name);
  if (actual.join(',') !== shape.join(',')) {
    throw new InputError(`Array '${name}' in ${displayName(archive.path)} has shape [${actual.join(', ')}], expected [${shape.join(', ')}].`, archive.path);
  }
  return archive.read(name);
}

function readParams(archive: ParamsArchive, hook: string): SaeParams {
  const [inputSize, featureCount] = matrixShape(archive, 'W_enc');
  return {
    format: 'gemma-scope',
    architecture: 'jumprelu',
    source: archive.path,
    hook,
    inputSize,
    featureCount,
    encoderWeights: archive.read('W_enc'),
    encoderBias: readArray(archive, 'b_enc', [featureCount]),
    decoderWeights: readArray(archive, 'W_dec', [featureCount, inputSize]),
    decoderBias: readArray(archive, 'b_dec', [inputSize]),
    threshold: readArray(archive, 'threshold', [featureCount]),
    // Gemma Scope encodes x itself: no b_dec subtraction, no centring.
    subtractDecoderBias: false,
    normalization: 'none',
    rescaleByDecoderNorm: false,
    centerInput: false,
  };
}
