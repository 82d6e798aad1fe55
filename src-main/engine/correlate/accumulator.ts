import type { SaeCorrelation, TopFeature } from '../../shared/correlation.js';

/** One row's label: its value for Pearson, and whether it counts among the positives for the means. */
export interface RowLabel {
  value: number;
  positive: boolean;
}

/**
 * Float64 sums over rows for one SAE: Σx, Σx², Σxy per feature and Σy, Σy², memory bounded by d_sae. Values are
 * shifted by the first row's, which leaves Pearson unchanged and makes a constant feature's variance exactly 0.
 */
export class CorrelationAccumulator {
  readonly hook: string;
  readonly featureCount: number;
  #shift: Float64Array | undefined;
  #labelShift = 0;
  #sumX: Float64Array;
  #sumSquares: Float64Array;
  #sumProducts: Float64Array;
  #sumPositive: Float64Array;
  #rows = 0;
  #positives = 0;
  #sumY = 0;
  #sumYSquares = 0;

  constructor(hook: string, featureCount: number) {
    this.hook = hook;
    this.featureCount = featureCount;
    this.#sumX = new Float64Array(featureCount);
    this.#sumSquares = new Float64Array(featureCount);
    this.#sumProducts = new Float64Array(featureCount);
    this.#sumPositive = new Float64Array(featureCount);
  }

  /** Adds one row's pooled features. */
  add(pooled: ArrayLike<number>, label: RowLabel): void {
    if (!this.#shift) {
      this.#shift = Float64Array.from(pooled);
      this.#labelShift = label.value;
    }
    const y = label.value - this.#labelShift;
    for (let feature = 0; feature < this.featureCount; feature++) {
      const x = pooled[feature]! - this.#shift[feature]!;
      this.#sumX[feature] += x;
      this.#sumSquares[feature] += x * x;
      this.#sumProducts[feature] += x * y;
      if (label.positive) this.#sumPositive[feature] += x;
    }
    this.#rows++;
    this.#sumY += y;
    this.#sumYSquares += y * y;
    if (label.positive) this.#positives++;
  }

  result(topK: number): SaeCorrelation {
    const pearson = this.#pearson();
    const { positive, negative } = this.#classMeans();
    return { hook: this.hook, pearson, mean_positive: positive, mean_negative: negative, top: topFeatures(pearson, positive, topK) };
  }

  #pearson(): Float64Array {
    const n = this.#rows;
    const labelVariance = this.#sumYSquares - (this.#sumY * this.#sumY) / n;
    const pearson = new Float64Array(this.featureCount);
    if (!(labelVariance > 0)) return pearson;
    for (let feature = 0; feature < this.featureCount; feature++) {
      const sumX = this.#sumX[feature]!;
      const variance = this.#sumSquares[feature]! - (sumX * sumX) / n;
      if (!(variance > 0)) continue;
      const covariance = this.#sumProducts[feature]! - (sumX * this.#sumY) / n;
      pearson[feature] = Math.max(-1, Math.min(1, covariance / Math.sqrt(variance * labelVariance)));
    }
    return pearson;
  }

  /** Means over positive and negative rows, shifted back; 0 for a class with no rows. */
  #classMeans(): { positive: Float64Array; negative: Float64Array } {
    const positive = new Float64Array(this.featureCount);
    const negative = new Float64Array(this.featureCount);
    const negatives = this.#rows - this.#positives;
    for (let feature = 0; feature < this.featureCount; feature++) {
      const shift = this.#shift?.[feature] ?? 0;
      const sumPositive = this.#sumPositive[feature]!;
      if (this.#positives > 0) positive[feature] = shift + sumPositive / this.#positives;
      if (negatives > 0) negative[feature] = shift + (this.#sumX[feature]! - sumPositive) / negatives;
    }
    return { positive, negative };
  }
}

/** The `count` features with the largest |r|, ties to the lower index, each with its coefficient (mean on positives). */
export function topFeatures(pearson: ArrayLike<number>, meanPositive: ArrayLike<number>, count: number): TopFeature[] {
  const indices = Array.from({ length: pearson.length }, (_, index) => index);
  indices.sort((a, b) => Math.abs(pearson[b]!) - Math.abs(pearson[a]!) || a - b);
  return indices.slice(0, count).map((index) => ({ index, pearson: pearson[index]!, coefficient: meanPositive[index]! }));
}
