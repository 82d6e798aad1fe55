import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openDataset } from '../../src-main/engine/data/registry.js';
import { SafetensorsFile } from '../../src-main/engine/model/safetensors.js';
import { dictionaryLearningAdapter } from '../../src-main/engine/sae/formats/dictionary-learning.js';
import { saeLensAdapter } from '../../src-main/engine/sae/formats/saelens.js';
import { sparsifyAdapter } from '../../src-main/engine/sae/formats/sparsify.js';
import { NpzFile } from '../../src-main/engine/sae/npz.js';
import { isInputError } from '../../src-main/shared/errors.js';
import { safetensorsBytes } from '../engine/model/fixtures.js';
import { writeNpz } from '../helpers/npz.js';
import { writeParquet } from '../helpers/parquet.js';
import { sampleSaeParams, writeDictionaryLearningFolder, writeSaeLensFolder, writeSparsifyFolder } from '../helpers/sae-files.js';

/** Cases per reader: a few hundred inside `npm test`, FUZZ_RUNS (10,000 in `npm run fuzz`) otherwise. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const scratch = mkdtempSync(join(tmpdir(), 'fuzz-'));
let counter = 0;

function scratchFile(name: string, bytes: Uint8Array | string): string {
  const path = join(scratch, `${counter++}-${name}`);
  writeFileSync(path, bytes);
  return path;
}

/** Runs the reader; anything it throws must be an InputError (a whole sentence for the user), never a crash of ours. */
async function refusesCleanly(read: () => unknown): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (isInputError(error)) return true;
    throw error;
  }
}

// ---- byte-level mutations of a valid file, so the fuzzing reaches past the first check ----

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7fffffff, 0xfffffff0, 0xffffffff, 46, 65535) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
);

type Mutation = { kind: 'flip' | 'word' | 'cut'; at: number; value: number };

function mutate(bytes: Buffer, mutations: Mutation[]): Buffer {
  let result = Buffer.from(bytes);
  for (const change of mutations) {
    if (result.length === 0) break;
    const at = change.at % result.length;
    if (change.kind === 'flip') result[at] = change.value;
    else if (change.kind === 'cut') result = result.subarray(0, at);
    else if (at + 4 <= result.length) result.writeUInt32LE(change.value, at);
  }
  return result;
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 6 });

// ---- safetensors ----

const dtype = fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL', 'F8', 'X', 7);
const entry = fc.record({
  dtype,
  shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 6 }), { maxLength: 3 }), fc.constant('nope')),
  data_offsets: fc.oneof(fc.tuple(fc.integer({ min: -4, max: 64 }), fc.integer({ min: -4, max: 64 })), fc.array(fc.nat(64), { maxLength: 3 })),
});
const header = fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constant('__metadata__')), fc.oneof(entry, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 5 });

export const safetensorsProperty = fc.asyncProperty(
  fc.oneof(
    fc.tuple(header, fc.uint8Array({ maxLength: 96 })).map(([json, data]) => safetensorsBytes(json, data)),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.uint8Array({ maxLength: 32 })).map(([length, rest]) => {
      const prefix = Buffer.alloc(8);
      prefix.writeBigUInt64LE(length);
      return Buffer.concat([prefix, rest]);
    }),
  ),
  async (bytes) =>
    refusesCleanly(() => {
      const file = SafetensorsFile.open(scratchFile('x.safetensors', bytes));
      try {
        for (const name of file.tensorNames()) file.read(name);
      } finally {
        file.close();
      }
    }),
);

// ---- npz / zip ----

function validNpz(deflate: boolean, zip64Directory: boolean): Buffer {
  const path = join(scratch, `valid-${deflate}-${zip64Directory}.npz`);
  writeNpz(path, { W_enc: { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }, b: { shape: [3], data: [1, 2, 3], descr: '<f2' } }, { deflate, zip64Directory });
  return readFileSync(path);
}

export const npzProperty = fc.asyncProperty(
  fc.oneof(
    fc.tuple(fc.boolean(), fc.boolean(), mutations).map(([deflate, zip64, changes]) => mutate(validNpz(deflate, zip64), changes)),
    fc.uint8Array({ maxLength: 128 }).map((bytes) => Buffer.from(bytes)),
  ),
  async (bytes) =>
    refusesCleanly(() => {
      const archive = NpzFile.open(scratchFile('params.npz', bytes));
      try {
        for (const name of archive.arrayNames()) {
          archive.describe(name);
          archive.read(name);
        }
      } finally {
        archive.close();
      }
    }),
);

// ---- text datasets ----

