import type { MatchSideData, PairFigureData, SetFigureData } from '../../shared/figures/match-data.js';
import { layerLabel } from '../../shared/figures/layers.js';
import type { Neighbours, PairMatch, SetMatrices } from './types.js';
import { top1Of } from './summary.js';

/** Feature densities of each side from finished statistics runs, when there are any. */
export interface PairDensities {
  a?: ArrayLike<number>;
  b?: ArrayLike<number>;
}

/** A pair as its figures draw it. */
export function pairFigureData(match: PairMatch, densities: PairDensities = {}): PairFigureData {
  return {
    label: `${layerLabel(match.a.hook)} → ${layerLabel(match.b.hook)}, ${match.by} directions`,
    aToB: sideData(match.a, match.aToB, densities.a),
    bToA: sideData(match.b, match.bToA, densities.b),
    thresholds: match.thresholds,
    assignmentCosine: match.assignment.cosine,
    splitThreshold: match.splits.threshold,
    childCount: match.splits.count,
  };
}

export function setFigureData(saes: { hook: string }[], matrices: SetMatrices, by: string): SetFigureData {
  return { label: `${saes.length} SAEs, ${by} directions`, hooks: saes.map((sae) => sae.hook), ...matrices };
}

function sideData(sae: PairMatch['a'], neighbours: Neighbours, density: ArrayLike<number> | undefined): MatchSideData {
  const side: MatchSideData = { hook: sae.hook, featureCount: sae.featureCount, top1: top1Of(neighbours), topK: neighbours.cosine };
  if (density && density.length === sae.featureCount) side.density = density;
  return side;
}
