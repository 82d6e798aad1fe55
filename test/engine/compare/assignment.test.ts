import { describe, expect, it } from 'vitest';
import { openCosineSessions } from '../../../src-main/engine/compare/cosine-pass.js';
import { unitDirections } from '../../../src-main/engine/compare/directions.js';
import { exactAssignment } from '../../../src-main/engine/compare/exact-assignment.js';
import { solveSparseAssignment, type SparseProblem } from '../../../src-main/engine/compare/sparse-assignment.js';
import { bruteCosines, exhaustiveBest, gaussianRows, hungarianBest, saeWithDecoder } from './reference.js';

/** A CSR problem from explicit edges, written by hand. */
function problemOf(rows: number, columns: number, edges: [number, number, number][]): SparseProblem {
  const sorted = [...edges].sort((x, y) => x[0] - y[0]);
  const offsets = new Int32Array(rows + 1);
  for (const [row] of sorted) offsets[row + 1]!++;
  for (let row = 0; row < rows; row++) offsets[row + 1]! += offsets[row]!;
  return { rows, columns, offsets, targets: Int32Array.from(sorted, (edge) => edge[1]), benefit: Float64Array.from(sorted, (edge) => edge[2]) };
}

describe('sparse assignment', () => {
  it('widens a row whose candidates are all taken and stays optimal on the widened graph', () => {
    const dense = [
      [0.9, 0.1, 0.2, 0.3],
      [0.8, 0.2, 0.1, 0.0],
      [0.7, 0.3, 0.6, 0.1],
    ];
    const asked: number[] = [];
    const solution = solveSparseAssignment(problemOf(3, 4, [[0, 0, 0.9], [1, 0, 0.8], [2, 0, 0.7]]), (row, columns) => {
      asked.push(row);
      return Float64Array.from(columns, (column) => dense[row]![column]!);
    });
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(solution.columnOf).size).toBe(3);
    const usable = new Set(solution.added.map(([row, column]) => `${row},${column}`));
    [[0, 0], [1, 0], [2, 0]].forEach(([row, column]) => usable.add(`${row},${column}`));
    Array.from(solution.columnOf).forEach((column, row) => expect(usable.has(`${row},${column}`)).toBe(true));
  });

  it('returns duals that bound every candidate and are tight on the matching', () => {
    const cosines = bruteCosines(gaussianRows(30, 6, 1), gaussianRows(45, 6, 2));
    const edges = cosines.flatMap((row, i) => row.map((cosine, j): [number, number, number] => [i, j, cosine]));
    const solution = solveSparseAssignment(problemOf(30, 45, edges), () => new Float64Array());
    const total = Array.from(solution.columnOf).reduce((sum, column, row) => sum + cosines[row]![column]!, 0);
    expect(total).toBeCloseTo(hungarianBest(cosines).total, 9);
    const matched = new Set(solution.columnOf);
    cosines.forEach((row, i) => row.forEach((cosine, j) => expect(cosine).toBeLessThanOrEqual(solution.rowDual[i]! + solution.columnDual[j]! + 1e-12)));
    solution.columnDual.forEach((dual, j) => (matched.has(j) ? expect(dual).toBeGreaterThanOrEqual(0) : expect(dual).toBe(0)));
  });
});

describe('certified assignment', () => {
  it.each([[7, 7], [6, 8], [8, 6], [150, 170], [160, 160]])('grows one-neighbour candidates until it proves the optimum at %i × %i', async (na, nb) => {
    const aRows = gaussianRows(na, 3, na);
    const bRows = gaussianRows(nb, 3, nb + 1);
    const a = unitDirections(saeWithDecoder(aRows, 'a'), 'decoder');
    const b = unitDirections(saeWithDecoder(bRows, 'b'), 'decoder');
    const sessions = await openCosineSessions(b, 'cpu', 0.7);
    try {
      const pass = await sessions.neighbours(a, 1);
      const assignment = await exactAssignment({ a, sessions, aToB: pass.aToB, bToA: pass.bToA });
      const cosines = bruteCosines(aRows, bRows);
      const best = na <= 8 ? exhaustiveBest(cosines) : hungarianBest(cosines).total;
      expect(assignment.rounds).toBeGreaterThan(1);
      expect(assignment.optimal).toBe(true);
      expect(Math.abs(assignment.total - best) / best).toBeLessThan(1e-5);
    } finally {
      await sessions.release();
    }
  });
});
