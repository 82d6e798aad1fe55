import type { ActiveValues } from './active-values.js';
import { Moments, type MomentsState } from './moments.js';
import type { PositionStats } from '../../shared/stats.js';

/** What one token adds to its position besides its features; losses only where it has a next token. */
export interface TokenError {
  squaredError: number;
  norm: number;
  cosine: number;
}

/** Per-position accumulators in mergeable form. */
export interface PositionState {
  windows: Float64Array;
  activations: MomentsState;
  squaredErrors: Float64Array;
  norms: Float64Array;
  cleanLosses: MomentsState;
  splicedLosses: MomentsState;
}

/** Per-position statistics over all windows, BOS included; one slot per position of the context. */
export class PositionAccumulator {
  readonly featureCount: number;
  readonly inputSize: number;
  #windows: Float64Array;
  /** Counts and sums of the active values give l0 and l1 too. */
  #activations: Moments;
  #squaredErrors: Float64Array;
  #norms: Float64Array;
  #cleanLosses: Moments;
  #splicedLosses: Moments;

  constructor(options: { context: number; featureCount: number; inputSize: number }) {
    const { context } = options;
    this.featureCount = options.featureCount;
    this.inputSize = options.inputSize;
    this.#windows = new Float64Array(context);
    this.#activations = new Moments(context);
    this.#squaredErrors = new Float64Array(context);
    this.#norms = new Float64Array(context);
    this.#cleanLosses = new Moments(context);
    this.#splicedLosses = new Moments(context);
  }

  addToken(position: number, active: ActiveValues, error: TokenError): void {
    this.#windows[position]++;
    for (let k = 0; k < active.size; k++) this.#activations.add(position, active.values[k]);
    this.#squaredErrors[position] += error.squaredError;
    this.#norms[position] += error.norm;
  }

  addLosses(position: number, clean: number, spliced: number): void {
    this.#cleanLosses.add(position, clean);
    this.#splicedLosses.add(position, spliced);
  }

  state(): PositionState {
    return {
      windows: this.#windows,
      activations: this.#activations.state(),
      squaredErrors: this.#squaredErrors,
      norms: this.#norms,
      cleanLosses: this.#cleanLosses.state(),
      splicedLosses: this.#splicedLosses.state(),
    };
  }

  /** Adds the positions of later windows (a merge goes in window order). */
  merge(other: PositionState): void {
    for (let t = 0; t < this.#windows.length; t++) {
      this.#windows[t] += other.windows[t];
      this.#squaredErrors[t] += other.squaredErrors[t];
      this.#norms[t] += other.norms[t];
    }
    this.#activations.merge(other.activations);
    this.#cleanLosses.merge(other.cleanLosses);
    this.#splicedLosses.merge(other.splicedLosses);
  }

  result(withLosses: boolean): PositionStats {
    const n = Float64Array.from(this.#windows);
    const perWindow = (sums: Float64Array, scale = 1) => sums.map((sum, t) => (n[t] === 0 ? 0 : sum / n[t] / scale));
    const l0 = perWindow(this.#activations.counts);
    const stats: PositionStats = {
      n,
      act_mean: n.map((_, t) => this.#activations.mean(t)),
      act_std: n.map((_, t) => this.#activations.std(t)),
      l0,
      density: l0.map((value) => value / this.featureCount),
      l1: perWindow(n.map((_, t) => this.#activations.total(t))),
      recon_mse: perWindow(this.#squaredErrors, this.inputSize),
      resid_norm: perWindow(this.#norms),
    };
    if (!withLosses) return stats;
    return { ...stats, ce_loss: meansOrNull(this.#cleanLosses, n.length), ce_loss_spliced: meansOrNull(this.#splicedLosses, n.length) };
  }
}

function meansOrNull(moments: Moments, length: number): (number | null)[] {
  return Array.from({ length }, (_, t) => (moments.counts[t] === 0 ? null : moments.mean(t)));
}
