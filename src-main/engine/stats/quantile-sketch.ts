export interface SketchOptions {
  featureCount: number;
  /** Buckets kept per feature; at 0.9% accuracy 1,024 buckets span eight decades. */
  bucketCount: number;
  /** Relative error of every value estimate (DDSketch's α). */
  relativeAccuracy: number;
}

const CELL_LIMIT = 0x10000;

/** The mergeable form: each feature's non-empty buckets (log_γ index) and counts; `offsets[i]..offsets[i + 1]` index feature i's. */
export interface SketchState {
  offsets: Int32Array;
  buckets: Int32Array;
  counts: Float64Array;
}

/**
 * Log-bucketed histograms of positive values, one per feature (after DDSketch): a value v falls in bucket
 * ceil(log_γ v), γ = (1 + α)/(1 − α), whose estimate 2γ^i/(γ + 1) is within α of every value in it.
 * Each feature keeps a dense window of `bucketCount` buckets that slides to follow its values; when the
 * range overflows, the lowest buckets collapse into one. Memory per feature: bucketCount × 2 bytes of
 * Uint16 cells + 12 bytes (window start, highest bucket, total), plus a carry map only for cells past 65,535.
 */
export class QuantileSketch {
  readonly featureCount: number;
  readonly bucketCount: number;
  #gamma: number;
  #inverseLogGamma: number;
  #cells: Uint16Array;
  #starts: Int32Array;
  #highest: Int32Array;
  #totals: Float64Array;
  /** Feature → bucket → multiples of 65,536 that overflowed its cell. */
  #carries = new Map<number, Map<number, number>>();

  constructor(options: SketchOptions) {
    this.featureCount = options.featureCount;
    this.bucketCount = options.bucketCount;
    this.#gamma = (1 + options.relativeAccuracy) / (1 - options.relativeAccuracy);
    this.#inverseLogGamma = 1 / Math.log(this.#gamma);
    this.#cells = new Uint16Array(options.featureCount * options.bucketCount);
    this.#starts = new Int32Array(options.featureCount);
    this.#highest = new Int32Array(options.featureCount);
    this.#totals = new Float64Array(options.featureCount);
  }

  /** Adds one positive value of a feature. */
  add(feature: number, value: number): void {
    const bucket = this.#place(feature, Math.ceil(Math.log(value) * this.#inverseLogGamma));
    const cell = feature * this.bucketCount + bucket - this.#starts[feature];
    const count = this.#cells[cell] + 1;
    this.#cells[cell] = count;
    if (count === CELL_LIMIT) this.#carry(feature, bucket, 1);
    this.#totals[feature]++;
  }

  count(feature: number): number {
    return this.#totals[feature];
  }

  /** numpy's default quantiles: linear interpolation between the order statistics at floor and ceil of (n − 1)q. */
  quantiles(feature: number, levels: readonly number[]): number[] {
    const total = this.#totals[feature];
    if (total === 0) return levels.map(() => 0);
    const ranks = levels.flatMap((level) => [Math.floor((total - 1) * level), Math.ceil((total - 1) * level)]);
    const values = this.#orderStatistics(feature, ranks);
    return levels.map((level, index) => {
      const low = values[2 * index];
      const fraction = (total - 1) * level - ranks[2 * index];
      return low + fraction * (values[2 * index + 1] - low);
    });
  }

