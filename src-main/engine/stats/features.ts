import type { ActiveValues } from './active-values.js';
import { sketchHistograms } from './histogram.js';
import { Moments, type MomentsState } from './moments.js';
import { QuantileSketch, type SketchState } from './quantile-sketch.js';
import { QUANTILE_LEVELS, type FeatureStats } from '../../shared/stats.js';

export interface FeatureAccumulatorOptions {
  featureCount: number;
  quantileBuckets: number;
  relativeAccuracy: number;
}

/** Per-feature accumulators in mergeable form. */
export interface FeatureState {
  moments: MomentsState;
  max: Float64Array;
  sketch: SketchState;
}

/** Per-feature statistics over P, folded one row of active values at a time; memory is fixed by the feature count. */
export class FeatureAccumulator {
  readonly featureCount: number;
  #moments: Moments;
  #max: Float64Array;
  #sketch: QuantileSketch;

  constructor(options: FeatureAccumulatorOptions) {
    this.featureCount = options.featureCount;
    this.#moments = new Moments(options.featureCount);
    this.#max = new Float64Array(options.featureCount);
    this.#sketch = new QuantileSketch({
      featureCount: options.featureCount,
      bucketCount: options.quantileBuckets,
      relativeAccuracy: options.relativeAccuracy,
    });
  }

  add(active: ActiveValues): void {
    const { indices, values, size } = active;
    for (let k = 0; k < size; k++) {
      const feature = indices[k];
      const value = values[k];
      this.#moments.add(feature, value);
      if (value > this.#max[feature]) this.#max[feature] = value;
      this.#sketch.add(feature, value);
    }
  }

  /** The feature family over `tokens` = N positions; quantiles are read from the sketch only here. */
  result(tokens: number): FeatureStats {
    const length = this.featureCount;
    const count = Float64Array.from(this.#moments.counts);
    const density = count.map((value) => (tokens === 0 ? 0 : value / tokens));
    const mean = Float64Array.from({ length }, (_, feature) => this.#moments.mean(feature));
    const std = Float64Array.from({ length }, (_, feature) => this.#moments.std(feature));
    const meanAll = Float64Array.from({ length }, (_, feature) => (tokens === 0 ? 0 : this.#moments.total(feature) / tokens));
    return { count, density, mean, std, max: Float64Array.from(this.#max), mean_all: meanAll, quantiles: this.#quantiles() };
  }

  /** Every feature's 32-bin histogram [featureCount × 32], binned against the max of the finished run. */
  histograms(max: FeatureStats['max']): Uint32Array {
    return sketchHistograms(this.#sketch, max);
  }

  state(): FeatureState {
    return { moments: this.#moments.state(), max: this.#max, sketch: this.#sketch.state() };
  }

  /** Adds the features of later windows (a merge goes in window order). */
  merge(other: FeatureState): void {
    this.#moments.merge(other.moments);
    for (let feature = 0; feature < this.featureCount; feature++) this.#max[feature] = Math.max(this.#max[feature], other.max[feature]);
    this.#sketch.merge(other.sketch);
  }

  #quantiles(): FeatureStats['quantiles'] {
    const levels = [...QUANTILE_LEVELS];
    const values = levels.map(() => new Float64Array(this.featureCount));
    for (let feature = 0; feature < this.featureCount; feature++) {
      this.#sketch.quantiles(feature, levels).forEach((value, level) => (values[level][feature] = value));
    }
    return { levels, values };
  }
}