const textBytes = fc.oneof(
  fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
  fc.array(fc.constantFrom('"', ',', '\t', '\n', '\r', 'a', 'text', '{', '}', ':', ' ', '\\', '\u00e9'), { maxLength: 80 }).map((parts) => Buffer.from(parts.join(''))),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

export const csvProperty = fc.asyncProperty(textBytes, fc.constantFrom('rows.csv', 'rows.tsv'), async (bytes, name) =>
  refusesCleanly(() => openDataset(scratchFile(name, bytes))),
);

const jsonLine = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
  fc.dictionary(fc.constantFrom('text', 'body', 'n', ''), fc.jsonValue({ maxDepth: 1 })).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 20 }),
);

export const jsonlProperty = fc.asyncProperty(
  fc.oneof(fc.array(jsonLine, { maxLength: 8 }).map((lines) => Buffer.from(lines.join('\n'))), textBytes),
  fc.option(fc.constantFrom('text', 'body', 'missing'), { nil: undefined }),
  async (bytes, textColumn) => refusesCleanly(() => openDataset(scratchFile('rows.jsonl', bytes), { textColumn })),
);

export const txtProperty = fc.asyncProperty(textBytes, async (bytes) => refusesCleanly(() => openDataset(scratchFile('rows.txt', bytes))));

function validParquet(): Buffer {
  const path = join(scratch, 'valid.parquet');
  writeParquet(path, [
    { name: 'text', type: 'string', values: ['one', null, 'three'] },
    { name: 'n', type: 'int64', values: [1, 2, null] },
  ]);
  return readFileSync(path);
}

export const parquetProperty = fc.asyncProperty(
  fc.oneof(mutations.map((changes) => mutate(validParquet(), changes)), fc.uint8Array({ maxLength: 96 }).map((bytes) => Buffer.concat([Buffer.from('PAR1'), bytes]))),
  async (bytes) => refusesCleanly(() => openDataset(scratchFile('rows.parquet', bytes))),
);

// ---- SAE configs: arbitrary values under the keys the parsers read, beside valid weights ----

const configValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer({ min: -2, max: 8 }),
  fc.constantFrom('topk', 'jumprelu', 'standard', 'gated', 'blocks.0.hook_resid_pre', 'transformer.h.0.foo', 'resid_post_layer_1', 'AutoEncoder', 'GatedAutoEncoder', 'JumpReluAutoEncoder', 'AutoEncoderTopK', 'BatchTopKSAE'),
);
const saeLensKeys = ['d_in', 'd_sae', 'architecture', 'k', 'hook_name', 'normalize_activations', 'apply_b_dec_to_input', 'context_size', 'activation_fn', 'metadata'];
const dictionaryKeys = ['dict_class', 'k', 'layer', 'submodule_name', 'lm_name', 'apply_b_dec_to_input'];
const configOf = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), configValue, { maxKeys: keys.length });

let folders: { saelens: string; sparsify: string; dictionary: string } | undefined;

/** One valid SAE per format, written once; each case overwrites only its config. */
function saeFolders() {
  if (folders) return folders;
  const params = sampleSaeParams({ inputSize: 4, featureCount: 3, architecture: 'topk', k: 1 });
  const root = join(scratch, 'saes');
  mkdirSync(root, { recursive: true });
  folders = {
    saelens: writeSaeLensFolder(join(root, 'saelens'), params),
    sparsify: writeSparsifyFolder(join(root, 'layers.1'), params),
    dictionary: writeDictionaryLearningFolder(join(root, 'dictionary'), params),
  };
  return folders;
}

export const configProperty = fc.asyncProperty(
  fc.oneof(
    configOf(saeLensKeys).map((cfg) => ({ format: 'saelens' as const, text: JSON.stringify(cfg) })),
    configOf(['k', 'activation', 'transcode', 'skip_connection', 'd_in']).map((cfg) => ({ format: 'sparsify' as const, text: JSON.stringify(cfg) })),
    fc.tuple(configOf(dictionaryKeys), fc.option(configValue)).map(([trainer, ctx]) => ({ format: 'dictionary' as const, text: JSON.stringify({ trainer, buffer: { ctx_len: ctx } }) })),
    fc.tuple(fc.constantFrom('saelens' as const, 'sparsify' as const, 'dictionary' as const), fc.string({ maxLength: 30 })).map(([format, text]) => ({ format, text })),
  ),
  async ({ format, text }) => {
    const folder = saeFolders()[format];
    const adapter = { saelens: saeLensAdapter, sparsify: sparsifyAdapter, dictionary: dictionaryLearningAdapter }[format];
    writeFileSync(join(folder, format === 'dictionary' ? 'config.json' : 'cfg.json'), text);
    return (await refusesCleanly(() => adapter.inspect(folder))) && refusesCleanly(() => adapter.open(folder));
  },
);

export const READER_PROPERTIES = {
  safetensors: safetensorsProperty,
  'npz/zip': npzProperty,
  'csv/tsv': csvProperty,
  jsonl: jsonlProperty,
  txt: txtProperty,
  parquet: parquetProperty,
  'SAE configs': configProperty,
};
