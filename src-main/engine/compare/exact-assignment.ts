import { CandidateGraph } from './candidates.js';
import type { CosineSessions, PassOptions, ShiftedNearest } from './cosine-pass.js';
import type { Directions } from './directions.js';
import { solveSparseAssignment, type SparseSolution } from './sparse-assignment.js';
import type { Assignment, Neighbours } from './types.js';

/** A pair whose reduced cost is below −TOLERANCE violates the certificate and joins the candidates. */
const TOLERANCE = 1e-6;
/** Relative gap the certificate must prove for `optimal`. */
const RELATIVE_GAP = 1e-5;
/** Pairs gathered per feature and pass. */
const VIOLATORS_PER_ROW = 32;
/** Pairs this close to violating join too: the next solve's duals move, and they would violate then. */
const NEAR_VIOLATION = 0.05;
const MAX_ROUNDS = 20;

export interface AssignmentInputs {
  a: Directions;
  sessions: CosineSessions;
  aToB: Neighbours;
  bToA: Neighbours;
}

export interface AssignmentOptions extends PassOptions {
  onRound?: (line: string) => void;
}

/** Solves on the candidate graph, then certifies over all pairs, growing the candidates until certified. */
export async function exactAssignment(inputs: AssignmentInputs, options: AssignmentOptions = {}): Promise<Assignment> {
  const { a, sessions } = inputs;
  const b = sessions.b;
  const graph = new CandidateGraph(a, b);
  graph.addNeighbours(inputs.aToB, inputs.bToA);
  const widen = (row: number, columns: Int32Array) => dots(graph.swapped ? [b, a] : [a, b], row, columns);
  const bounds = new RowBounds(a.count);
  let previous: SparseSolution | undefined;
  let result: Assignment | undefined;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    // A square problem resumes from the last solution, so only the rows whose duals fell need another look.
    const solution = solveSparseAssignment(graph.toProblem(), widen, graph.rows === graph.columns ? previous : undefined);
    for (const [row, column, benefit] of solution.added) graph.addEdge(row, column, benefit);
    const duals = sideDuals(graph, solution);
    const rows = bounds.rowsToCheck(duals);
    const shifted = await sessions.shiftedNearest(rows.length === a.count ? a : subset(a, rows), negated(duals.b), VIOLATORS_PER_ROW, options);
    const check = certificate(shifted, { rows, duals, bounds });
    result = assignmentOf(graph, solution, { ...check, rounds: round });
    options.onRound?.(`Assignment round ${round}: ${graph.edgeCount} candidates, ${rows.length} features checked, ${check.violators.length} violating pairs.`);
    if (check.violators.length === 0) return result;
    for (const [i, j, cosine] of check.near) graph.addPair(i, j, cosine);
    previous = solution;
  }
  return result!;
}

/**
 * For each A feature, an upper bound on max over B of C[i, j] − dualB[j] from its last check. It stays valid while
 * no dual of B falls, so a feature needs checking again only when its own dual fell below that bound.
 */
class RowBounds {
  readonly bound: Float64Array;
  #dualB: Float64Array | undefined;

  constructor(count: number) {
    this.bound = new Float64Array(count).fill(Infinity);
  }

  /** Every feature on the first pass or when a dual of B fell; else those whose bound no longer proves feasibility. */
  rowsToCheck(duals: SideDuals): Int32Array {
    const fell = !this.#dualB || duals.b.some((dual, j) => dual < this.#dualB![j]!);
    this.#dualB = duals.b;
    if (fell) this.bound.fill(Infinity);
    const rows: number[] = [];
    for (let i = 0; i < this.bound.length; i++) if (this.bound[i]! - duals.a[i]! > TOLERANCE) rows.push(i);
    return Int32Array.from(rows);
  }
}

/** The given rows of A as their own directions, for a pass over a few features. */
function subset(a: Directions, rows: Int32Array): Directions {
  const unit = new Float32Array(rows.length * a.inputSize);
  rows.forEach((row, index) => unit.set(a.unit.subarray(row * a.inputSize, (row + 1) * a.inputSize), index * a.inputSize));
  return { ...a, count: rows.length, unit, zeroNorm: new Uint8Array(rows.length), zeroCount: 0 };
}

interface SideDuals {
  a: Float64Array;
  b: Float64Array;
  /** Sum of both sides' duals: the dual objective. */
  total: number;
  /** True when the larger side's duals are non-negative and zero on its unmatched features. */
  signsHold: boolean;
}

