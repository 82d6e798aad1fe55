import type { ActiveValues } from './active-values.js';
import { fromHalf, toHalf } from './half-float.js';

/** Tokens shown each side of an example, and whose activations are kept with it. */
export const EXAMPLE_SPAN = 8;

/** Activations at positions p − span … p + span around an example, as stored; 0 outside the window. */
export const CONTEXT_WIDTH = 2 * EXAMPLE_SPAN + 1;

/** The encoded window an example comes from, so its neighbours' activations can be copied when it is kept. */
export interface WindowRows {
  features: Float32Array;
  featureCount: number;
  /** Row of the window's position 0 in `features`. */
  firstRow: number;
  length: number;
}

/** One kept example: where (window in run order, position ≥ 1) and how strongly the feature fired. */
export interface Example {
  window: number;
  position: number;
  value: number;
}

/** A kept example with the feature's activations at positions p − span … p + span (0 outside the window). */
export interface ContextExample extends Example {
  context: number[];
}

/** Every feature's kept examples, best first; `offsets[i]..offsets[i + 1]` index feature i's slice. */
export interface FeatureExamples {
  perFeature: number;
  offsets: Int32Array;
  windows: Int32Array;
  positions: Int32Array;
  values: Float32Array;
  /** CONTEXT_WIDTH activations per example (float16 bits): the feature at positions p − span … p + span. */
  contexts: Uint16Array;
}

/**
 * The `perFeature` largest active values of every feature, exact, in d_sae × perFeature slots.
 * Each feature's slots form a min-heap whose root is its worst example: smallest value, and among equal values the
 * latest (window, position). Values arrive in (window, position) order, so a newcomer equal to the root loses the tie
 * and the root value is a strict threshold that turns most values away with one comparison.
 */
export class TopExamples {
  readonly featureCount: number;
  readonly perFeature: number;
  #sizes: Int32Array;
  #thresholds: Float32Array;
  #values: Float32Array;
  #windows: Int32Array;
  #positions: Int32Array;
  /** Per heap entry, the slot its context lives in: contexts stay put while the heap moves entries. */
  #slots: Int32Array;
  #contexts: Uint16Array;

  constructor(featureCount: number, perFeature: number) {
    this.featureCount = featureCount;
    this.perFeature = perFeature;
    const slots = featureCount * perFeature;
    this.#sizes = new Int32Array(featureCount);
    this.#thresholds = new Float32Array(featureCount);
    this.#values = new Float32Array(slots);
    this.#windows = new Int32Array(slots);
    this.#positions = new Int32Array(slots);
    this.#slots = new Int32Array(slots);
    this.#contexts = new Uint16Array(slots * CONTEXT_WIDTH);
  }

  /** Offers one token's active values; `window` and `position` must not decrease from call to call. */
  add(active: ActiveValues, window: number, position: number, rows: WindowRows): void {
    const { indices, values, size } = active;
    const thresholds = this.#thresholds;
    for (let k = 0; k < size; k++) {
      if (values[k] > thresholds[indices[k]]) this.#offer(indices[k], values[k], window, position, rows);
    }
  }

