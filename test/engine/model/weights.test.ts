import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../src-main/engine/model/safetensors.js';
import { openWeights } from '../../../src-main/engine/model/weights.js';
import { WEIGHTS_FIXTURES } from './fixtures.js';

function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), 'weights-'));
}

function writeShards(folder: string): void {
  writeSafetensors(join(folder, 'model-00001-of-00002.safetensors'), { a: { shape: [2], data: new Float32Array([1, 2]) } });
  writeSafetensors(join(folder, 'model-00002-of-00002.safetensors'), { b: { shape: [1, 2], data: new Float32Array([3, 4]), dtype: 'BF16' } });
  const weightMap = { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' };
  writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 12 }, weight_map: weightMap }));
}

describe('openWeights', () => {
  it('reads a single model.safetensors from a folder or by its path', () => {
    const folder = temporaryFolder();
    writeSafetensors(join(folder, 'model.safetensors'), { a: { shape: [3], data: new Float32Array([1, 2, 3]) } });
    for (const path of [folder, join(folder, 'model.safetensors')]) {
      const weights = openWeights(path);
      expect(weights.path).toBe(join(folder, 'model.safetensors'));
      expect(weights.names()).toEqual(['a']);
      expect(weights.read('a')).toEqual(new Float32Array([1, 2, 3]));
      weights.close();
    }
  });

  it('reads tensors across the shards an index lists', () => {
    const folder = temporaryFolder();
    writeShards(folder);
    const weights = openWeights(folder);
    expect(weights.names().sort()).toEqual(['a', 'b']);
    expect(weights.shape('b')).toEqual([1, 2]);
    expect(weights.describe('b').dtype).toBe('BF16');
    expect(weights.read('a')).toEqual(new Float32Array([1, 2]));
    expect(weights.read('b')).toEqual(new Float32Array([3, 4]));
    expect(weights.has('c')).toBe(false);
    expect(() => weights.read('c')).toThrowError("Tensor 'c' is not in model.safetensors.index.json.");
    weights.close();
  });
});

describe('broken checkpoints', () => {
  it.each(WEIGHTS_FIXTURES)('$name', (fixture) => {
    const folder = temporaryFolder();
    writeShards(folder);
    fixture.damage(folder);
    expect(() => openWeights(folder)).toThrowError(
      expect.objectContaining({ name: 'InputError', message: fixture.message.replace('FOLDER', folder) }),
    );
  });
});
