import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countList, measureInChild, openPeakMatMul } from '../../src-main/bench/shared.js';
import { ALLOCATOR_ENV } from '../../src-main/engine/onnx/allocator.js';

describe('openPeakMatMul', () => {
  it('multiplies [rows, inner] by [inner, outer] and counts 2·rows·inner·outer FLOPs', async () => {
    const shape = { rows: 3, inner: 5, outer: 4 };
    const peak = await openPeakMatMul('cpu', shape);
    try {
      const { y } = (await peak.run()) as { y: { dims: readonly number[]; data: Float32Array } };
      const value = (index: number) => ((index % 97) - 48) / 97;
      const expected = Array.from({ length: shape.rows * shape.outer }, (_, cell) => {
        const [row, column] = [Math.floor(cell / shape.outer), cell % shape.outer];
        return Array.from({ length: shape.inner }, (_, k) => value(row * shape.inner + k) * value(k * shape.outer + column)).reduce((a, b) => a + b);
      });
      expect(y.dims).toEqual([shape.rows, shape.outer]);
      Array.from(y.data).forEach((actual, cell) => expect(actual).toBeCloseTo(expected[cell], 5));
      expect(peak.flops).toBe(2 * 3 * 5 * 4);
    } finally {
      await peak.release();
    }
  });
});

describe('countList', () => {
  it('reads comma-separated whole numbers and names the flag when one is not', () => {
    expect(countList({ samples: '100,400' }, 'samples')).toEqual([100, 400]);
    expect(() => countList({ samples: '100,0' }, 'samples')).toThrow("--samples must be comma-separated whole numbers, not '100,0'.");
  });
});

describe('measureInChild', () => {
  it.each(Object.entries(ALLOCATOR_ENV))('starts the child with %s from ALLOCATOR_ENV', async (name, value) => {
    expect(await measureInChild(join(import.meta.dirname, 'env-child.ts'), name, 'the environment')).toBe(value);
  });
});
