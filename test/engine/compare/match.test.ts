import { describe, expect, it } from 'vitest';
import { matchPair } from '../../../src-main/engine/compare/match.js';
import { DEFAULT_MATCH_SETTINGS, type MatchSettings, type PairMatch } from '../../../src-main/engine/compare/types.js';
import { uniformSampler } from '../../../src-main/engine/demo/random.js';
import { bruteCosines, exhaustiveBest, gaussianRows, hungarianBest, saeWithDecoder, transposeRows } from './reference.js';

const SETTINGS: MatchSettings = { ...DEFAULT_MATCH_SETTINGS, device: 'cpu' };

function match(a: number[][], b: number[][], settings: Partial<MatchSettings> = {}): Promise<PairMatch> {
  return matchPair(saeWithDecoder(a, 'sae-a'), saeWithDecoder(b, 'sae-b', 2), { ...SETTINGS, ...settings });
}

/** Each row's k largest, descending, ties toward the smaller index, by sorting. */
function bruteTop(cosines: number[][], k: number): { index: number[]; cosine: number[] }[] {
  return cosines.map((row) => {
    const order = row.map((cosine, index) => ({ cosine, index })).sort((x, y) => y.cosine - x.cosine || x.index - y.index).slice(0, k);
    return { index: order.map((entry) => entry.index), cosine: order.map((entry) => entry.cosine) };
  });
}

function expectTopMatches(neighbours: PairMatch['aToB'], cosines: number[][], k: number): void {
  const expected = bruteTop(cosines, k);
  expected.forEach((row, i) => {
    row.cosine.forEach((cosine, slot) => {
      expect(neighbours.cosine[i * k + slot]).toBeCloseTo(cosine, 5);
      // The chosen index must carry the slot's cosine (equal up to rounding where two are this close).
      expect(cosines[i]![neighbours.index[i * k + slot]!]).toBeCloseTo(cosine, 5);
    });
  });
}

function assignedTotal(result: PairMatch, cosines: number[][]): number {
  const { aIndex, bIndex } = result.assignment;
  return Array.from(aIndex).reduce((total, a, pair) => total + cosines[a]![bIndex[pair]!]!, 0);
}

function expectOneToOne(result: PairMatch, na: number, nb: number): void {
  const { aIndex, bIndex } = result.assignment;
  expect(aIndex.length).toBe(Math.min(na, nb));
  expect(new Set(aIndex).size).toBe(aIndex.length);
  expect(new Set(bIndex).size).toBe(bIndex.length);
}

describe('cosines and nearest neighbours', () => {
  it('gives each feature its top-k of B and each B feature its top-k of A, as dense cosines say', async () => {
    const a = gaussianRows(40, 12, 3);
    const b = gaussianRows(55, 12, 4);
    const result = await match(a, b);
    const cosines = bruteCosines(a, b);
    expectTopMatches(result.aToB, cosines, 4);
    expectTopMatches(result.bToA, transposeRows(cosines), 4);
    const bestOfB = transposeRows(cosines).map((row) => row.indexOf(Math.max(...row)));
    const mutual = cosines.filter((row, i) => bestOfB[row.indexOf(Math.max(...row))] === i).length;
    expect(result.mutual).toBe(mutual);
  });

  it('merges column lists across blocks of A', async () => {
    const a = gaussianRows(700, 4, 5);
    const b = gaussianRows(16_000, 4, 6);
    const result = await match(a, b, { topK: 3 });
    const cosines = bruteCosines(a, b);
    const columns = transposeRows(cosines);
    expectTopMatches(result.bToA, columns.slice(0, 400), 3);
    expectTopMatches({ ...result.bToA, index: result.bToA.index.slice(15_000 * 3), cosine: result.bToA.cosine.slice(15_000 * 3) }, columns.slice(15_000), 3);
  });

  it('breaks exact ties toward the smaller index', async () => {
    const a = [[1, 0, 0], [0, 1, 0]];
    const b = [[0, 0, 1], [1, 0, 0], [0, 1, 0], [2, 0, 0], [0, 3, 0]];
    const result = await match(a, b, { topK: 3 });
    expect(Array.from(result.aToB.index)).toEqual([1, 3, 0, 2, 4, 0]);
    expect(Array.from(result.aToB.cosine)).toEqual([1, 1, 0, 1, 1, 0]);
    expect(Array.from(result.bToA.index.subarray(0, 2))).toEqual([0, 1]);
  });

  it('reads encoder columns with --by encoder', async () => {
    const a = saeWithDecoder(gaussianRows(9, 6, 7), 'a', 11);
    const b = saeWithDecoder(gaussianRows(7, 6, 8), 'b', 12);
    const columns = (weights: Float32Array, featureCount: number, inputSize: number) =>
      Array.from({ length: featureCount }, (_, feature) => Array.from({ length: inputSize }, (_, d) => weights[d * featureCount + feature]!));
    const result = await matchPair(a, b, { ...SETTINGS, by: 'encoder' });
    expectTopMatches(result.aToB, bruteCosines(columns(a.encoderWeights, 9, 6), columns(b.encoderWeights, 7, 6)), 4);
  });
});

