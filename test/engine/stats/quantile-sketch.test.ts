import { describe, expect, it } from 'vitest';
import { standardNormal, uniformSampler } from '../../../src-main/engine/demo/random.js';
import { QuantileSketch } from '../../../src-main/engine/stats/quantile-sketch.js';
import { exactQuantile } from './exact-quantile.js';
import { QUANTILE_LEVELS } from '../../../src-main/shared/stats.js';

const DISTRIBUTIONS: Record<string, (next: () => number) => number> = {
  lognormal: (next) => Math.exp(0.5 + 1.2 * standardNormal(next)),
  uniform: (next) => 0.01 + 5 * next(),
  pareto: (next) => 0.2 / Math.pow(1 - next(), 1 / 1.1),
};

function sketchOf(values: number[], bucketCount = 1024): QuantileSketch {
  const sketch = new QuantileSketch({ featureCount: 3, bucketCount, relativeAccuracy: 0.009 });
  for (const value of values) sketch.add(1, value);
  return sketch;
}

describe('quantile sketch', () => {
  it.each(Object.keys(DISTRIBUTIONS))('is within one percent of numpy quantiles on %s samples', (name) => {
    const next = uniformSampler(7);
    const values = Array.from({ length: 20_000 }, () => DISTRIBUTIONS[name](next));
    const estimates = sketchOf(values).quantiles(1, QUANTILE_LEVELS);
    QUANTILE_LEVELS.forEach((level, index) => {
      const exact = exactQuantile(values, level);
      expect(Math.abs(estimates[index] - exact) / exact).toBeLessThan(0.01);
    });
  });

  it('follows values that rise and fall far from the first one', () => {
    const next = uniformSampler(11);
    const values = [1, ...Array.from({ length: 5000 }, (_, i) => (i % 2 ? 1e-3 : 30) * (0.5 + next()))];
    const estimates = sketchOf(values).quantiles(1, QUANTILE_LEVELS);
    QUANTILE_LEVELS.forEach((level, index) => {
      const exact = exactQuantile(values, level);
      expect(Math.abs(estimates[index] - exact) / exact).toBeLessThan(0.01);
    });
  });

  it('collapses the lowest buckets when the range overflows, keeping the upper quantiles accurate', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 10 ** (-8 + (12 * i) / 999));
    const sketch = sketchOf(values, 256);
    const [low, , , , , , top] = sketch.quantiles(1, QUANTILE_LEVELS);
    expect(low).toBeGreaterThan(exactQuantile(values, 0.1));
    expect(Math.abs(top - exactQuantile(values, 0.99)) / exactQuantile(values, 0.99)).toBeLessThan(0.01);
    expect(sketch.count(1)).toBe(1000);
  });

  it('counts past the 16-bit cells of one bucket', () => {
    const sketch = sketchOf(Array.from({ length: 70_000 }, (_, i) => (i < 69_000 ? 2 : 3)));
    expect(sketch.count(1)).toBe(70_000);
    const [median, top] = sketch.quantiles(1, [0.5, 0.999]);
    expect(Math.abs(median - 2) / 2).toBeLessThan(0.01);
    expect(Math.abs(top - 3) / 3).toBeLessThan(0.01);
  });

  it('gives zeros for a feature that never fired and leaves other features alone', () => {
    const sketch = sketchOf([5, 6, 7]);
    expect(sketch.quantiles(0, QUANTILE_LEVELS)).toEqual(QUANTILE_LEVELS.map(() => 0));
    expect(sketch.count(2)).toBe(0);
  });
});
