import { largestIndices } from './ranking.js';

import type { Neighbours } from '../../shared/features.js';

export const NEIGHBOUR_COUNT = 10;

/** [rows × width] row-major: an SAE's decoder, one row per feature. */
export interface DecoderRows {
  weights: Float32Array;
  rows: number;
  width: number;
}

/**
 * Nearest features of one SAE by decoder cosine (matching.md with A = B, the feature itself left out), one feature
 * at a time: a page needs one row of the d_sae × d_sae matrix, so this stays a matrix-vector product. Norms are
 * computed once per SAE. A zero row has cosine 0 with everything.
 */
export class DecoderCosines {
  readonly decoder: DecoderRows;
  #norms: Float64Array;

  constructor(decoder: DecoderRows) {
    this.decoder = decoder;
    this.#norms = Float64Array.from({ length: decoder.rows }, (_, row) => Math.sqrt(this.#dot(row, row)));
  }

  nearest(feature: number, count = NEIGHBOUR_COUNT): Neighbours {
    const cosines = new Float64Array(this.decoder.rows);
    for (let row = 0; row < cosines.length; row++) {
      const norms = this.#norms[row] * this.#norms[feature];
      cosines[row] = norms === 0 ? 0 : this.#dot(row, feature) / norms;
    }
    return largestIndices(cosines, count, feature).map((row) => [row, cosines[row]]);
  }

  #dot(a: number, b: number): number {
    const { weights, width } = this.decoder;
    let sum = 0;
    for (let d = 0; d < width; d++) sum += weights[a * width + d] * weights[b * width + d];
    return sum;
  }
}
