import type { MatchedSae, Neighbours, PairMatch, SetMatrices } from './types.js';

/** The pair export of ../shared/spec/matching.md, key for key. */
export interface PairExport {
  by: string;
  top_k: number;
  thresholds: number[];
  a: SaeExport;
  b: SaeExport;
  same_model: boolean;
  zero_norm: { a: number; b: number };
  a_to_b: { top_index: number[][]; top_cosine: number[][] };
  b_to_a: { top_index: number[][]; top_cosine: number[][] };
  mutual: number;
  assignment: { a_index: number[]; b_index: number[]; cosine: number[]; total: number; optimal: boolean };
  summary: {
    top1_mean: number;
    top1_median: number;
    top1_geomean: number;
    top1_above: Record<string, number>;
    assignment_above: Record<string, number>;
  };
}

export interface SaeExport {
  source: string;
  hook: string;
  d_sae: number;
}

export interface SetExport {
  saes: SaeExport[];
  matrices: { 'assignment_above_0.7': number[][]; top1_median: number[][]; top1_geomean: number[][] };
}

export function pairExport(match: PairMatch): PairExport {
  const { assignment, summary } = match;
  return {
    by: match.by,
    top_k: match.topK,
    thresholds: match.thresholds,
    a: saeExport(match.a),
    b: saeExport(match.b),
    same_model: match.sameModel,
    zero_norm: match.zeroNorm,
    a_to_b: neighboursExport(match.aToB),
    b_to_a: neighboursExport(match.bToA),
    mutual: match.mutual,
    assignment: {
      a_index: Array.from(assignment.aIndex),
      b_index: Array.from(assignment.bIndex),
      cosine: Array.from(assignment.cosine, cosineValue),
      total: assignment.total,
      optimal: assignment.optimal,
    },
    summary: {
      top1_mean: summary.aToB.mean,
      top1_median: summary.aToB.median,
      top1_geomean: summary.aToB.geomean,
      top1_above: summary.aToB.above,
      assignment_above: summary.assignmentAbove,
    },
  };
}

export function setExport(saes: MatchedSae[], matrices: SetMatrices): SetExport {
  return {
    saes: saes.map(saeExport),
    matrices: { 'assignment_above_0.7': matrices.assignmentAbove, top1_median: matrices.top1Median, top1_geomean: matrices.top1Geomean },
  };
}

export function saeExport(sae: MatchedSae): SaeExport {
  return { source: sae.source, hook: sae.hook, d_sae: sae.featureCount };
}

function neighboursExport(neighbours: Neighbours): { top_index: number[][]; top_cosine: number[][] } {
  const rows = neighbours.index.length / neighbours.k;
  const slice = <T>(read: (slot: number) => T) => Array.from({ length: rows }, (_, row) => Array.from({ length: neighbours.k }, (_, column) => read(row * neighbours.k + column)));
  return { top_index: slice((slot) => neighbours.index[slot]!), top_cosine: slice((slot) => cosineValue(neighbours.cosine[slot]!)) };
}

/** Float32 cosines carry about 7 digits; printing more only makes the file longer. */
function cosineValue(value: number): number {
  return Number(value.toPrecision(7));
}
