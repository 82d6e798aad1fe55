import { normalSampler } from '../../../src-main/engine/demo/random.js';
import type { SaeParams } from '../../../src-main/engine/sae/types.js';
import { sampleSaeParams } from '../../helpers/sae-files.js';

/** An SAE whose decoder rows are the given directions (unnormalised), with a seeded encoder. */
export function saeWithDecoder(rows: number[][], source: string, seed = 1): SaeParams {
  const params = sampleSaeParams({ inputSize: rows[0]!.length, featureCount: rows.length, seed });
  params.decoderWeights = Float32Array.from(rows.flat());
  params.source = source;
  return params;
}

export function gaussianRows(count: number, width: number, seed: number): number[][] {
  const random = normalSampler(seed);
  return Array.from({ length: count }, () => Array.from({ length: width }, () => random()));
}

/** Dense cosines in float64, written out plainly: zero rows give 0. */
export function bruteCosines(a: number[][], b: number[][]): number[][] {
  const unit = (row: number[]) => {
    const norm = Math.hypot(...row);
    return norm < 1e-8 ? row.map(() => 0) : row.map((value) => value / norm);
  };
  const ua = a.map(unit);
  const ub = b.map(unit);
  return ua.map((x) => ub.map((y) => x.reduce((total, value, d) => total + value * y[d]!, 0)));
}

export function transposeRows(matrix: number[][]): number[][] {
  return matrix[0]!.map((_, column) => matrix.map((row) => row[column]!));
}

/** Best total over every injective map from the smaller side, by trying all of them. */
export function exhaustiveBest(cosines: number[][]): number {
  const rows = cosines.length <= cosines[0]!.length ? cosines : transposeRows(cosines);
  const used = new Array<boolean>(rows[0]!.length).fill(false);
  const visit = (row: number): number => {
    if (row === rows.length) return 0;
    let best = -Infinity;
    for (let column = 0; column < used.length; column++) {
      if (used[column]) continue;
      used[column] = true;
      best = Math.max(best, rows[row]![column]! + visit(row + 1));
      used[column] = false;
    }
    return best;
  };
  return visit(0);
}

/** The textbook O(n²m) Hungarian method with potentials (rows ≤ columns), maximising; a second, dense solver. */
export function hungarianBest(cosines: number[][]): { total: number; columnOf: number[] } {
  const rows = cosines.length <= cosines[0]!.length ? cosines : transposeRows(cosines);
  const n = rows.length;
  const m = rows[0]!.length;
  const cost = (i: number, j: number) => -rows[i - 1]![j - 1]!;
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(m + 1).fill(0);
  const p = new Array<number>(m + 1).fill(0);
  const way = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(m + 1).fill(Infinity);
    const used = new Array<boolean>(m + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const current = cost(i0, j) - u[i0]! - v[j]!;
        if (current < minv[j]!) [minv[j], way[j]] = [current, j0];
        if (minv[j]! < delta) [delta, j1] = [minv[j]!, j];
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0);
  }
  const columnOf = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) columnOf[p[j]! - 1] = j - 1;
  return { total: columnOf.reduce((total, column, row) => total + rows[row]![column]!, 0), columnOf };
}
