import type { EncodedBatch } from '../sae/types.js';
import { ActiveValues } from './active-values.js';
import { FeatureAccumulator, type FeatureState } from './features.js';
import { mergeExamples } from './merge-examples.js';
import { PositionAccumulator, type PositionState, type TokenError } from './positions.js';
import type { FeaturePages, SaeIdentity } from './stats-store.js';
import { SummaryAccumulator, type SummaryState, type TokenLosses } from './summary.js';
import type { SaeStats } from '../../shared/stats.js';
import { TopExamples, type FeatureExamples, type WindowRows } from './top-examples.js';
import type { WindowBatch } from './windows.js';

export interface SaeAccumulatorOptions {
  hook: string;
  inputSize: number;
  featureCount: number;
  context: number;
  quantileBuckets: number;
  relativeAccuracy: number;
  withLosses: boolean;
  /** Examples kept per feature; 0 keeps none. */
  examples: number;
  /** Run-order index of the first window folded: a shard's block starts past 0. */
  firstWindow?: number;
}

/** Everything one SAE's accumulators hold, in the form a shard file stores and a merge adds. */
export interface SaeState {
  features: FeatureState;
  positions: PositionState;
  summary: SummaryState;
  /** The kept examples with run-order windows; absent when examples are off. */
  examples?: FeatureExamples;
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
  #examples: TopExamples | undefined;
  /** Windows folded so far: the run-order index of the next batch's first window. */
  #windows = 0;
  #rows: WindowRows;
  /** Examples of the shards merged so far; a merged accumulator folds no windows of its own. */
  #mergedExamples: FeatureExamples | undefined;

  constructor(options: SaeAccumulatorOptions) {
    this.options = options;
    this.#active = new ActiveValues(options.featureCount);
    this.#features = new FeatureAccumulator(options);
    this.#positions = new PositionAccumulator(options);
    this.#summary = new SummaryAccumulator(options.inputSize);
    if (options.examples > 0) this.#examples = new TopExamples(options.featureCount, options.examples);
    this.#rows = { features: new Float32Array(0), featureCount: options.featureCount, firstRow: 0, length: 0 };
    this.#windows = options.firstWindow ?? 0;
  }

  /** Folds every valid token of the batch; position 0 counts for positions only, padding for nothing. */
  addEncoded(encoded: EncodedBatch, batch: WindowBatch): void {
    const { inputSize, featureCount } = this.options;
    forEachToken(batch, (row, position, length) => {
      const active = this.#active.collect(encoded.features, row * featureCount, featureCount);
      const error = tokenError(encoded.input, encoded.reconstruction, row * inputSize, inputSize);
      this.#positions.addToken(position, active, error);
      if (position === 0) return;
      this.#features.add(active);
      if (this.#examples) this.#addExamples(active, { encoded, batch, row, position, length });
      this.#summary.addToken(encoded.input, row * inputSize, error);
    });
    this.#windows += batch.batch;
  }

  /** The kept examples copy their context from the token's window, described once per token without allocating. */
  #addExamples(active: ActiveValues, token: { encoded: EncodedBatch; batch: WindowBatch; row: number; position: number; length: number }): void {
    const rows = this.#rows;
    rows.features = token.encoded.features;
    rows.firstRow = token.row - token.position;
    rows.length = token.length;
    this.#examples!.add(active, this.#windows + Math.floor(token.row / token.batch.sequence), token.position, rows);
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

  /** The kept examples (none when examples are off) and the histograms, binned against the finished features' max. */
  pages(features: SaeStats['features']): FeaturePages {
    return { examples: this.#mergedExamples ?? this.#examples?.result(), histograms: this.#features.histograms(features.max) };
  }

  state(): SaeState {
    const state = { features: this.#features.state(), positions: this.#positions.state(), summary: this.#summary.state() };
    return this.#examples ? { ...state, examples: this.#examples.result() } : state;
  }

  /** Adds a shard's accumulators; shards go in window order so float64 sums keep the single run's shifts. */
  merge(state: SaeState): void {
    this.#features.merge(state.features);
    this.#positions.merge(state.positions);
    this.#summary.merge(state.summary);
    if (!state.examples) return;
    this.#mergedExamples = this.#mergedExamples ? mergeExamples(this.#mergedExamples, state.examples) : state.examples;
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
