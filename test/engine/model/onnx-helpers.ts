import { expect } from 'vitest';
import { readModelFolder } from '../../../src-main/engine/model/folder.js';
import { referenceForward, type ReferenceResult } from '../../../src-main/engine/model/reference.js';
import type { EmbeddingAblation } from '../../../src-main/shared/settings/run-settings.js';
import type { TokenBatch } from '../../../src-main/engine/model/types.js';

/** GPT-2 ids of " The quick brown fox jumps over the lazy", after BOS. */
export const WINDOW = [50256, 383, 2068, 7586, 21831, 18045, 625, 262, 16931];
export const OTHER_WINDOW = [50256, 314, 588, 6953, 290, 257, 1310, 6508, 13];

export function batchOf(windows: number[][]): TokenBatch {
  return { ids: Int32Array.from(windows.flat()), batch: windows.length, sequence: windows[0]!.length };
}

export function reference(dir: string, tokens: number[], ablation: EmbeddingAblation = 'none'): ReferenceResult {
  const folder = readModelFolder(dir);
  try {
    return referenceForward(folder.config, folder.weights, tokens, { ablation });
  } finally {
    folder.weights.close();
  }
}

/** Largest absolute difference between float32 rows and the float64 reference rows. */
export function maxDifference(actual: Float32Array, expected: Float64Array[]): number {
  const width = expected[0]!.length;
  expect(actual.length).toBe(expected.length * width);
  let worst = 0;
  expected.forEach((row, position) => {
    row.forEach((value, index) => {
      worst = Math.max(worst, Math.abs(actual[position * width + index]! - value));
    });
  });
  return worst;
}

/** −log softmax(logits)[next token] per position, in float64. */
export function referenceLosses(logits: Float64Array[], tokens: number[]): number[] {
  return logits.slice(0, -1).map((row, position) => {
    const largest = row.reduce((most, value) => Math.max(most, value), -Infinity);
    const normalizer = largest + Math.log(row.reduce((total, value) => total + Math.exp(value - largest), 0));
    return normalizer - row[tokens[position + 1]!]!;
  });
}

/** One window's slice of a batched [batch·sequence·width] activation. */
export function windowSlice(values: Float32Array, window: number, size: number): Float32Array {
  return values.subarray(window * size, (window + 1) * size);
}
