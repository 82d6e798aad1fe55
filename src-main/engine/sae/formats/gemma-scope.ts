import { join, resolve } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { isDirectory, isFile } from '../../files.js';
import { definedFacts, type SaeAdapter } from '../adapter.js';
import { displayName, withFile } from '../files.js';
import { NpzFile, type NpyDtype } from '../npz.js';
import type { SaeParams } from '../types.js';

export const GEMMA_SCOPE_FILE = 'params.npz';

const LAYER_PATTERN = /(?:^|[/\\])layer_(\d+)(?=[/\\]|$)/g;
// Releases are named like gemma-scope-2b-pt-res; the site is a whole word somewhere in the path.
const SITE_PATTERN = /(?:^|[^a-z0-9])(res|mlp|att)(?=[^a-z0-9]|$)/gi;
// Named as safetensors names them, so the Library shows one vocabulary for every format.
const STORED_DTYPES: Record<NpyDtype, string> = { '<f4': 'F32', '<f2': 'F16', '<f8': 'F64' };
// Attention SAEs read the heads' concatenated outputs before the output projection (attn.hook_z, as SAELens maps them).
const SITE_HOOKS: Record<string, string> = { res: 'hook_resid_post', mlp: 'hook_mlp_out', att: 'attn.hook_z' };

export const gemmaScopeAdapter: SaeAdapter = {
  format: 'gemma-scope',
  match(path) {
    return (path.endsWith('.npz') && isFile(path)) || isFile(join(path, GEMMA_SCOPE_FILE));
  },
  open(path) {
    const file = archiveOf(path);
    return withFile(NpzFile.open(file), (archive) => readParams(archive, hookFromPath(file)));
  },
  inspect(path) {
    const file = archiveOf(path);
    return withFile(NpzFile.open(file), (archive) => {
      const { inputSize, featureCount } = readParams(headerOnly(archive), hookFromPath(file));
      const dtype = STORED_DTYPES[archive.describe('W_enc').dtype];
      return definedFacts({ format: 'gemma-scope', architecture: 'jumprelu', hook: hookFromPath(file), d_in: inputSize, d_sae: featureCount, dtype });
    });
  },
};

function archiveOf(path: string): string {
  return isDirectory(path) ? join(path, GEMMA_SCOPE_FILE) : path;
}

/** Gemma Scope keeps the hook only in the path: …-res/layer_20/width_16k/…/params.npz. */
export function hookFromPath(file: string): string {
  const path = resolve(file);
  const layer = [...path.matchAll(LAYER_PATTERN)].at(-1)?.[1];
  const site = [...path.matchAll(SITE_PATTERN)].at(-1)?.[1].toLowerCase();
  if (layer === undefined || site === undefined) {
    throw new InputError(`Cannot tell the hook of ${displayName(file)} from its path: keep it under a folder named like gemma-scope-2b-pt-res/layer_N.`, file);
  }
  return `blocks.${layer}.${SITE_HOOKS[site]}`;
}

/** What readParams reads an archive through: the archive, or a view that reads no array. */
type ArraySource = Pick<NpzFile, 'path' | 'describe' | 'read'>;

/** Checks every array's presence, dtype and shape from the headers alone (reads return nothing). */
function headerOnly(archive: NpzFile): ArraySource {
  return { path: archive.path, describe: (name) => archive.describe(name), read: (name) => (archive.describe(name), new Float32Array(0)) };
}

function matrixShape(archive: ArraySource, name: string): [number, number] {
  const shape = archive.describe(name).shape;
  if (shape.length !== 2) throw new InputError(`Array '${name}' in ${displayName(archive.path)} has shape [${shape.join(', ')}], expected a matrix.`, archive.path);
  return [shape[0], shape[1]];
}

function readArray(archive: ArraySource, name: string, shape: number[]): Float32Array {
  const actual = archive.describe(name).shape;
  if (actual.join(',') !== shape.join(',')) {
    throw new InputError(`Array '${name}' in ${displayName(archive.path)} has shape [${actual.join(', ')}], expected [${shape.join(', ')}].`, archive.path);
  }
  return archive.read(name);
}

function readParams(archive: ArraySource, hook: string): SaeParams {
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
