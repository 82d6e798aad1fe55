import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandPath, LibraryService, type Recognizer } from '../../src-main/api/library-service.js';
import { InputError } from '../../src-main/shared/errors.js';
import { openDatabase } from '../../src-main/store/database.js';

/** Small real recognisers over real files, standing in for the engine's loaders. */
const RECOGNIZERS: Recognizer[] = [
  {
    kind: 'model',
    match: (path) => basename(path).startsWith('model'),
    inspect: (path) => {
      if (path.endsWith('broken')) throw new InputError('This folder has no model.safetensors.');
      return { architecture: 'gpt2', layers: 2 };
    },
  },
  { kind: 'dataset', match: async (path) => path.endsWith('.jsonl'), inspect: async () => ({ format: 'jsonl', rows: 3 }) },
];

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-library-service-'));
  mkdirSync(join(folder, 'model-a'));
  mkdirSync(join(folder, 'model-broken'));
  writeFileSync(join(folder, 'rows.jsonl'), '{"text":"a"}\n');
  writeFileSync(join(folder, 'notes.md'), '# notes');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('LibraryService', () => {
  it('records facts, loader errors and unknown paths without throwing, and keeps them', async () => {
    const path = join(folder, 'studio.db');
    const db = openDatabase(path);
    const service = new LibraryService({ db, recognizers: RECOGNIZERS });
    const names = ['model-a', 'model-broken', 'rows.jsonl', 'notes.md', 'missing'];
    const items = await service.add(names.map((name) => join(folder, name)));
    expect(items.map(({ kind, facts, error }) => ({ kind, facts, error }))).toEqual([
      { kind: 'model', facts: { architecture: 'gpt2', layers: 2 }, error: undefined },
      { kind: 'model', facts: {}, error: 'This folder has no model.safetensors.' },
      { kind: 'dataset', facts: { format: 'jsonl', rows: 3 }, error: undefined },
      { kind: undefined, facts: {}, error: `'${join(folder, 'notes.md')}' is not a model folder, an SAE or a dataset that SAE Studio can read.` },
      { kind: undefined, facts: {}, error: `'${join(folder, 'missing')}' does not exist.` },
    ]);
    db.close();
    const reopened = openDatabase(path);
    expect(new LibraryService({ db: reopened, recognizers: RECOGNIZERS }).list()).toEqual(items);
    reopened.close();
  });

  it('reports an unexpected loader failure as a message', async () => {
    const db = openDatabase(join(folder, 'studio.db'));
    const exploding: Recognizer = { kind: 'sae', match: () => true, inspect: () => { throw new TypeError('bad'); } };
    const [item] = await new LibraryService({ db, recognizers: [exploding] }).add([join(folder, 'rows.jsonl')]);
    expect(item.error).toBe('Unexpected error: bad');
    db.close();
  });
});

describe('expandPath', () => {
  it('expands ~ to the home folder and resolves relative paths', () => {
    expect(expandPath('~')).toBe(homedir());
    expect(expandPath(' ~/models/gpt2 ')).toBe(join(homedir(), 'models', 'gpt2'));
    expect(expandPath('data/rows.jsonl')).toBe(join(process.cwd(), 'data', 'rows.jsonl'));
    expect(expandPath('/abs/~/x')).toBe('/abs/~/x');
  });
});
