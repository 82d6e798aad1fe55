import * as ort from 'onnxruntime-node';
import type { ExecutionProvider } from '../onnx/devices.js';
import { createSession, floatTensor } from '../onnx/session.js';
import { throwIfCancelled, type CancelSignal } from '../progress.js';
import { neighbourGraph, TENSORS, violationGraph } from './cosine-graphs.js';
import type { Directions } from './directions.js';
import type { Neighbours } from './types.js';

/** About 32 MB of cosines per block, whatever B's size: never n_a × n_b at once. */
const BLOCK_CELLS = 2 ** 23;

export interface NeighbourPass {
  aToB: Neighbours;
  bToA: Neighbours;
  /** Per A feature, the number of B features above the split threshold, and the same per B feature. */
  childrenOfA: Int32Array;
  childrenOfB: Int32Array;
}

/** The k largest C[i, j] + shift[j] per A row, with the cosines they came from. */
export interface ShiftedNearest {
  k: number;
  value: Float32Array;
  index: Int32Array;
  cosine: Float32Array;
}

export interface PassOptions {
  onBlock?: (done: number, total: number) => void;
  signal?: CancelSignal;
}

/** B's directions held once by onnxruntime; A's rows stream through in blocks. */
export interface CosineSessions {
  readonly b: Directions;
  neighbours(a: Directions, k: number, options?: PassOptions): Promise<NeighbourPass>;
  shiftedNearest(a: Directions, shift: Float32Array, k: number, options?: PassOptions): Promise<ShiftedNearest>;
  release(): Promise<void>;
}

export async function openCosineSessions(b: Directions, provider: ExecutionProvider, splitThreshold: number): Promise<CosineSessions> {
  const neighbourSession = await createSession(neighbourGraph(b, splitThreshold).toBytes(), provider);
  const violationSession = await createSession(violationGraph(b).toBytes(), provider);
  return {
    b,
    neighbours: (a, k, options = {}) => neighbourPass(neighbourSession, { a, b, k }, options),
    shiftedNearest: (a, shift, k, options = {}) => shiftedPass(violationSession, { a, b, k }, shift, options),
    release: async () => {
      await neighbourSession.release();
      await violationSession.release();
    },
  };
}

interface PassShape {
  a: Directions;
  b: Directions;
  k: number;
}

export function blockRows(a: Directions, b: Directions): number {
  return Math.max(1, Math.min(a.count, Math.floor(BLOCK_CELLS / b.count)));
}

async function neighbourPass(session: ort.InferenceSession, shape: PassShape, options: PassOptions): Promise<NeighbourPass> {
  const { a, b } = shape;
  const rowK = Math.min(shape.k, b.count);
  const columnK = Math.min(shape.k, a.count);
  const aToB = emptyNeighbours(a.count, rowK);
  const bToA = emptyNeighbours(b.count, columnK);
  const childrenOfA = new Int32Array(a.count);
  const childrenOfB = new Int32Array(b.count);
  const step = blockRows(a, b);
  for (let start = 0; start < a.count; start += step) {
    throwIfCancelled(options.signal);
    const rows = Math.min(step, a.count - start);
    const outputs = await session.run({
      [TENSORS.a]: floatTensor(a.unit.subarray(start * a.inputSize, (start + rows) * a.inputSize), [rows, a.inputSize]),
      [TENSORS.rowK]: countTensor(rowK),
      [TENSORS.columnK]: countTensor(Math.min(columnK, rows)),
    });
    aToB.cosine.set(floats(outputs, TENSORS.rowCosine), start * rowK);
    aToB.index.set(ints(outputs, TENSORS.rowIndex), start * rowK);
    childrenOfA.set(floats(outputs, TENSORS.rowChildren), start);
    addInto(childrenOfB, floats(outputs, TENSORS.columnChildren));
    mergeColumns(bToA, { cosine: floats(outputs, TENSORS.columnCosine), index: ints(outputs, TENSORS.columnIndex), k: Math.min(columnK, rows), offset: start });
    options.onBlock?.(start + rows, a.count);
  }
  return { aToB, bToA, childrenOfA, childrenOfB };
}

async function shiftedPass(session: ort.InferenceSession, shape: PassShape, shift: Float32Array, options: PassOptions): Promise<ShiftedNearest> {
  const { a, b } = shape;
  const k = Math.min(shape.k, b.count);
  const result: ShiftedNearest = { k, value: new Float32Array(a.count * k), index: new Int32Array(a.count * k), cosine: new Float32Array(a.count * k) };
  const step = blockRows(a, b);
  for (let start = 0; start < a.count; start += step) {
    throwIfCancelled(options.signal);
    const rows = Math.min(step, a.count - start);
    const outputs = await session.run({
      [TENSORS.a]: floatTensor(a.unit.subarray(start * a.inputSize, (start + rows) * a.inputSize), [rows, a.inputSize]),
      [TENSORS.shift]: floatTensor(shift, [b.count]),
      [TENSORS.k]: countTensor(k),
    });
    result.value.set(floats(outputs, TENSORS.shiftedValue), start * k);
    result.index.set(ints(outputs, TENSORS.shiftedIndex), start * k);
    result.cosine.set(floats(outputs, TENSORS.shiftedCosine), start * k);
    options.onBlock?.(start + rows, a.count);
  }
  return result;
}

function emptyNeighbours(count: number, k: number): Neighbours {
  return { k, index: new Int32Array(count * k).fill(-1), cosine: new Float32Array(count * k).fill(-Infinity) };
}

interface BlockColumns {
  cosine: Float32Array;
  index: Int32Array;
  /** Rows per column in this block's lists. */
  k: number;
  /** The block's first A row. */
  offset: number;
}

/** Merges each column's sorted list with the block's; on equal cosines the earlier block, the smaller index, comes first. */
export function mergeColumns(target: Neighbours, block: BlockColumns): void {
  const { k } = target;
  const columns = target.index.length / k;
  const cosine = new Float32Array(k);
  const index = new Int32Array(k);
  for (let column = 0; column < columns; column++) {
    let kept = 0;
    let fresh = 0;
    for (let slot = 0; slot < k; slot++) {
      const keptValid = kept < k && target.index[column * k + kept]! >= 0;
      const keptCosine = keptValid ? target.cosine[column * k + kept]! : -Infinity;
      const freshCosine = fresh < block.k ? block.cosine[fresh * columns + column]! : -Infinity;
      if (keptValid && keptCosine >= freshCosine) {
        cosine[slot] = keptCosine;
        index[slot] = target.index[column * k + kept++]!;
      } else {
        cosine[slot] = freshCosine;
        index[slot] = fresh < block.k ? block.index[fresh++ * columns + column]! + block.offset : -1;
      }
    }
    target.cosine.set(cosine, column * k);
    target.index.set(index, column * k);
  }
}

function addInto(total: Int32Array, counts: Float32Array): void {
  for (let index = 0; index < total.length; index++) total[index]! += counts[index]!;
}

function countTensor(k: number): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.of(BigInt(k)), [1]);
}

function floats(outputs: ort.InferenceSession.ReturnType, name: string): Float32Array {
  const data = outputs[name]?.data;
  if (!(data instanceof Float32Array)) throw new Error(`Session output '${name}' is missing or not float32.`);
  return data;
}

function ints(outputs: ort.InferenceSession.ReturnType, name: string): Int32Array {
  const data = outputs[name]?.data;
  if (!(data instanceof Int32Array)) throw new Error(`Session output '${name}' is missing or not int32.`);
  return data;
}
