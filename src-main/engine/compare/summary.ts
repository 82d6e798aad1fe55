import type { Directions } from './directions.js';
import type { Neighbours, Splits, Top1Summary } from './types.js';

/** Geometric means read max(top1, this), so one orthogonal feature does not zero the whole mean. */
const GEOMEAN_FLOOR = 1e-6;

export function top1Of(neighbours: Neighbours): Float32Array {
  return Float32Array.from({ length: neighbours.index.length / neighbours.k }, (_, row) => neighbours.cosine[row * neighbours.k]!);
}

/** Mean, median and geometric mean over features with a direction; fractions above each threshold over all features. */
export function summarizeTop1(top1: Float32Array, from: Directions, thresholds: readonly number[]): Top1Summary {
  const kept = Float64Array.from(top1.filter((_, feature) => from.zeroNorm[feature] === 0)).sort();
  const mean = kept.reduce((total, value) => total + value, 0) / kept.length;
  const geomean = Math.exp(kept.reduce((total, value) => total + Math.log(Math.max(value, GEOMEAN_FLOOR)), 0) / kept.length);
  return { mean, median: median(kept), geomean, above: fractionsAbove(top1, thresholds) };
}

export function fractionsAbove(values: ArrayLike<number>, thresholds: readonly number[]): Record<string, number> {
  return Object.fromEntries(thresholds.map((threshold) => [String(threshold), countAbove(values, threshold) / Math.max(1, values.length)]));
}

/** Features of A whose nearest B feature has them as its nearest. */
export function mutualCount(aToB: Neighbours, bToA: Neighbours): number {
  let mutual = 0;
  for (let i = 0; i < aToB.index.length / aToB.k; i++) {
    const j = aToB.index[i * aToB.k]!;
    if (bToA.index[j * bToA.k] === i) mutual++;
  }
  return mutual;
}

export interface SplitInputs {
  a: Directions;
  b: Directions;
  aToB: Neighbours;
  bToA: Neighbours;
  childrenOfA: Int32Array;
  childrenOfB: Int32Array;
  threshold: number;
}

/** The smaller SAE's features as parents (A when equal), their exact child counts and the children among their candidates. */
export function splitsOf(inputs: SplitInputs): Splits {
  const parent = inputs.b.count < inputs.a.count ? 'b' : 'a';
  const neighbours = parent === 'a' ? inputs.aToB : inputs.bToA;
  const count = parent === 'a' ? inputs.childrenOfA : inputs.childrenOfB;
  const children = Array.from({ length: count.length }, (_, row) => {
    const found: number[] = [];
    for (let slot = row * neighbours.k; slot < (row + 1) * neighbours.k; slot++) {
      if (neighbours.cosine[slot]! > inputs.threshold && neighbours.index[slot]! >= 0) found.push(neighbours.index[slot]!);
    }
    return found.sort((x, y) => x - y);
  });
  return { parent, threshold: inputs.threshold, count, children };
}

/** The first k of each row's candidates. */
export function firstNeighbours(neighbours: Neighbours, k: number): Neighbours {
  const kept = Math.min(k, neighbours.k);
  const rows = neighbours.index.length / neighbours.k;
  const index = new Int32Array(rows * kept);
  const cosine = new Float32Array(rows * kept);
  for (let row = 0; row < rows; row++) {
    index.set(neighbours.index.subarray(row * neighbours.k, row * neighbours.k + kept), row * kept);
    cosine.set(neighbours.cosine.subarray(row * neighbours.k, row * neighbours.k + kept), row * kept);
  }
  return { k: kept, index, cosine };
}

function countAbove(values: ArrayLike<number>, threshold: number): number {
  let count = 0;
  for (let index = 0; index < values.length; index++) if (values[index]! > threshold) count++;
  return count;
}

function median(sorted: Float64Array): number {
  if (sorted.length === 0) return NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