function sideDuals(graph: CandidateGraph, solution: SparseSolution): SideDuals {
  const matched = new Uint8Array(graph.columns);
  for (const column of solution.columnOf) matched[column] = 1;
  const signsHold = solution.columnDual.every((dual, column) => dual >= 0 && (matched[column] === 1 || dual === 0));
  const total = sum(solution.rowDual) + sum(solution.columnDual);
  return graph.swapped
    ? { a: solution.columnDual, b: solution.rowDual, total, signsHold }
    : { a: solution.rowDual, b: solution.columnDual, total, signsHold };
}

interface Certificate {
  violators: [number, number, number][];
  /** Pairs within NEAR_VIOLATION of violating, violators included. */
  near: [number, number, number][];
  /** Sum over A of each feature's largest violation bound (the amount its dual must rise to be feasible). */
  slack: number;
  dualTotal: number;
  signsHold: boolean;
}

interface CheckInputs {
  /** The A features the pass covered, in its order. */
  rows: Int32Array;
  duals: SideDuals;
  bounds: RowBounds;
}

/** Every pair's C[i, j] − dualA[i] − dualB[j]: from the pass for the rows it covered, exact in float64; from the bounds for the rest. */
function certificate(shifted: ShiftedNearest, inputs: CheckInputs): Certificate {
  const { rows, duals, bounds } = inputs;
  const violators: [number, number, number][] = [];
  const near: [number, number, number][] = [];
  const rounding = 2 ** -22 * (1 + maxAbs(duals.b));
  rows.forEach((i, checked) => {
    bounds.bound[i] = shifted.value[checked * shifted.k]! + rounding;
    for (let slot = checked * shifted.k; slot < (checked + 1) * shifted.k; slot++) {
      const j = shifted.index[slot]!;
      const violation = shifted.cosine[slot]! - duals.a[i]! - duals.b[j]!;
      bounds.bound[i] = Math.max(bounds.bound[i]!, violation + duals.a[i]!);
      if (violation > TOLERANCE) violators.push([i, j, shifted.cosine[slot]!]);
      if (violation > -NEAR_VIOLATION) near.push([i, j, shifted.cosine[slot]!]);
    }
  });
  let slack = 0;
  bounds.bound.forEach((bound, i) => (slack += Math.max(0, bound - duals.a[i]!)));
  return { violators, near, slack, dualTotal: duals.total, signsHold: duals.signsHold };
}

function assignmentOf(graph: CandidateGraph, solution: SparseSolution, check: Certificate & { rounds: number }): Assignment {
  const problem = graph.toProblem();
  const pairs = Array.from(solution.columnOf, (column, row) => {
    const edge = findEdge(problem.targets, problem.offsets[row]!, problem.offsets[row + 1]!, column);
    const benefit = problem.benefit[edge]!;
    return graph.swapped ? { a: column, b: row, benefit } : { a: row, b: column, benefit };
  }).sort((first, second) => first.a - second.a);
  const total = pairs.reduce((accumulated, pair) => accumulated + pair.benefit, 0);
  const gapBound = Math.max(0, check.dualTotal + check.slack - total);
  const optimal = check.violators.length === 0 && check.signsHold && gapBound <= RELATIVE_GAP * Math.max(1, Math.abs(total));
  return {
    aIndex: Int32Array.from(pairs, (pair) => pair.a),
    bIndex: Int32Array.from(pairs, (pair) => pair.b),
    cosine: Float32Array.from(pairs, (pair) => pair.benefit),
    total,
    optimal,
    gapBound,
    rounds: check.rounds,
  };
}

function findEdge(targets: Int32Array, start: number, end: number, column: number): number {
  for (let edge = start; edge < end; edge++) if (targets[edge] === column) return edge;
  throw new Error(`The assignment uses column ${column}, which is not a candidate of its row.`);
}

/** Cosines of one feature of `rows` with some features of `columns`, from the unit directions. */
function dots([rows, columns]: [Directions, Directions], row: number, targets: Int32Array): Float64Array {
  const width = rows.inputSize;
  const offset = row * width;
  return Float64Array.from(targets, (column) => {
    let total = 0;
    for (let d = 0; d < width; d++) total += rows.unit[offset + d]! * columns.unit[column * width + d]!;
    return total;
  });
}

function negated(values: Float64Array): Float32Array {
  return Float32Array.from(values, (value) => -value);
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function maxAbs(values: Float64Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}
