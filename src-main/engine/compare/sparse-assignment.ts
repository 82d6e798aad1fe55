import { MinHeap } from './min-heap.js';

/** A rectangular assignment on a sparse candidate graph: every row matched, rows ≤ columns. Maximises total benefit. */
export interface SparseProblem {
  rows: number;
  columns: number;
  /** CSR: row i's candidates are targets[offsets[i] .. offsets[i + 1]). */
  offsets: Int32Array;
  targets: Int32Array;
  benefit: Float64Array;
}

/** Benefits of the edges from `row` to each of `columns`, for a row whose candidates reach no free column. */
export type Widen = (row: number, columns: Int32Array) => Float64Array;

export interface SparseSolution {
  columnOf: Int32Array;
  /** Dual of the maximisation: benefit[i][j] ≤ rowDual[i] + columnDual[j] on every candidate, with equality when matched. */
  rowDual: Float64Array;
  /** Non-negative, zero on unmatched columns. */
  columnDual: Float64Array;
  /** Edges the solver had to add through widen, as [row, column, benefit]. */
  added: [number, number, number][];
}

/**
 * Successive shortest augmenting paths (Dijkstra on reduced costs, Jonker–Volgenant style) on cost = −benefit.
 * Column potentials start at 0 and only fall on columns already matched, so unmatched columns keep a zero dual.
 */
export function solveSparseAssignment(problem: SparseProblem, widen: Widen, warm?: SparseSolution): SparseSolution {
  if (problem.rows > problem.columns) throw new Error(`An assignment needs rows ≤ columns, got ${problem.rows} × ${problem.columns}.`);
  const solver = new AugmentingSolver(problem, widen);
  if (warm) solver.resume(warm);
  else solver.matchGreedily();
  for (let row = 0; row < problem.rows; row++) {
    if (solver.isFree(row)) solver.augment(row);
  }
  return solver.solution();
}

/** A reduced cost this small is an edge still tight after a float round trip. */
const TIGHT = 1e-9;

class AugmentingSolver {
  readonly #problem: SparseProblem;
  readonly #widen: Widen;
  /** Potentials of the minimisation: cost − rowPotential − columnPotential ≥ 0 on every edge. */
  readonly #rowPotential: Float64Array;
  readonly #columnPotential: Float64Array;
  readonly #columnOf: Int32Array;
  readonly #rowOf: Int32Array;
  readonly #matchedCost: Float64Array;
  readonly #distance: Float64Array;
  readonly #predecessor: Int32Array;
  readonly #predecessorCost: Float64Array;
  readonly #reached: Int32Array;
  readonly #settled: Int32Array;
  readonly #settledList: Int32Array;
  readonly #heap = new MinHeap();
  readonly #extra = new Map<number, { targets: Int32Array; cost: Float64Array }>();
  readonly #added: [number, number, number][] = [];
  #epoch = 0;
  #settledCount = 0;

  constructor(problem: SparseProblem, widen: Widen) {
    this.#problem = problem;
    this.#widen = widen;
    const { rows, columns } = problem;
    this.#rowPotential = new Float64Array(rows);
    this.#columnPotential = new Float64Array(columns);
    this.#columnOf = new Int32Array(rows).fill(-1);
    this.#rowOf = new Int32Array(columns).fill(-1);
    this.#matchedCost = new Float64Array(rows);
    this.#distance = new Float64Array(columns);
    this.#predecessor = new Int32Array(columns);
    this.#predecessorCost = new Float64Array(columns);
    this.#reached = new Int32Array(columns);
    this.#settled = new Int32Array(columns);
    this.#settledList = new Int32Array(columns);
  }

  isFree(row: number): boolean {
    return this.#columnOf[row]! < 0;
  }

