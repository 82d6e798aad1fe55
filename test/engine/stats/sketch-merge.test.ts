import { describe, expect, it } from 'vitest';
import { uniformSampler } from '../../../src-main/engine/demo/random.js';
import { QuantileSketch, type SketchState } from '../../../src-main/engine/stats/quantile-sketch.js';
import { QUANTILE_LEVELS } from '../../../src-main/shared/stats.js';

const ACCURACY = 0.009;
const BUCKETS = 16;

function newSketch(): QuantileSketch {
  return new QuantileSketch({ featureCount: 2, bucketCount: BUCKETS, relativeAccuracy: ACCURACY });
}

/** By hand: value v is in bucket b = ceil(log_γ v); with H the highest bucket, a full window keeps buckets from H − 15 and lower ones join H − 15. */
function expectedBuckets(values: number[]): [number, number][] {
  const inverseLogGamma = 1 / Math.log((1 + ACCURACY) / (1 - ACCURACY));
  const buckets = values.map((value) => Math.ceil(Math.log(value) * inverseLogGamma));
  const lowest = Math.max(...buckets) - BUCKETS + 1;
  const counts = new Map<number, number>();
  for (const bucket of buckets) counts.set(Math.max(bucket, lowest), (counts.get(Math.max(bucket, lowest)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b);
}

function bucketsOf(state: SketchState, feature: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let k = state.offsets[feature]; k < state.offsets[feature + 1]; k++) pairs.push([state.buckets[k], state.counts[k]]);
  return pairs;
}

/** Values over six decades in a random order, so the 16-bucket window both slides and collapses. */
function wideValues(seed: number, length: number): number[] {
  const next = uniformSampler(seed);
  return Array.from({ length }, () => 10 ** (6 * next() - 3));
}

describe('merging quantile sketches', () => {
  it('a sketch fed values one by one holds the buckets worked out by hand', () => {
    for (const seed of [1, 2, 3]) {
      const values = wideValues(seed, 500);
      const sketch = newSketch();
      values.forEach((value) => sketch.add(1, value));
      expect(bucketsOf(sketch.state(), 1)).toEqual(expectedBuckets(values));
      expect(bucketsOf(sketch.state(), 0)).toEqual([]);
    }
  });

  it('adding the bucket counts of parts gives the sketch of the whole, in any order, empty parts included', () => {
    const values = wideValues(4, 900);
    const cuts = [0, 0, 120, 121, 500, 900, 900];
    const parts = cuts.slice(1).map((end, k) => {
      const sketch = newSketch();
      values.slice(cuts[k], end).forEach((value) => sketch.add(1, value));
      return sketch.state();
    });
    const whole = newSketch();
    values.forEach((value) => whole.add(1, value));
    for (const order of [[0, 1, 2, 3, 4, 5], [5, 3, 1, 0, 4, 2]]) {
      const merged = newSketch();
      order.forEach((k) => merged.merge(parts[k]));
      expect(bucketsOf(merged.state(), 1)).toEqual(expectedBuckets(values));
      expect(merged.count(1)).toBe(900);
      expect(merged.quantiles(1, QUANTILE_LEVELS)).toEqual(whole.quantiles(1, QUANTILE_LEVELS));
    }
  });

  it('counts past a 16-bit cell survive a merge', () => {
    const sketch = newSketch();
    for (let k = 0; k < 70_000; k++) sketch.add(0, 2.5);
    const merged = newSketch();
    merged.merge(sketch.state());
    merged.merge(sketch.state());
    expect(bucketsOf(merged.state(), 0)).toEqual([[expectedBuckets([2.5])[0][0], 140_000]]);
  });
});
