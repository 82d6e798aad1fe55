import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibraryService } from '../../src-main/api/library-service.js';
import { engineRecognizers } from '../../src-main/api/recognizers.js';
import { openDatabase } from '../../src-main/store/database.js';
import { FAMILY_MODEL_SETTINGS, writeFamilyModel } from '../../src-main/engine/demo/families.js';
import { writeTinyModel } from '../engine/model/tiny-model.js';
import { sampleSaeParams, writeSaeLensFolder } from '../helpers/sae-files.js';

let folder: string;
let model: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-recognizers-'));
  model = writeTinyModel();
  writeSaeLensFolder(join(folder, 'sae-a'), sampleSaeParams({ inputSize: 16, featureCount: 32, hook: 'blocks.0.hook_resid_pre' }));
  mkdirSync(join(folder, 'sae-set'));
  writeSaeLensFolder(join(folder, 'sae-set', 'l0'), sampleSaeParams({ inputSize: 16, featureCount: 32, hook: 'blocks.0.hook_resid_pre' }));
  writeSaeLensFolder(join(folder, 'sae-set', 'l1'), sampleSaeParams({ inputSize: 16, featureCount: 32, hook: 'blocks.1.hook_resid_pre' }));
  writeFileSync(join(folder, 'rows.jsonl'), '{"text":"one"}\n{"text":"two"}\n');
  mkdirSync(join(folder, 'empty'));
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  rmSync(model, { recursive: true, force: true });
});

describe('engineRecognizers', () => {
  it('recognises Llama, Gemma 2 and GPT-NeoX folders with their facts', async () => {
    const db = openDatabase(join(folder, 'families.db'));
    const library = new LibraryService({ db, recognizers: engineRecognizers() });
    const families = (['llama', 'gemma2', 'neox'] as const).map((family) => {
      const dir = join(folder, `model-${family}`);
      writeFamilyModel(dir, { ...FAMILY_MODEL_SETTINGS, family, layers: 2, width: 16, heads: 2, keyValueHeads: 1, vocabSize: 300 });
      return dir;
    });
    const items = await library.add(families);
    expect(items.map((item) => [item.kind, item.facts.architecture, item.facts.layers, item.facts.d_model, item.error])).toEqual([
      ['model', 'llama', 2, 16, undefined],
      ['model', 'gemma2', 2, 16, undefined],
      ['model', 'gpt_neox', 2, 16, undefined],
    ]);
    db.close();
  });

  it('recognises a model folder, an SAE, a folder of SAEs and a dataset with their facts', async () => {
    const db = openDatabase(join(folder, 'studio.db'));
    const library = new LibraryService({ db, recognizers: engineRecognizers() });
    const paths = [model, join(folder, 'sae-a'), join(folder, 'sae-set'), join(folder, 'rows.jsonl')];
    const [modelItem, saeItem, saeSet, dataset] = await library.add(paths);
    expect(modelItem).toMatchObject({ kind: 'model', facts: { architecture: 'gpt2', layers: 2, d_model: 16 } });
    expect(saeItem).toMatchObject({ kind: 'sae', facts: { hook: 'blocks.0.hook_resid_pre' } });
    expect(saeSet).toMatchObject({ kind: 'sae', facts: { saes: 2, hooks: 'blocks.0.hook_resid_pre, blocks.1.hook_resid_pre' } });
    expect(dataset).toMatchObject({ kind: 'dataset' });
    expect(dataset.error).toBeUndefined();
    db.close();
  });

  it('records a folder it cannot read as an item with a message', async () => {
    const db = openDatabase(join(folder, 'studio.db'));
    const [item] = await new LibraryService({ db, recognizers: engineRecognizers() }).add([join(folder, 'empty')]);
    expect(item.kind).toBeUndefined();
    expect(item.error).toMatch(/is not a model folder, an SAE or a dataset that SAE Studio can read\.$/);
    db.close();
  });
});
