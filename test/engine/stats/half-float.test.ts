import { describe, expect, it } from 'vitest';
import { fromHalf, toHalf } from '../../../src-main/engine/stats/half-float.js';

describe('half floats', () => {
  it('encode hand-checked binary16 bit patterns', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [1e6, 0x7c00],
      [2 ** -24, 0x0001],
      [2 ** -14, 0x0400],
      [1 + 2 ** -11, 0x3c00],
      [1 + 3 * 2 ** -11, 0x3c02],
    ];
    for (const [value, bits] of cases) expect([value, toHalf(value)]).toEqual([value, bits]);
  });

  it('round-trip positive values to 3 significant digits', () => {
    for (const value of [1e-4, 0.0123, 0.7, 3.14159, 42.5, 1234.5]) {
      expect(Math.abs(fromHalf(toHalf(value)) - value) / value).toBeLessThan(1e-3);
    }
    expect(Number.isNaN(fromHalf(toHalf(Number.NaN)))).toBe(true);
  });
});
