import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NpzFile } from '../../../src-main/engine/sae/npz.js';
import { writeNpz } from '../../helpers/npz.js';

const scratch = mkdtempSync(join(tmpdir(), 'npz-'));

describe('NpzFile', () => {
  it('reads float32, float16 and float64 arrays from stored and deflated members', () => {
    for (const deflate of [false, true]) {
      const file = join(scratch, `mixed-${deflate}.npz`);
      writeNpz(
        file,
        {
          single: { shape: [2, 3], data: [1, 2, 3, 4, 5, 6.5] },
          half: { shape: [3], data: [0.5, -2, 1024], descr: '<f2' },
          double: { shape: [2], data: [0.1, -3], descr: '<f8' },
        },
        { deflate },
      );
      const archive = NpzFile.open(file);
      expect(archive.arrayNames()).toEqual(['single', 'half', 'double']);
      expect(archive.describe('single')).toEqual({ dtype: '<f4', shape: [2, 3] });
      expect([...archive.read('single')]).toEqual([1, 2, 3, 4, 5, 6.5]);
      expect([...archive.read('half')]).toEqual([0.5, -2, 1024]);
      expect([...archive.read('double')]).toEqual([Math.fround(0.1), -3]);
      archive.close();
    }
  });

  it('reads sizes and offsets from zip64 records, as large archives store them', () => {
    const file = join(scratch, 'zip64.npz');
    writeNpz(file, { first: { shape: [2], data: [1, 2] }, second: { shape: [3], data: [3, 4, 5] } }, { zip64Directory: true });
    const archive = NpzFile.open(file);
    expect(archive.arrayNames()).toEqual(['first', 'second']);
    expect([...archive.read('second')]).toEqual([3, 4, 5]);
  });

  it('reads a scalar array', () => {
    const file = join(scratch, 'scalar.npz');
    writeNpz(file, { value: { shape: [], data: [7] } });
    const archive = NpzFile.open(file);
    expect(archive.describe('value').shape).toEqual([]);
    expect([...archive.read('value')]).toEqual([7]);
  });
});
