import type { MatchDirection } from '../../shared/settings/match-settings.js';

export { DEFAULT_MATCH_SETTINGS, MATCH_DIRECTIONS, SET_MATRIX_THRESHOLD } from '../../shared/settings/match-settings.js';
export type { MatchDirection, MatchRunSettings, MatchSettings } from '../../shared/settings/match-settings.js';

/** A direction shorter than this is a zeroed feature: cosine 0 with everything. */
export const ZERO_NORM = 1e-8;

/** What a match says about one SAE. */
export interface MatchedSae {
  source: string;
  hook: string;
  featureCount: number;
  modelName?: string;
}

/** The k nearest features of the other SAE for each feature, descending, ties toward the smaller index. */
export interface Neighbours {
  k: number;
  /** [count, k] */
  index: Int32Array;
  cosine: Float32Array;
}

export interface Assignment {
  aIndex: Int32Array;
  bIndex: Int32Array;
  cosine: Float32Array;
  total: number;
  /** True only when certified for the dense problem by dual feasibility over every pair. */
  optimal: boolean;
  /** Upper bound on (dense optimum − total) that the certificate proves. */
  gapBound: number;
  /** Certification passes over all pairs. */
  rounds: number;
}

export interface Top1Summary {
  mean: number;
  median: number;
  geomean: number;
  /** threshold → fraction of features whose top-1 cosine is above it. */
  above: Record<string, number>;
}

/** For the smaller SAE (A when equal): each feature's children, the other side's features above the split threshold. */
export interface Splits {
  parent: 'a' | 'b';
  threshold: number;
  /** Exact number of children per parent. */
  count: Int32Array;
  /** The children among each parent's nearest candidates, ascending by index. */
  children: number[][];
}

export interface PairMatch {
  by: MatchDirection;
  topK: number;
  thresholds: number[];
  a: MatchedSae;
  b: MatchedSae;
  sameModel: boolean;
  zeroNorm: { a: number; b: number };
  aToB: Neighbours;
  bToA: Neighbours;
  mutual: number;
  assignment: Assignment;
  summary: { aToB: Top1Summary; bToA: Top1Summary; assignmentAbove: Record<string, number> };
  splits: Splits;
}

/** Row k, column l: S_k → S_l. */
export interface SetMatrices {
  assignmentAbove: number[][];
  top1Median: number[][];
  top1Geomean: number[][];
}

/** Where a match job puts its results as they come: its SAEs first, then each pair k < l. */
export interface MatchSink {
  saveSaes(saes: (MatchedSae & { zeroNorm: number })[]): void;
  savePair(k: number, l: number, match: PairMatch): void | Promise<void>;
}
