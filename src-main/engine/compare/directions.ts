import { InputError } from '../../shared/errors.js';
import type { SaeParams } from '../sae/types.js';
import { ZERO_NORM, type MatchDirection, type MatchedSae } from './types.js';

/** One SAE's feature directions, each of unit length (zero-norm features are zero rows). */
export interface Directions {
  sae: MatchedSae;
  count: number;
  inputSize: number;
  /** [count, inputSize], row-major. */
  unit: Float32Array;
  zeroNorm: Uint8Array;
  zeroCount: number;
}

/** Unit directions as the spec defines them; a NaN or infinite value is the user's file's problem, named. */
export function unitDirections(params: SaeParams, by: MatchDirection): Directions {
  const { featureCount: count, inputSize } = params;
  const unit = by === 'decoder' ? params.decoderWeights.slice() : encoderColumns(params);
  const zeroNorm = new Uint8Array(count);
  let zeroCount = 0;
  for (let feature = 0; feature < count; feature++) {
    const norm = rowNorm(unit, feature, inputSize);
    if (!Number.isFinite(norm)) throw nonFinite(params, by, feature);
    if (norm < ZERO_NORM) {
      unit.fill(0, feature * inputSize, (feature + 1) * inputSize);
      zeroNorm[feature] = 1;
      zeroCount++;
    } else scaleRow(unit, feature, inputSize, 1 / norm);
  }
  return { sae: matchedSae(params), count, inputSize, unit, zeroNorm, zeroCount };
}

export function matchedSae(params: SaeParams): MatchedSae {
  const sae: MatchedSae = { source: params.source, hook: params.hook, featureCount: params.featureCount };
  if (params.modelName) sae.modelName = params.modelName;
  return sae;
}

/** Both SAEs must live in the same space. */
export function requireSameInputSize(a: Directions, b: Directions): void {
  if (a.inputSize === b.inputSize) return;
  throw new InputError(
    `Cannot match ${a.sae.source} (d_in ${a.inputSize}) with ${b.sae.source} (d_in ${b.inputSize}): their directions must have the same d_in.`,
  );
}

/** [inputSize, featureCount] → the featureCount columns as rows. */
function encoderColumns(params: SaeParams): Float32Array {
  const { featureCount, inputSize, encoderWeights } = params;
  const rows = new Float32Array(featureCount * inputSize);
  for (let d = 0; d < inputSize; d++) {
    const offset = d * featureCount;
    for (let feature = 0; feature < featureCount; feature++) rows[feature * inputSize + d] = encoderWeights[offset + feature]!;
  }
  return rows;
}

function rowNorm(values: Float32Array, row: number, width: number): number {
  let squares = 0;
  for (let index = row * width; index < (row + 1) * width; index++) squares += values[index]! * values[index]!;
  return Math.sqrt(squares);
}

function scaleRow(values: Float32Array, row: number, width: number, factor: number): void {
  for (let index = row * width; index < (row + 1) * width; index++) values[index]! *= factor;
}

function nonFinite(params: SaeParams, by: MatchDirection, feature: number): InputError {
  return new InputError(`Feature ${feature} of ${params.source} has a NaN or infinite value in its ${by} direction.`, params.source);
}
