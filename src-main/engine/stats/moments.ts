/** Moments in mergeable form: per series its count, shift (first value) and the sums about that shift. */
export interface MomentsState {
  counts: Float64Array;
  shifts: Float64Array;
  sums: Float64Array;
  squares: Float64Array;
}

/**
 * Float64 count, mean and population variance for many series at once. Sums are taken about each
 * series' first value, so a series of near-equal values keeps its tiny variance instead of cancelling.
 */
export class Moments {
  readonly counts: Float64Array;
  #shifts: Float64Array;
  #sums: Float64Array;
  #squares: Float64Array;

  constructor(length: number) {
    this.counts = new Float64Array(length);
    this.#shifts = new Float64Array(length);
    this.#sums = new Float64Array(length);
    this.#squares = new Float64Array(length);
  }

  add(index: number, value: number): void {
    if (this.counts[index] === 0) this.#shifts[index] = value;
    const delta = value - this.#shifts[index];
    this.counts[index]++;
    this.#sums[index] += delta;
    this.#squares[index] += delta * delta;
  }

  mean(index: number): number {
    const count = this.counts[index];
    return count === 0 ? 0 : this.#shifts[index] + this.#sums[index] / count;
  }

  std(index: number): number {
    const count = this.counts[index];
    if (count === 0) return 0;
    const shiftedMean = this.#sums[index] / count;
    return Math.sqrt(Math.max(0, this.#squares[index] / count - shiftedMean * shiftedMean));
  }

  /** The sum of all values added (shift included). */
  total(index: number): number {
    return this.#sums[index] + this.counts[index] * this.#shifts[index];
  }

  state(): MomentsState {
    return { counts: this.counts, shifts: this.#shifts, sums: this.#sums, squares: this.#squares };
  }

  /** Adds the values of later windows: their sums move to this series' shift, so a merge in window order keeps the first value as shift. */
  merge(other: MomentsState): void {
    for (let index = 0; index < this.counts.length; index++) {
      const count = other.counts[index];
      if (count === 0) continue;
      if (this.counts[index] === 0) this.#shifts[index] = other.shifts[index];
      const offset = other.shifts[index] - this.#shifts[index];
      this.#sums[index] += other.sums[index] + count * offset;
      this.#squares[index] += other.squares[index] + 2 * offset * other.sums[index] + count * offset * offset;
      this.counts[index] += count;
    }
  }
}