  /** Each row's potential is its cheapest edge; a row whose cheapest column is still free takes it (a tight edge). */
  matchGreedily(): void {
    const { offsets, targets, benefit } = this.#problem;
    for (let row = 0; row < this.#problem.rows; row++) {
      let best = -1;
      let bestCost = Infinity;
      for (let edge = offsets[row]!; edge < offsets[row + 1]!; edge++) {
        const cost = -benefit[edge]!;
        if (cost < bestCost || (cost === bestCost && targets[edge]! < targets[best]!)) [best, bestCost] = [edge, cost];
      }
      this.#rowPotential[row] = best < 0 ? 0 : bestCost;
      if (best >= 0 && this.#rowOf[targets[best]!]! < 0) this.#match(row, targets[best]!, bestCost);
    }
  }

  /**
   * Starts from a solution on a subset of these edges (square problems: a freed column needs no zero dual). A row whose
   * new edges undercut its potential takes the lower one; its old edge, no longer tight, lets its column go.
   */
  resume(warm: SparseSolution): void {
    const { offsets, targets, benefit } = this.#problem;
    warm.columnDual.forEach((dual, column) => (this.#columnPotential[column] = 0 - dual));
    for (let row = 0; row < this.#problem.rows; row++) {
      let potential = 0 - warm.rowDual[row]!;
      let matchedCost = NaN;
      for (let edge = offsets[row]!; edge < offsets[row + 1]!; edge++) {
        const cost = -benefit[edge]!;
        potential = Math.min(potential, cost - this.#columnPotential[targets[edge]!]!);
        if (targets[edge] === warm.columnOf[row]) matchedCost = cost;
      }
      this.#rowPotential[row] = potential;
      const column = warm.columnOf[row]!;
      if (column >= 0 && matchedCost - potential - this.#columnPotential[column]! <= TIGHT) this.#match(row, column, matchedCost);
    }
  }

  augment(root: number): void {
    while (!this.#search(root)) this.#widenRow(root);
  }

  solution(): SparseSolution {
    return {
      columnOf: this.#columnOf,
      rowDual: this.#rowPotential.map((value) => 0 - value),
      columnDual: this.#columnPotential.map((value) => 0 - value),
      added: this.#added,
    };
  }

  /** Dijkstra from a free row until the nearest free column; false when none is reachable. */
  #search(root: number): boolean {
    this.#epoch++;
    this.#settledCount = 0;
    this.#heap.clear();
    this.#relax(root, 0);
    while (this.#heap.size > 0) {
      const distance = this.#heap.peekKey();
      const column = this.#heap.pop();
      if (this.#settled[column] === this.#epoch || distance > this.#distance[column]!) continue;
      this.#settled[column] = this.#epoch;
      this.#settledList[this.#settledCount++] = column;
      const row = this.#rowOf[column]!;
      if (row < 0) {
        this.#finish(root, column);
        return true;
      }
      this.#relax(row, distance);
    }
    return false;
  }

  #relax(row: number, base: number): void {
    const { offsets, targets, benefit } = this.#problem;
    for (let edge = offsets[row]!; edge < offsets[row + 1]!; edge++) this.#relaxEdge(row, targets[edge]!, -benefit[edge]!, base);
    const extra = this.#extra.get(row);
    if (extra) for (let edge = 0; edge < extra.targets.length; edge++) this.#relaxEdge(row, extra.targets[edge]!, extra.cost[edge]!, base);
  }

  #relaxEdge(row: number, column: number, cost: number, base: number): void {
    if (this.#settled[column] === this.#epoch) return;
    const distance = base + cost - this.#rowPotential[row]! - this.#columnPotential[column]!;
    if (this.#reached[column] === this.#epoch && distance >= this.#distance[column]!) return;
    this.#reached[column] = this.#epoch;
    this.#distance[column] = distance;
    this.#predecessor[column] = row;
    this.#predecessorCost[column] = cost;
    this.#heap.push(distance, column);
  }

  /** New potentials keep every reduced cost non-negative; then the path flips and its rows' edges are tight. */
  #finish(root: number, sink: number): void {
    const shortest = this.#distance[sink]!;
    const treeRows = [root];
    for (let index = 0; index < this.#settledCount; index++) {
      const column = this.#settledList[index]!;
      this.#columnPotential[column]! += this.#distance[column]! - shortest;
      if (this.#rowOf[column]! >= 0) treeRows.push(this.#rowOf[column]!);
    }
    let column = sink;
    for (;;) {
      const row = this.#predecessor[column]!;
      const previous = this.#columnOf[row]!;
      this.#match(row, column, this.#predecessorCost[column]!);
      if (row === root) break;
      column = previous;
    }
    for (const row of treeRows) this.#rowPotential[row] = this.#matchedCost[row]! - this.#columnPotential[this.#columnOf[row]!]!;
  }

  #match(row: number, column: number, cost: number): void {
    this.#columnOf[row] = column;
    this.#rowOf[column] = row;
    this.#matchedCost[row] = cost;
  }

  /** Edges from a stuck root to every free column; lowering a free row's potential keeps its reduced costs non-negative. */
  #widenRow(root: number): void {
    const free: number[] = [];
    for (let column = 0; column < this.#problem.columns; column++) if (this.#rowOf[column]! < 0) free.push(column);
    const targets = Int32Array.from(free);
    const cost = this.#widen(root, targets).map((value) => -value);
    const previous = this.#extra.get(root);
    this.#extra.set(root, previous ? { targets: concatInts(previous.targets, targets), cost: concatFloats(previous.cost, cost) } : { targets, cost });
    targets.forEach((column, index) => {
      this.#added.push([root, column, -cost[index]!]);
      this.#rowPotential[root] = Math.min(this.#rowPotential[root]!, cost[index]! - this.#columnPotential[column]!);
    });
  }
}

function concatInts(first: Int32Array, second: Int32Array): Int32Array {
  const joined = new Int32Array(first.length + second.length);
  joined.set(first);
  joined.set(second, first.length);
  return joined;
}

function concatFloats(first: Float64Array, second: Float64Array): Float64Array {
  const joined = new Float64Array(first.length + second.length);
  joined.set(first);
  joined.set(second, first.length);
  return joined;
}
