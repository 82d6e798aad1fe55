import * as ort from 'onnxruntime-node';
import { PIECE_TENSORS } from './families/index.js';
import type { KeyValueCache, ModelConfig } from './types.js';

/** One attention layer's keys and values, [batch, key-value heads, positions, head width] each. */
export interface LayerCache {
  key: ort.Tensor;
  value: ort.Tensor;
}

/** The keys and values of every attention layer over the positions run so far, kept as onnxruntime returned them. */
export class OnnxKeyValueCache implements KeyValueCache {
  readonly batch: number;
  #length = 0;
  #layers = new Map<number, LayerCache>();
  #empty: LayerCache;

  constructor(batch: number, config: ModelConfig) {
    this.batch = batch;
    const dims = [batch, config.keyValueHeadCount ?? config.headCount, 0, config.headSize ?? config.modelWidth / config.headCount];
    const empty = () => new ort.Tensor('float32', new Float32Array(0), dims);
    this.#empty = { key: empty(), value: empty() };
  }

  get length(): number {
    return this.#length;
  }

  pastFeeds(layer: number): Record<string, ort.Tensor> {
    const past = this.#layers.get(layer) ?? this.#empty;
    return { [PIECE_TENSORS.pastKey]: past.key, [PIECE_TENSORS.pastValue]: past.value };
  }

  /** Takes a whole forward's keys and values at once, so a forward that fails part-way leaves the cache as it was. */
  append(presents: Map<number, LayerCache>, positions: number): void {
    for (const [layer, present] of presents) this.#layers.set(layer, present);
    this.#length += positions;
  }
}
