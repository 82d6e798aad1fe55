import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectModelFolder, matchModelFolder, readModelFolder } from '../../../src-main/engine/model/folder.js';
import { MODEL_FOLDER_FIXTURES } from './fixtures.js';
import { writeTinyModel } from './tiny-model.js';

let plainDir: string;
beforeAll(() => {
  plainDir = writeTinyModel();
});

describe('readModelFolder', () => {
  it('opens config, canonical weights and tokenizer', () => {
    const model = readModelFolder(plainDir);
    expect(model.config).toMatchObject({ modelType: 'gpt2', layerCount: 2, modelWidth: 16, headCount: 2, vocabSize: 50257, contextLength: 32 });
    expect(model.dtype).toBe('F32');
    expect(model.weights.shape('h.1.mlp.c_fc.weight')).toEqual([16, 64]);
    expect(model.tokenizer.encode('Hello world')).toEqual([15496, 995]);
    model.weights.close();
  });

  it.each([
    { layout: 'F16, prefixed, 3 shards', options: { dtype: 'F16' as const, keyPrefix: true, shards: 3 }, tolerance: 2 ** -11 },
    { layout: 'BF16, 2 shards', options: { dtype: 'BF16' as const, shards: 2 }, tolerance: 2 ** -8 },
  ])('reads the same weights from a $layout checkpoint', ({ options, tolerance }) => {
    const plain = readModelFolder(plainDir);
    const other = readModelFolder(writeTinyModel(options));
    expect(other.config).toEqual(plain.config);
    expect(other.dtype).toBe(options.dtype);
    for (const name of ['wte.weight', 'h.0.ln_1.weight', 'h.1.attn.c_attn.weight', 'ln_f.bias']) {
      const expected = plain.weights.read(name);
      const outside = other.weights.read(name).filter((value, i) => Math.abs(value - expected[i]) > Math.max(Math.abs(expected[i]) * tolerance, 2 ** -24));
      expect(outside.length).toBe(0);
    }
    plain.weights.close();
    other.weights.close();
  });
});

describe('inspectModelFolder and matchModelFolder', () => {
  it('reports the facts the Library shows', () => {
    const parameters = 50257 * 16 + 32 * 16 + 2 * (12 * 16 * 16 + 13 * 16) + 2 * 16;
    expect(inspectModelFolder(plainDir)).toEqual({
      architecture: 'gpt2',
      layers: 2,
      d_model: 16,
      heads: 2,
      vocab: 50257,
      context: 32,
      dtype: 'F32',
      parameters,
    });
  });

  it('recognises model folders only', () => {
    expect(matchModelFolder(plainDir)).toBe(true);
    expect(matchModelFolder(tmpdir())).toBe(false);
    expect(matchModelFolder(join(plainDir, 'missing'))).toBe(false);
  });
});

describe('broken model folders', () => {
  it.each(MODEL_FOLDER_FIXTURES)('$name', (fixture) => {
    const folder = join(mkdtempSync(join(tmpdir(), 'broken-model-')), 'model');
    cpSync(plainDir, folder, { recursive: true });
    fixture.damage(folder);
    const message = fixture.message.replace('FOLDER', folder);
    expect(() => readModelFolder(folder)).toThrowError(expect.objectContaining({ name: 'InputError', message }));
  });
});