  /** A filling heap only appends and is heapified once full; a full one replaces its root, the worst example. */
  #offer(feature: number, value: number, window: number, position: number, rows: WindowRows): void {
    const base = feature * this.perFeature;
    const size = this.#sizes[feature];
    const entry = size < this.perFeature ? base + size : base;
    if (size < this.perFeature) this.#slots[entry] = entry;
    this.#values[entry] = value;
    this.#windows[entry] = window;
    this.#positions[entry] = position;
    this.#copyContext(entry, feature, position, rows);
    if (size === this.perFeature) this.#siftDown(base, 0, size);
    else if (size + 1 === this.perFeature) this.#heapify(base);
    else {
      this.#sizes[feature] = size + 1;
      return;
    }
    this.#sizes[feature] = this.perFeature;
    this.#thresholds[feature] = this.#values[base];
  }

  #heapify(base: number): void {
    for (let index = (this.perFeature >> 1) - 1; index >= 0; index--) this.#siftDown(base, index, this.perFeature);
  }

  /** Copies the feature's activations around the example from its encoded window into the entry's context slot. */
  #copyContext(entry: number, feature: number, center: number, rows: WindowRows): void {
    const { features, featureCount, firstRow, length } = rows;
    const target = this.#slots[entry] * CONTEXT_WIDTH;
    for (let offset = 0; offset < CONTEXT_WIDTH; offset++) {
      const position = center - EXAMPLE_SPAN + offset;
      const inside = position >= 0 && position < length;
      this.#contexts[target + offset] = inside ? toHalf(features[(firstRow + position) * featureCount + feature]) : 0;
    }
  }

  /** True when slot a is a worse example than slot b. */
  #worse(a: number, b: number): boolean {
    const values = this.#values;
    if (values[a] !== values[b]) return values[a] < values[b];
    if (this.#windows[a] !== this.#windows[b]) return this.#windows[a] > this.#windows[b];
    return this.#positions[a] > this.#positions[b];
  }

  #siftDown(base: number, start: number, size: number): void {
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && this.#worse(base + right, base + left) ? right : left;
      if (!this.#worse(base + child, base + index)) return;
      this.#swap(base + child, base + index);
      index = child;
    }
  }

  #swap(a: number, b: number): void {
    const value = this.#values[a];
    this.#values[a] = this.#values[b];
    this.#values[b] = value;
    const window = this.#windows[a];
    this.#windows[a] = this.#windows[b];
    this.#windows[b] = window;
    const position = this.#positions[a];
    this.#positions[a] = this.#positions[b];
    this.#positions[b] = position;
    const slot = this.#slots[a];
    this.#slots[a] = this.#slots[b];
    this.#slots[b] = slot;
  }

  /** The kept examples of every feature, best first, packed without the empty slots. */
  result(): FeatureExamples {
    const offsets = new Int32Array(this.featureCount + 1);
    for (let feature = 0; feature < this.featureCount; feature++) offsets[feature + 1] = offsets[feature] + this.#sizes[feature];
    const total = offsets[this.featureCount];
    const packed = {
      windows: new Int32Array(total),
      positions: new Int32Array(total),
      values: new Float32Array(total),
      contexts: new Uint16Array(total * CONTEXT_WIDTH),
    };
    for (let feature = 0; feature < this.featureCount; feature++) {
      this.#sorted(feature).forEach((entry, rank) => {
        const target = offsets[feature] + rank;
        packed.windows[target] = this.#windows[entry];
        packed.positions[target] = this.#positions[entry];
        packed.values[target] = this.#values[entry];
        const context = this.#slots[entry] * CONTEXT_WIDTH;
        packed.contexts.set(this.#contexts.subarray(context, context + CONTEXT_WIDTH), target * CONTEXT_WIDTH);
      });
    }
    return { perFeature: this.perFeature, offsets, ...packed };
  }

  #sorted(feature: number): number[] {
    const base = feature * this.perFeature;
    const slots = Array.from({ length: this.#sizes[feature] }, (_, index) => base + index);
    return slots.sort((a, b) => (this.#worse(a, b) ? 1 : this.#worse(b, a) ? -1 : 0));
  }
}

/** The activations around the k-th packed example, positions p − span … p + span (0 outside its window). */
export function contextOf(examples: FeatureExamples, k: number): number[] {
  return Array.from(examples.contexts.subarray(k * CONTEXT_WIDTH, (k + 1) * CONTEXT_WIDTH), fromHalf);
}

/** Feature i's examples as objects, best first. */
export function examplesOf(examples: FeatureExamples, feature: number): Example[] {
  const result: Example[] = [];
  for (let k = examples.offsets[feature]; k < examples.offsets[feature + 1]; k++) {
    result.push({ window: examples.windows[k], position: examples.positions[k], value: examples.values[k] });
  }
  return result;
}

/** The windows some example points at, ascending, each once. */
export function referencedWindows(examples: FeatureExamples): number[] {
  return [...new Set(examples.windows)].sort((a, b) => a - b);
}
