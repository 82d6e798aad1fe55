import { describe, expect, it } from 'vitest';
import { normalSampler } from '../../../src-main/engine/demo/random.js';
import { ActiveValues } from '../../../src-main/engine/stats/active-values.js';
import { contextOf, examplesOf, TopExamples, type Example, type WindowRows } from '../../../src-main/engine/stats/top-examples.js';

/** A window whose only non-zero row is the token at `position`, holding `values`. */
function onlyRow(values: Float32Array, position: number): WindowRows {
  const featureCount = values.length;
  const features = new Float32Array((position + 1) * featureCount);
  features.set(values, position * featureCount);
  return { features, featureCount, firstRow: 0, length: position + 1 };
}

function offer(top: TopExamples, active: ActiveValues, row: Float32Array, at: { window: number; position: number }): void {
  top.add(active.collect(row, 0, row.length), at.window, at.position, onlyRow(row, at.position));
}

/** The brute force: every active value of a feature, sorted by value descending, ties by (window, position) ascending. */
function bruteForceTop(all: Example[], keep: number): Example[] {
  const sorted = [...all].sort((a, b) => b.value - a.value || a.window - b.window || a.position - b.position);
  return sorted.slice(0, keep);
}

/** Rows of `featureCount` values drawn from a few levels, so ties are everywhere; about half are zero. */
function tiedRows(featureCount: number, rows: number, seed: number): Float32Array[] {
  const random = normalSampler(seed);
  return Array.from({ length: rows }, () => Float32Array.from({ length: featureCount }, () => Math.max(0, Math.round(random() * 3) / 2)));
}

describe('top examples per feature', () => {
  it.each([1, 5, 20])('keep exactly the %i best active values with the tie rule', (keep) => {
    const featureCount = 7;
    const top = new TopExamples(featureCount, keep);
    const active = new ActiveValues(featureCount);
    const all: Example[][] = Array.from({ length: featureCount }, () => []);
    const positions = 9;
    tiedRows(featureCount, 400, keep).forEach((row, index) => {
      const window = Math.floor(index / positions);
      const position = 1 + (index % positions);
      offer(top, active, row, { window, position });
      row.forEach((value, feature) => value > 0 && all[feature].push({ window, position, value }));
    });
    const result = top.result();
    for (let feature = 0; feature < featureCount; feature++) {
      expect(all[feature].length).toBeGreaterThan(keep);
      expect(examplesOf(result, feature)).toEqual(bruteForceTop(all[feature], keep));
    }
  });

  it('keep fewer examples for a feature active fewer times, and none for a dead one', () => {
    const top = new TopExamples(3, 4);
    const active = new ActiveValues(3);
    offer(top, active, Float32Array.of(0.5, 0, 0), { window: 0, position: 1 });
    offer(top, active, Float32Array.of(2, 0, 0), { window: 0, position: 2 });
    offer(top, active, Float32Array.of(0, 0, -1), { window: 1, position: 1 });
    const result = top.result();
    expect(examplesOf(result, 0)).toEqual([
      { window: 0, position: 2, value: 2 },
      { window: 0, position: 1, value: 0.5 },
    ]);
    expect(examplesOf(result, 1)).toEqual([]);
    expect(examplesOf(result, 2)).toEqual([]);
    expect(Array.from(result.offsets)).toEqual([0, 2, 2, 2]);
    const centre = (value: number) => [...new Array(8).fill(0), value, ...new Array(8).fill(0)];
    expect(contextOf(result, 0)).toEqual(centre(2));
    expect(contextOf(result, 1)).toEqual(centre(0.5));
  });
});
