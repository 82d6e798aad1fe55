import { InputError } from '../../shared/errors.js';
import { chooseDevice } from '../onnx/devices.js';
import { throwIfCancelled } from '../progress.js';
import { requireSameInputSize, type Directions } from './directions.js';
import { checkSettings, matchDirections, openSessions, type MatchOptions } from './match.js';
import { SET_MATRIX_THRESHOLD, type MatchSettings, type PairMatch, type SetMatrices } from './types.js';

export interface SetOptions extends MatchOptions {
  /** Called once per pair k < l (A = S_k, B = S_l) as soon as it is done, so its details need not be kept. */
  onPair?: (k: number, l: number, match: PairMatch) => void | Promise<void>;
}

/** Every pair of a set of SAEs, each SAE's directions normalised once; returns the m × m matrices. */
export async function matchSet(saes: Directions[], settings: MatchSettings, options: SetOptions = {}): Promise<SetMatrices> {
  checkSettings(settings);
  if (saes.length < 2) throw new InputError(`Matching needs at least two SAEs; got ${saes.length === 1 ? `only ${saes[0]!.sae.source}` : 'none'}.`);
  saes.slice(1).forEach((sae) => requireSameInputSize(saes[0]!, sae));
  const matrices = diagonalMatrices(saes.map((sae) => ({ count: sae.count, zeroCount: sae.zeroCount })));
  const { provider } = await chooseDevice(settings.device);
  const pairCount = (saes.length * (saes.length - 1)) / 2;
  let done = 0;
  for (let l = 1; l < saes.length; l++) {
    const sessions = await openSessions(saes[l]!, provider, settings);
    try {
      for (let k = 0; k < l; k++) {
        throwIfCancelled(options.signal);
        const match = await matchDirections(saes[k]!, sessions, settings, options);
        fillCells(matrices, k, l, pairCells(match));
        await options.onPair?.(k, l, match);
        options.progress?.stage(`Pair ${++done} of ${pairCount} done: ${saes[k]!.sae.hook} ↔ ${saes[l]!.sae.hook}.`);
      }
    } finally {
      await sessions.release();
    }
  }
  return matrices;
}

/** What a pair adds to the set's matrices. */
export interface PairCells {
  assignmentAbove: number;
  aToB: { median: number; geomean: number };
  bToA: { median: number; geomean: number };
}

export function pairCells(match: PairMatch): PairCells {
  const { aToB, bToA } = match.summary;
  return {
    assignmentAbove: aboveFraction(match.assignment.cosine, SET_MATRIX_THRESHOLD),
    aToB: { median: aToB.median, geomean: aToB.geomean },
    bToA: { median: bToA.median, geomean: bToA.geomean },
  };
}

/** The matrices from stored pairs (k < l) and each SAE's size and zero-norm count. */
export function setMatrices(saes: SaeCounts[], pairs: { k: number; l: number; cells: PairCells }[]): SetMatrices {
  const matrices = diagonalMatrices(saes);
  for (const { k, l, cells } of pairs) fillCells(matrices, k, l, cells);
  return matrices;
}

/** Row k, column l is S_k → S_l; the assignment is the same matching read from either side. */
function fillCells(matrices: SetMatrices, k: number, l: number, cells: PairCells): void {
  matrices.assignmentAbove[k]![l] = cells.assignmentAbove;
  matrices.assignmentAbove[l]![k] = cells.assignmentAbove;
  matrices.top1Median[k]![l] = cells.aToB.median;
  matrices.top1Median[l]![k] = cells.bToA.median;
  matrices.top1Geomean[k]![l] = cells.aToB.geomean;
  matrices.top1Geomean[l]![k] = cells.bToA.geomean;
}

export interface SaeCounts {
  count: number;
  zeroCount: number;
}

/** An SAE against itself: every feature with a direction is its own partner at cosine 1. */
function diagonalMatrices(saes: SaeCounts[]): SetMatrices {
  const square = (diagonal: (sae: SaeCounts) => number) => saes.map((row, k) => saes.map((_, l) => (k === l ? diagonal(row) : NaN)));
  const hasDirections = (sae: SaeCounts) => (sae.zeroCount < sae.count ? 1 : NaN);
  return {
    assignmentAbove: square((sae) => (sae.count - sae.zeroCount) / sae.count),
    top1Median: square(hasDirections),
    top1Geomean: square(hasDirections),
  };
}

function aboveFraction(cosines: Float32Array, threshold: number): number {
  let count = 0;
  for (const cosine of cosines) if (cosine > threshold) count++;
  return count / Math.max(1, cosines.length);
}
