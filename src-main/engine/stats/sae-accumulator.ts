import type { EncodedBatch } from '../sae/types.js';
import { ActiveValues } from './active-values.js';
import { FeatureAccumulator } from './features.js';
import { PositionAccumulator, type TokenError } from './positions.js';
import type { SaeIdentity } from './stats-store.js';
import { SummaryAccumulator, type TokenLosses } from './summary.js';
import type { SaeStats } from '../../shared/stats.js';
import type { WindowBatch } from './windows.js';

export interface SaeAccumulatorOptions {
  hook: string;
  inputSize: number;
  featureCount: number;
  context: number;
  quantileBuckets: number;
  relativeAccuracy: number;
  withLosses: boolean;
}

/** Per-token losses of one batch [batch·sequence]: the clean model, x spliced to x̂, x zeroed. */
export interface BatchLosses {
  clean: Float32Array;
  spliced: Float32Array;
  zero: Float32Array;
}

/** Everything one SAE's statistics need, folded batch by batch; the batch itself can be dropped afterwards. */
export class SaeAccumulator {
  readonly options: SaeAccumulatorOptions;
  #active: ActiveValues;
  #features: FeatureAccumulator;
  #positions: PositionAccumulator;
  #summary: SummaryAccumulator;

  constructor(options: SaeAccumulatorOptions) {
    this.options = options;
    this.#active = new ActiveValues(options.featureCount);
    this.#features = new FeatureAccumulator(options);
    this.#positions = new PositionAccumulator(options);
    this.#summary = new SummaryAccumulator(options.inputSize);
  }

  /** Folds every valid token of the batch; position 0 counts for positions only, padding for nothing. */
  addEncoded(encoded: EncodedBatch, batch: WindowBatch): void {
    const { inputSize, featureCount } = this.options;
    forEachToken(batch, (row, position) => {
      const active = this.#active.collect(encoded.features, row * featureCount, featureCount);
      const error = tokenError(encoded.input, encoded.reconstruction, row * inputSize, inputSize);
      this.#positions.addToken(position, active, error);
      if (position === 0) return;
      this.#features.add(active);
      this.#summary.addToken(encoded.input, row * inputSize, error);
    });
  }

  /** Folds the losses of every position that has a next token within its window. */
  addLosses(losses: BatchLosses, batch: WindowBatch): void {
    forEachToken(batch, (row, position, length) => {
      if (position + 1 >= length) return;
      this.#positions.addLosses(position, losses.clean[row], losses.spliced[row]);
      const token: TokenLosses = { clean: losses.clean[row], spliced: losses.spliced[row], zero: losses.zero[row] };
      if (position > 0) this.#summary.addLosses(token);
    });
  }

  identity(): SaeIdentity {
    return { hook: this.options.hook, d_in: this.options.inputSize, d_sae: this.options.featureCount };
  }

  features(): SaeStats['features'] {
    return this.#features.result(this.#summary.tokens);
  }

  positions(): SaeStats['positions'] {
    return this.#positions.result(this.options.withLosses);
  }

  summary(features: SaeStats['features']): SaeStats['summary'] {
    return this.#summary.result(features, this.options.withLosses);
  }
}

/** Visits the valid tokens of a batch as (row in the batch, position in its window, window length). */
function forEachToken(batch: WindowBatch, visit: (row: number, position: number, length: number) => void): void {
  for (let window = 0; window < batch.batch; window++) {
    const length = batch.lengths[window];
    for (let position = 0; position < length; position++) visit(window * batch.sequence + position, position, length);
  }
}

/** ‖x − x̂‖², ‖x‖ and cos(x, x̂) of one token (cosine 0 when either vector is zero). */
function tokenError(input: Float32Array, reconstruction: Float32Array, offset: number, size: number): TokenError {
  let squaredError = 0;
  let inputSquares = 0;
  let outputSquares = 0;
  let dot = 0;
  for (let d = offset; d < offset + size; d++) {
    const x = input[d];
    const y = reconstruction[d];
    squaredError += (x - y) * (x - y);
    inputSquares += x * x;
    outputSquares += y * y;
    dot += x * y;
  }
  const norms = Math.sqrt(inputSquares * outputSquares);
  return { squaredError, norm: Math.sqrt(inputSquares), cosine: norms === 0 ? 0 : dot / norms };
}
