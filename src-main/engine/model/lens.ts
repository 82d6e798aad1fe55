import type * as ort from 'onnxruntime-node';
import type { GraphBuilder } from '../onnx/graph.js';
import { PIECE_TENSORS } from './families/index.js';
import type { LensResult } from './types.js';

/** Tensor names of the logit lens, added beside the head of the vocabulary piece. */
export const LENS_TENSORS = {
  /** int64 [1]: how many residual points the head's input rows stack, point-major, the last being the final residual. */
  points: 'lens_points',
  /** int64 [1]: how many of each row's most likely tokens to return. */
  top: 'lens_top',
  kl: 'lens_kl',
  argmax: 'lens_argmax',
  topLogProbabilities: 'lens_top_log_probabilities',
  topTokens: 'lens_top_tokens',
} as const;

/**
 * The logit lens on the head's own logits, so the vocabulary-sized rows never leave onnxruntime:
 * [points·rows, vocab] → KL(p_final ‖ p_point) and argmax per [point, row], plus each row's top tokens.
 */
export function addLens(graph: GraphBuilder, vocabSize: number): void {
  const points = graph.input(LENS_TENSORS.points, 'int64', [1]);
  const top = graph.input(LENS_TENSORS.top, 'int64', [1]);
  graph.output(LENS_TENSORS.kl, 'float', ['points', 'rows']);
  graph.output(LENS_TENSORS.argmax, 'int64', ['points', 'rows']);
  graph.output(LENS_TENSORS.topLogProbabilities, 'float', ['points', 'rows', 'top']);
  graph.output(LENS_TENSORS.topTokens, 'int64', ['points', 'rows', 'top']);
  const shape = graph.node('Concat', [points, graph.int64s([-1, vocabSize])], { axis: 0 });
  const logits = graph.node('Reshape', [PIECE_TENSORS.logits, shape]);
  const logProbabilities = graph.node('LogSoftmax', [logits], { axis: -1 });
  const final = graph.node('Slice', [logProbabilities, graph.int64s([-1]), graph.int64s([Number.MAX_SAFE_INTEGER]), graph.int64s([0])]);
  const terms = graph.node('Mul', [graph.node('Exp', [final]), graph.node('Sub', [final, logProbabilities])]);
  graph.node('ReduceSum', [terms, graph.int64s([-1])], { keepdims: 0 }, { output: LENS_TENSORS.kl });
  graph.node('ArgMax', [logits], { axis: -1, keepdims: 0 }, { output: LENS_TENSORS.argmax });
  const [values, indices] = graph.nodeOutputs('TopK', [logProbabilities, top], 2, { axis: -1 });
  graph.node('Identity', [values!], undefined, { output: LENS_TENSORS.topLogProbabilities });
  graph.node('Identity', [indices!], undefined, { output: LENS_TENSORS.topTokens });
}

/** The stacked head input for some rows of every point: [points·rows, width], point-major. */
export function stackRows(points: readonly Float32Array[], rows: Int32Array, width: number): Float32Array {
  const stacked = new Float32Array(points.length * rows.length * width);
  points.forEach((point, index) => {
    rows.forEach((row, offset) => stacked.set(point.subarray(row * width, (row + 1) * width), (index * rows.length + offset) * width));
  });
  return stacked;
}

export function emptyLens(pointCount: number, rowCount: number, top: number): LensResult {
  return {
    kl: new Float32Array(pointCount * rowCount),
    argmax: new Int32Array(pointCount * rowCount),
    topTokens: new Int32Array(pointCount * rowCount * top),
    topProbabilities: new Float32Array(pointCount * rowCount * top),
  };
}

/** Where one slice's [points, count(, k)] outputs go in the [points, rows(, k)] result. */
export interface LensSlice {
  start: number;
  count: number;
  rowCount: number;
  top: number;
}

export function storeLensSlice(result: LensResult, outputs: ort.InferenceSession.OnnxValueMapType, slice: LensSlice): void {
  const { start, count, rowCount, top } = slice;
  const kl = outputs[LENS_TENSORS.kl]!.data as Float32Array;
  const argmax = outputs[LENS_TENSORS.argmax]!.data as BigInt64Array;
  const pointCount = kl.length / count;
  // The graph always returns at least one top token, since TopK with k = 0 is not portable; its stride is k.
  const stride = top > 0 ? (outputs[LENS_TENSORS.topTokens]!.data as BigInt64Array).length / (pointCount * count) : 0;
  for (let point = 0; point < pointCount; point++) {
    const target = point * rowCount + start;
    result.kl.set(kl.subarray(point * count, (point + 1) * count), target);
    for (let row = 0; row < count; row++) result.argmax[target + row] = Number(argmax[point * count + row]);
    if (top > 0) storeTopTokens(result, outputs, { point, count, target, top, stride });
  }
}

function storeTopTokens(result: LensResult, outputs: ort.InferenceSession.OnnxValueMapType, at: { point: number; count: number; target: number; top: number; stride: number }): void {
  const tokens = outputs[LENS_TENSORS.topTokens]!.data as BigInt64Array;
  const logProbabilities = outputs[LENS_TENSORS.topLogProbabilities]!.data as Float32Array;
  for (let row = 0; row < at.count; row++) {
    const from = (at.point * at.count + row) * at.stride;
    const to = (at.target + row) * at.top;
    for (let k = 0; k < at.top; k++) {
      result.topTokens[to + k] = Number(tokens[from + k]);
      result.topProbabilities[to + k] = Math.exp(logProbabilities[from + k]!);
    }
  }
}
