import type Database from 'better-sqlite3';
import { pairFigureData, setFigureData } from '../engine/compare/figure-data.js';
import type { PairMatch } from '../engine/compare/types.js';
import type { PairFigureData, SetFigureData } from '../shared/figures/match-data.js';
import { loadMatch, loadMatchPair, type StoredMatch } from '../store/matches.js';
import { findFeatureStats } from '../store/statistics.js';

/** A finished match as the Match view opens it: SAEs, pairs at a glance and, for a set, its heatmap data. */
export interface MatchOverview extends Omit<StoredMatch, 'matrices'> {
  set?: SetFigureData;
}

/** Both features' density and mean, when a finished statistics run read that SAE. */
export interface FeatureColumns {
  density: ArrayLike<number>;
  mean: ArrayLike<number>;
}

/** One pair as the Match view draws it: figure data, the matched pairs and the numbers of its fractions table. */
export interface MatchPairView {
  k: number;
  l: number;
  figure: PairFigureData;
  match: Omit<PairMatch, 'aToB' | 'bToA'>;
  features: { a?: FeatureColumns; b?: FeatureColumns };
}

export function matchOverview(db: Database.Database, idOrLatest: string): MatchOverview {
  const { matrices, ...stored } = loadMatch(db, idOrLatest);
  if (stored.saes.length < 3) return stored;
  return { ...stored, set: setFigureData(stored.saes, matrices, stored.run.settings.by) };
}

export function matchPairView(db: Database.Database, idOrLatest: string, k: number, l: number): MatchPairView {
  const pair = loadMatchPair(db, idOrLatest, k, l);
  const features = { a: findFeatureStats(db, pair.a), b: findFeatureStats(db, pair.b) };
  const { aToB, bToA, ...match } = pair;
  return { k, l, figure: pairFigureData(pair, { a: features.a?.density, b: features.b?.density }), match, features };
}

/** Every figure a match draws: the set's heatmaps and each pair's figures in its own folder. */
export function matchFigureSource(db: Database.Database, idOrLatest: string): { runId: string; pairs: { folder: string; data: PairFigureData }[]; set?: SetFigureData } {
  const overview = matchOverview(db, idOrLatest);
  // A pair match's figures sit at the top; a set's pairs each get a folder.
  const pairs = overview.pairs.map(({ k, l }) => ({ folder: overview.saes.length === 2 ? '' : `pair-${k}-${l}`, data: matchPairView(db, overview.run.id, k, l).figure }));
  return { runId: overview.run.id, pairs, ...(overview.set ? { set: overview.set } : {}) };
}
