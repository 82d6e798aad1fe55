/** What the match figures draw, as plain arrays: the screen and the CLI export fill it the same way. */
export interface MatchSideData {
  hook: string;
  featureCount: number;
  /** Each feature's best cosine with the other SAE. */
  top1: ArrayLike<number>;
  /** Every kept neighbour's cosine, k per feature. */
  topK: ArrayLike<number>;
  /** Feature density from a finished statistics run on this SAE, when one exists. */
  density?: ArrayLike<number>;
}

export interface PairFigureData {
  /** e.g. "Layer 3 → Layer 4, decoder directions". */
  label: string;
  aToB: MatchSideData;
  bToA: MatchSideData;
  thresholds: number[];
  assignmentCosine: ArrayLike<number>;
  splitThreshold: number;
  /** Children per parent of the smaller SAE. */
  childCount: ArrayLike<number>;
}

export interface SetFigureData {
  label: string;
  hooks: string[];
  /** Row k, column l: S_k → S_l. */
  assignmentAbove: number[][];
  top1Median: number[][];
  top1Geomean: number[][];
}
