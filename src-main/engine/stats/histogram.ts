import type { QuantileSketch } from './quantile-sketch.js';
import type { Series } from '../../shared/stats.js';

export const HISTOGRAM_BINS = 32;

/** The bins span this many decades below a feature's max; smaller values fall in bin 0. */
export const HISTOGRAM_DECADES = 3;

/** The 33 edges of a feature's bins, log10-spaced from 1e-3 × max to max. */
export function histogramEdges(max: number): number[] {
  return Array.from({ length: HISTOGRAM_BINS + 1 }, (_, k) => max * 10 ** (-HISTOGRAM_DECADES + (HISTOGRAM_DECADES * k) / HISTOGRAM_BINS));
}

/** The bin of a positive value of a feature whose max is `max`; max itself is in the last bin. */
export function histogramBin(value: number, max: number): number {
  const bin = Math.floor(((Math.log10(value / max) + HISTOGRAM_DECADES) * HISTOGRAM_BINS) / HISTOGRAM_DECADES);
  return Math.min(HISTOGRAM_BINS - 1, Math.max(0, bin));
}

/**
 * Every feature's histogram [featureCount × 32], read from the quantile sketch once max is known. The sketch's
 * fixed log buckets are mergeable state (shards add their counts) and each bucket goes whole to the bin of its
 * estimate, which is within α of every value in it: so a count is exact except for values within relative α
 * (the quantile accuracy, 0.9% by default) of a bin edge, which may land in the neighbouring bin.
 */
export function sketchHistograms(sketch: QuantileSketch, max: Series): Uint32Array {
  const counts = new Uint32Array(sketch.featureCount * HISTOGRAM_BINS);
  for (let feature = 0; feature < sketch.featureCount; feature++) {
    const base = feature * HISTOGRAM_BINS;
    sketch.forEachBucket(feature, (estimate, count) => (counts[base + histogramBin(estimate, max[feature])] += count));
  }
  return counts;
}
