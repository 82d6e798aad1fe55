import type { LensResult } from '../model/types.js';
import { Moments } from '../stats/moments.js';
import type { WindowBatch } from '../stats/windows.js';
import type { ResidualStats } from '../../shared/residual.js';
import { massiveDims } from './massive.js';

export interface ResidualShape {
  pointCount: number;
  context: number;
  modelWidth: number;
}

export type ResidualSummaries = Omit<ResidualStats, 'run' | 'layers'>;

/** Float64 sums of every residual statistic, one slot per point and position or dim: memory does not grow with the windows. */
export class ResidualAccumulator {
  readonly shape: ResidualShape;
  #norms: Moments[];
  #cosNext: Float64Array[];
  #cosPrevious: Float64Array[];
  #dimAbs: Float64Array[];
  #dimAbsBos: Float64Array[];
  #windows: Float64Array;
  #tokens = 0;
  #lensKl: Float64Array;
  #lensAgreements: Float64Array;
  #lensRows = 0;

  constructor(shape: ResidualShape) {
    const { pointCount, context, modelWidth } = shape;
    this.shape = shape;
    const slots = (count: number, length: number) => Array.from({ length: count }, () => new Float64Array(length));
    this.#norms = Array.from({ length: pointCount }, () => new Moments(context));
    this.#cosNext = slots(pointCount - 1, context);
    this.#cosPrevious = slots(pointCount, context);
    this.#dimAbs = slots(pointCount, modelWidth);
    this.#dimAbsBos = slots(pointCount, modelWidth);
    this.#windows = new Float64Array(context);
    this.#lensKl = new Float64Array(pointCount);
    this.#lensAgreements = new Float64Array(pointCount);
  }

  /** Folds one batch's points, each [batch·sequence·width]; padding past a window's length is never read. */
  addBatch(points: readonly Float32Array[], batch: WindowBatch): void {
    const norms = points.map((point, index) => this.#addPoint(index, point, batch));
    for (let index = 0; index + 1 < points.length; index++) {
      this.#addTurn(index, { from: points[index]!, to: points[index + 1]!, fromNorms: norms[index]!, toNorms: norms[index + 1]! }, batch);
    }
    forEachRow(batch, (_, position) => {
      this.#windows[position]++;
      if (position > 0) this.#tokens++;
    });
  }

  /** Folds the logit lens of rows at t ≥ 1: [point][row] KL and argmax, the last point being the model's own output. */
  addLens(lens: Pick<LensResult, 'kl' | 'argmax'>, rowCount: number): void {
    const final = lens.argmax.subarray(lens.argmax.length - rowCount);
    for (let point = 0; point < this.shape.pointCount; point++) {
      for (let row = 0; row < rowCount; row++) {
        this.#lensKl[point] += lens.kl[point * rowCount + row]!;
        if (lens.argmax[point * rowCount + row] === final[row]) this.#lensAgreements[point]++;
      }
    }
    this.#lensRows += rowCount;
  }

  /** Each row's norm, after folding it into the norm moments, |x| per dim and the cosine with the previous position. */
  #addPoint(index: number, point: Float32Array, batch: WindowBatch): Float64Array {
    const width = this.shape.modelWidth;
    const norms = new Float64Array(batch.batch * batch.sequence);
    forEachRow(batch, (row, position) => {
      const x = point.subarray(row * width, (row + 1) * width);
      norms[row] = Math.sqrt(dot(x, x));
      this.#norms[index]!.add(position, norms[row]!);
      addAbsolute(position === 0 ? this.#dimAbsBos[index]! : this.#dimAbs[index]!, x);
      if (position === 0) return;
      const previous = point.subarray((row - 1) * width, row * width);
      this.#cosPrevious[index]![position] += cosine(dot(x, previous), norms[row]!, norms[row - 1]!);
    });
    return norms;
  }

  #addTurn(index: number, pair: { from: Float32Array; to: Float32Array; fromNorms: Float64Array; toNorms: Float64Array }, batch: WindowBatch): void {
    const width = this.shape.modelWidth;
    forEachRow(batch, (row, position) => {
      const product = dot(pair.from.subarray(row * width, (row + 1) * width), pair.to.subarray(row * width, (row + 1) * width));
      this.#cosNext[index]![position] += cosine(product, pair.fromNorms[row]!, pair.toNorms[row]!);
    });
  }

  result(): ResidualSummaries {
    const perWindow = (sums: Float64Array) => sums.map((sum, position) => (this.#windows[position] === 0 ? 0 : sum / this.#windows[position]!));
    const windows = this.#windows[0]!;
    const dimAbs = this.#dimAbs.map((sums) => sums.map((sum) => (this.#tokens === 0 ? 0 : sum / this.#tokens)));
    const dimAbsBos = this.#dimAbsBos.map((sums) => sums.map((sum) => (windows === 0 ? 0 : sum / windows)));
    // No lens rows means the lens was skipped: empty arrays say so, where zeros would read as perfect agreement.
    const perLensRow = (sums: Float64Array) => (this.#lensRows === 0 ? new Float64Array(0) : sums.map((sum) => sum / this.#lensRows));
    return {
      norm_mean: this.#norms.map((moments) => this.#windows.map((_, position) => moments.mean(position))),
      norm_std: this.#norms.map((moments) => this.#windows.map((_, position) => moments.std(position))),
      cos_next: this.#cosNext.map(perWindow),
      cos_prev_position: this.#cosPrevious.map(perWindow),
      dim_mean_abs: dimAbs,
      dim_mean_abs_bos: dimAbsBos,
      massive: dimAbs.map((values, index) => massiveDims(values, dimAbsBos[index]!)),
      logit_lens_kl: perLensRow(this.#lensKl),
      logit_lens_top1: perLensRow(this.#lensAgreements),
    };
  }
}

/** Calls `visit(row, position)` for every real token of the batch, window by window. */
export function forEachRow(batch: WindowBatch, visit: (row: number, position: number) => void): void {
  for (let window = 0; window < batch.batch; window++) {
    for (let position = 0; position < batch.lengths[window]!; position++) visit(window * batch.sequence + position, position);
  }
}

/** The rows the logit lens reads: every real token but BOS. */
export function lensRows(batch: WindowBatch): Int32Array {
  const rows: number[] = [];
  forEachRow(batch, (row, position) => {
    if (position > 0) rows.push(row);
  });
  return Int32Array.from(rows);
}

function dot(left: Float32Array, right: Float32Array): number {
  let total = 0;
  for (let i = 0; i < left.length; i++) total += left[i]! * right[i]!;
  return total;
}

function addAbsolute(sums: Float64Array, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) sums[i] += Math.abs(x[i]!);
}

/** A zero vector has no direction: its cosine with anything counts as 0. */
function cosine(product: number, leftNorm: number, rightNorm: number): number {
  return leftNorm === 0 || rightNorm === 0 ? 0 : product / (leftNorm * rightNorm);
}