  /** Visits the feature's non-empty buckets, lowest first, as (estimate, count); every value in a bucket is within α of its estimate. */
  forEachBucket(feature: number, visit: (estimate: number, count: number) => void): void {
    if (this.#totals[feature] === 0) return;
    for (let offset = 0; offset < this.bucketCount; offset++) {
      const count = this.#bucketCount(feature, offset);
      if (count > 0) visit(this.#estimate(feature, offset), count);
    }
  }

  state(): SketchState {
    const offsets = new Int32Array(this.featureCount + 1);
    const buckets: number[] = [];
    const counts: number[] = [];
    for (let feature = 0; feature < this.featureCount; feature++) {
      for (let offset = 0; offset < this.bucketCount && this.#totals[feature] > 0; offset++) {
        const count = this.#bucketCount(feature, offset);
        if (count === 0) continue;
        buckets.push(this.#starts[feature] + offset);
        counts.push(count);
      }
      offsets[feature + 1] = buckets.length;
    }
    return { offsets, buckets: Int32Array.from(buckets), counts: Float64Array.from(counts) };
  }

  /**
   * Adds another sketch's counts. A value ends in bucket max(b, highest − bucketCount + 1) whatever order values come in,
   * so adding bucket counts gives exactly the sketch of all values together.
   */
  merge(other: SketchState): void {
    for (let feature = 0; feature < this.featureCount; feature++) {
      for (let k = other.offsets[feature]; k < other.offsets[feature + 1]; k++) {
        this.#addCount(feature, this.#place(feature, other.buckets[k]), other.counts[k]);
        this.#totals[feature] += other.counts[k];
      }
    }
  }

  /** Estimates of the order statistics at the given ranks (0-based, any order). */
  #orderStatistics(feature: number, ranks: number[]): number[] {
    const order = ranks.map((rank, index) => ({ rank, index })).sort((a, b) => a.rank - b.rank);
    const values = new Array<number>(ranks.length);
    let seen = 0;
    let next = 0;
    for (let offset = 0; offset < this.bucketCount && next < order.length; offset++) {
      seen += this.#bucketCount(feature, offset);
      while (next < order.length && order[next].rank < seen) values[order[next++].index] = this.#estimate(feature, offset);
    }
    return values;
  }

  #estimate(feature: number, offset: number): number {
    return (2 * this.#gamma ** (this.#starts[feature] + offset)) / (this.#gamma + 1);
  }

  #bucketCount(feature: number, offset: number): number {
    const cell = this.#cells[feature * this.bucketCount + offset];
    const carries = this.#carries.get(feature)?.get(this.#starts[feature] + offset) ?? 0;
    return cell + carries * CELL_LIMIT;
  }

  /** Slides the feature's window so the bucket fits, collapsing the lowest buckets if it must; returns the bucket to count. */
  #place(feature: number, bucket: number): number {
    const start = this.#starts[feature];
    if (this.#totals[feature] === 0) {
      this.#starts[feature] = bucket - (this.bucketCount >> 1);
      this.#highest[feature] = bucket;
      return bucket;
    }
    if (bucket > this.#highest[feature]) this.#highest[feature] = bucket;
    if (bucket >= start + this.bucketCount) this.#moveWindow(feature, bucket - this.bucketCount + 1);
    else if (bucket < start) this.#moveWindow(feature, Math.min(start, Math.max(bucket, this.#highest[feature] - this.bucketCount + 1)));
    return Math.max(bucket, this.#starts[feature]);
  }

  /** Re-anchors a feature's window at `start`; buckets that fall below it merge into its lowest bucket. */
  #moveWindow(feature: number, start: number): void {
    const previous = this.#starts[feature];
    if (start === previous) return;
    const counts = Array.from({ length: this.bucketCount }, (_, offset) => this.#bucketCount(feature, offset));
    const row = this.#cells.subarray(feature * this.bucketCount, (feature + 1) * this.bucketCount);
    row.fill(0);
    this.#carries.delete(feature);
    this.#starts[feature] = start;
    counts.forEach((count, offset) => {
      if (count > 0) this.#addCount(feature, Math.max(previous + offset, start), count);
    });
  }

  #addCount(feature: number, bucket: number, count: number): void {
    const cell = feature * this.bucketCount + bucket - this.#starts[feature];
    const sum = this.#cells[cell] + count;
    this.#cells[cell] = sum % CELL_LIMIT;
    if (sum >= CELL_LIMIT) this.#carry(feature, bucket, Math.floor(sum / CELL_LIMIT));
  }

  #carry(feature: number, bucket: number, carries: number): void {
    let buckets = this.#carries.get(feature);
    if (!buckets) this.#carries.set(feature, (buckets = new Map()));
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + carries);
  }
}
