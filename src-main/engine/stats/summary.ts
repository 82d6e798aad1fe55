import type { TokenError } from './positions.js';
import type { FeatureStats, SaeSummary } from '../../shared/stats.js';

/** Dense features fire on more than this share of tokens (the spec's threshold). */
export const DENSE_DENSITY = 0.1;

export interface TokenLosses {
  clean: number;
  spliced: number;
  zero: number;
}

/** The summary's sums in mergeable form; `shift` is the first token's x (absent before any token). */
export interface SummaryState {
  tokens: number;
  squaredErrors: number;
  cosines: number;
  shift: Float64Array | undefined;
  shiftedSums: Float64Array;
  shiftedSquares: number;
  losses: { count: number; clean: number; spliced: number; zero: number };
}

/** One SAE's summary over P; x̄ comes from per-dimension sums, so explained variance needs no second pass. */
export class SummaryAccumulator {
  readonly inputSize: number;
  #tokens = 0;
  #squaredErrors = 0;
  #cosines = 0;
  #shift: Float64Array | undefined;
  #shiftedSums: Float64Array;
  #shiftedSquares = 0;
  #losses = { count: 0, clean: 0, spliced: 0, zero: 0 };

  constructor(inputSize: number) {
    this.inputSize = inputSize;
    this.#shiftedSums = new Float64Array(inputSize);
  }

  addToken(input: Float32Array, offset: number, error: TokenError): void {
    this.#tokens++;
    this.#squaredErrors += error.squaredError;
    this.#cosines += error.cosine;
    // Sums about the first token keep Σ‖x − x̄‖² exact even when x has a large common offset.
    const shift = (this.#shift ??= Float64Array.from(input.subarray(offset, offset + this.inputSize)));
    for (let d = 0; d < this.inputSize; d++) {
      const delta = input[offset + d] - shift[d];
      this.#shiftedSums[d] += delta;
      this.#shiftedSquares += delta * delta;
    }
  }

  addLosses(losses: TokenLosses): void {
    this.#losses.count++;
    this.#losses.clean += losses.clean;
    this.#losses.spliced += losses.spliced;
    this.#losses.zero += losses.zero;
  }

  state(): SummaryState {
    return {
      tokens: this.#tokens,
      squaredErrors: this.#squaredErrors,
      cosines: this.#cosines,
      shift: this.#shift,
      shiftedSums: this.#shiftedSums,
      shiftedSquares: this.#shiftedSquares,
      losses: { ...this.#losses },
    };
  }

  /** Adds the tokens of later windows; their sums about their own first token move to this one's (a merge goes in window order). */
  merge(other: SummaryState): void {
    if (other.shift && other.tokens > 0) this.#mergeShifted(other.shift, other);
    this.#tokens += other.tokens;
    this.#squaredErrors += other.squaredErrors;
    this.#cosines += other.cosines;
    for (const key of ['count', 'clean', 'spliced', 'zero'] as const) this.#losses[key] += other.losses[key];
  }

  #mergeShifted(otherShift: Float64Array, other: SummaryState): void {
    const shift = (this.#shift ??= Float64Array.from(otherShift));
    for (let d = 0; d < this.inputSize; d++) {
      const offset = otherShift[d] - shift[d];
      this.#shiftedSums[d] += other.shiftedSums[d] + other.tokens * offset;
      this.#shiftedSquares += 2 * offset * other.shiftedSums[d] + other.tokens * offset * offset;
    }
    this.#shiftedSquares += other.shiftedSquares;
  }

  get tokens(): number {
    return this.#tokens;
  }

  result(features: FeatureStats, withLosses: boolean): SaeSummary {
    const tokens = this.#tokens;
    const counts = Array.from(features.count);
    const summary: SaeSummary = {
      tokens,
      l0: tokens === 0 ? 0 : counts.reduce((sum, count) => sum + count, 0) / tokens,
      dead: counts.filter((count) => count === 0).length,
      dense: Array.from(features.density).filter((density) => density > DENSE_DENSITY).length,
      mse: tokens === 0 ? 0 : this.#squaredErrors / tokens / this.inputSize,
      explained_variance: 1 - this.#squaredErrors / this.#variance(),
      cosine: tokens === 0 ? 0 : this.#cosines / tokens,
    };
    return withLosses ? { ...summary, ...this.#lossSummary() } : summary;
  }

  /** Σ‖x − x̄‖² over P. */
  #variance(): number {
    if (this.#tokens === 0) return 0;
    let centred = this.#shiftedSquares;
    for (const sum of this.#shiftedSums) centred -= (sum * sum) / this.#tokens;
    return centred;
  }

  #lossSummary(): Pick<SaeSummary, 'ce_clean' | 'ce_spliced' | 'ce_zero' | 'ce_recovered'> {
    const { count, clean, spliced, zero } = this.#losses;
    const mean = (sum: number) => (count === 0 ? 0 : sum / count);
    const recovered = (zero - spliced) / (zero - clean);
    return { ce_clean: mean(clean), ce_spliced: mean(spliced), ce_zero: mean(zero), ce_recovered: recovered };
  }
}
