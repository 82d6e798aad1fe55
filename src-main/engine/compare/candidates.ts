import type { Directions } from './directions.js';
import type { SparseProblem } from './sparse-assignment.js';
import type { Neighbours } from './types.js';

/**
 * The sparse graph the assignment is solved on, oriented so rows are the smaller SAE's features.
 * Each row keeps its few candidates in plain arrays: a row has tens of them, so a scan beats a map.
 */
export class CandidateGraph {
  readonly rows: number;
  readonly columns: number;
  /** True when rows are B's features (B is the smaller SAE). */
  readonly swapped: boolean;
  readonly #targets: number[][];
  readonly #benefit: number[][];
  #edges = 0;

  constructor(a: Directions, b: Directions) {
    this.swapped = b.count < a.count;
    this.rows = this.swapped ? b.count : a.count;
    this.columns = this.swapped ? a.count : b.count;
    this.#targets = Array.from({ length: this.rows }, () => []);
    this.#benefit = Array.from({ length: this.rows }, () => []);
  }

  get edgeCount(): number {
    return this.#edges;
  }

  /** Adds (or updates to the given cosine) the pair of A feature a and B feature b. */
  addPair(a: number, b: number, cosine: number): void {
    if (this.swapped) this.addEdge(b, a, cosine);
    else this.addEdge(a, b, cosine);
  }

  addEdge(row: number, column: number, benefit: number): void {
    const targets = this.#targets[row]!;
    const at = targets.indexOf(column);
    if (at >= 0) {
      this.#benefit[row]![at] = benefit;
      return;
    }
    targets.push(column);
    this.#benefit[row]!.push(benefit);
    this.#edges++;
  }

  addNeighbours(aToB: Neighbours, bToA: Neighbours): void {
    forEachNeighbour(aToB, (a, b, cosine) => this.addPair(a, b, cosine));
    forEachNeighbour(bToA, (b, a, cosine) => this.addPair(a, b, cosine));
  }

  toProblem(): SparseProblem {
    const offsets = new Int32Array(this.rows + 1);
    const targets = new Int32Array(this.#edges);
    const benefit = new Float64Array(this.#edges);
    for (let row = 0; row < this.rows; row++) {
      const start = offsets[row]!;
      targets.set(this.#targets[row]!, start);
      benefit.set(this.#benefit[row]!, start);
      offsets[row + 1] = start + this.#targets[row]!.length;
    }
    return { rows: this.rows, columns: this.columns, offsets, targets, benefit };
  }
}

export function forEachNeighbour(neighbours: Neighbours, visit: (from: number, to: number, cosine: number) => void): void {
  const { k, index, cosine } = neighbours;
  for (let slot = 0; slot < index.length; slot++) {
    if (index[slot]! >= 0) visit(Math.floor(slot / k), index[slot]!, cosine[slot]!);
  }
}