describe('one-to-one assignment', () => {
  const shapes: [number, number][] = [[6, 6], [8, 8], [5, 8], [8, 5], [1, 7]];
  it.each(shapes)('is the exhaustive optimum for %i × %i features', async (na, nb) => {
    for (const seed of [1, 2, 3]) {
      const a = gaussianRows(na, 5, seed * 10);
      const b = gaussianRows(nb, 5, seed * 10 + 1);
      const result = await match(a, b);
      const cosines = bruteCosines(a, b);
      expectOneToOne(result, na, nb);
      expect(result.assignment.optimal).toBe(true);
      expect(result.assignment.total).toBeCloseTo(exhaustiveBest(cosines), 5);
      expect(assignedTotal(result, cosines)).toBeCloseTo(exhaustiveBest(cosines), 5);
    }
  });

  it.each([[200, 200], [180, 230], [230, 180]])('matches a dense Hungarian solver at %i × %i', async (na, nb) => {
    const a = gaussianRows(na, 24, 21);
    const b = gaussianRows(nb, 24, 22);
    const cosines = bruteCosines(a, b);
    const result = await match(a, b);
    const best = hungarianBest(cosines).total;
    expectOneToOne(result, na, nb);
    expect(result.assignment.optimal).toBe(true);
    expect(Math.abs(result.assignment.total - best) / best).toBeLessThan(1e-5);
    expect(Math.abs(assignedTotal(result, cosines) - best) / best).toBeLessThan(1e-5);
  });

  it('recovers a planted permutation under noise', async () => {
    const a = gaussianRows(300, 32, 31);
    const noise = gaussianRows(300, 32, 32);
    const random = uniformSampler(33);
    const permutation = Array.from({ length: 300 }, (_, i) => i).sort(() => random() - 0.5);
    const b = permutation.map((source, row) => a[source]!.map((value, d) => value + 0.3 * noise[row]![d]!));
    const result = await match(a, b);
    expect(result.assignment.optimal).toBe(true);
    Array.from(result.assignment.aIndex).forEach((source, pair) => expect(permutation[result.assignment.bIndex[pair]!]).toBe(source));
  });

  it('pairs an SAE with itself as the identity at cosine 1', async () => {
    const a = gaussianRows(120, 16, 41);
    const result = await match(a, a);
    expect(Array.from(result.assignment.aIndex)).toEqual(Array.from(result.assignment.bIndex));
    result.assignment.cosine.forEach((cosine) => expect(cosine).toBeCloseTo(1, 5));
    expect(result.mutual).toBe(120);
    expect(result.summary.aToB.median).toBeCloseTo(1, 5);
    expect(result.summary.assignmentAbove['0.9']).toBe(1);
  });
});

describe('zero-norm features and summaries', () => {
  it('counts zero-norm directions, gives them cosine 0 and leaves them out of the means', async () => {
    const a = gaussianRows(10, 6, 51);
    const b = gaussianRows(12, 6, 52);
    a[3] = new Array(6).fill(0);
    b[0] = new Array(6).fill(1e-10);
    b[5] = new Array(6).fill(0);
    const result = await match(a, b);
    expect(result.zeroNorm).toEqual({ a: 1, b: 2 });
    expect(Array.from(result.aToB.cosine.subarray(12, 16))).toEqual([0, 0, 0, 0]);
    const cosines = bruteCosines(a, b);
    const top1 = cosines.map((row) => Math.max(...row)).filter((_, i) => i !== 3);
    expect(result.summary.aToB.mean).toBeCloseTo(top1.reduce((x, y) => x + y) / top1.length, 5);
    const sorted = [...top1].sort((x, y) => x - y);
    expect(result.summary.aToB.median).toBeCloseTo(sorted[4]!, 5);
    const geomean = Math.exp(top1.reduce((total, value) => total + Math.log(Math.max(value, 1e-6)), 0) / top1.length);
    expect(result.summary.aToB.geomean).toBeCloseTo(geomean, 5);
    expect(result.summary.aToB.above['0.5']).toBe(cosines.filter((row) => Math.max(...row) > 0.5).length / 10);
    expect(result.assignment.total).toBeCloseTo(exhaustiveBestLarge(cosines), 5);
  });

  it('finds each parent\u2019s children above the split threshold', async () => {
    const parents = gaussianRows(6, 20, 61);
    const noise = gaussianRows(18, 20, 62);
    const children = noise.map((row, c) => parents[c % 6]!.map((value, d) => value + 0.25 * row[d]!));
    const result = await match(parents, children);
    const cosines = bruteCosines(parents, children);
    expect(result.splits.parent).toBe('a');
    cosines.forEach((row, parent) => {
      const expected = row.flatMap((cosine, child) => (cosine > 0.7 ? [child] : []));
      expect(result.splits.count[parent]).toBe(expected.length);
      expect(result.splits.children[parent]).toEqual(expected);
    });
  });
});

describe('bad input', () => {
  it('names both SAEs and sizes when d_in differs', async () => {
    await expect(match(gaussianRows(4, 6, 1), gaussianRows(4, 8, 2))).rejects.toThrow(/sae-a \(d_in 6\) with sae-b \(d_in 8\)/);
  });

  it('names the SAE and feature holding a NaN', async () => {
    const b = gaussianRows(5, 4, 2);
    b[3]![1] = NaN;
    await expect(match(gaussianRows(4, 4, 1), b)).rejects.toThrow('Feature 3 of sae-b has a NaN or infinite value in its decoder direction.');
  });
});

/** Exhaustive search is too slow past 8 on the larger side; the dense Hungarian solver stands in. */
function exhaustiveBestLarge(cosines: number[][]): number {
  return cosines.length <= 8 || cosines[0]!.length <= 8 ? exhaustiveBest(cosines) : hungarianBest(cosines).total;
}
