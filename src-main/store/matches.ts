import type Database from 'better-sqlite3';
import { pairCells, setMatrices, type PairCells } from '../engine/compare/set.js';
import type { Assignment, MatchedSae, Neighbours, PairMatch, SetMatrices, Splits } from '../engine/compare/types.js';
import { InputError } from '../shared/errors.js';
import { requireFinishedRun, type RunRecordOf } from './runs.js';

/** One SAE of a stored match. */
export interface StoredMatchSae extends MatchedSae {
  zeroNorm: number;
}

/** A finished match at a glance: its run, its SAEs, each pair's cells, and the set's matrices. */
export interface StoredMatch {
  run: RunRecordOf<'match'>;
  saes: StoredMatchSae[];
  pairs: { k: number; l: number; cells: PairCells; optimal: boolean; mutual: number }[];
  matrices: SetMatrices;
}

type ArrayType = 'int32' | 'float32';
type StoredArray = Int32Array | Float32Array;

/** Everything of a pair but its arrays, as the header keeps it. */
type PairScalars = Omit<PairMatch, 'aToB' | 'bToA' | 'assignment' | 'splits'> & {
  k: { aToB: number; bToA: number };
  assignment: Omit<Assignment, 'aIndex' | 'bIndex' | 'cosine'>;
  splits: Omit<Splits, 'count' | 'children'>;
  cells: PairCells;
};

interface PairHeader {
  scalars: PairScalars;
  arrays: [string, ArrayType, number][];
}

export function saveMatchSaes(db: Database.Database, runId: string, saes: StoredMatchSae[]): void {
  const insert = db.prepare('INSERT OR REPLACE INTO match_saes (run_id, sae_index, source, hook, d_sae, zero_norm, model_name) VALUES (?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => saes.forEach((sae, index) => insert.run(runId, index, sae.source, sae.hook, sae.featureCount, sae.zeroNorm, sae.modelName ?? null)))();
}

export function saveMatchPair(db: Database.Database, runId: string, pair: { k: number; l: number; match: PairMatch }): void {
  const arrays = pairArrays(pair.match);
  const header: PairHeader = { scalars: pairScalars(pair.match), arrays: Object.entries(arrays).map(([name, values]) => [name, arrayType(values), values.length]) };
  const data = Buffer.concat(Object.values(arrays).map((values) => Buffer.from(values.buffer, values.byteOffset, values.byteLength)));
  db.prepare('INSERT OR REPLACE INTO match_pairs (run_id, a_index, b_index, header, data) VALUES (?, ?, ?, ?, ?)').run(runId, pair.k, pair.l, JSON.stringify(header), data);
}

/** One pair of a finished match in full; k < l as stored. */
export function loadMatchPair(db: Database.Database, idOrLatest: string, k: number, l: number): PairMatch {
  const runId = requireFinishedRun(db, idOrLatest, 'match').id;
  const row = db.prepare('SELECT header, data FROM match_pairs WHERE run_id = ? AND a_index = ? AND b_index = ?').get(runId, k, l) as { header: string; data: Buffer } | undefined;
  if (!row) throw new InputError(`Match '${runId}' has no pair ${k} → ${l}.`);
  const header = JSON.parse(row.header) as PairHeader;
  const arrays = readArrays(header.arrays, row.data);
  const { scalars } = header;
  return {
    ...withoutKeys(scalars, ['k', 'cells']),
    aToB: { k: scalars.k.aToB, index: arrays.aToBIndex as Int32Array, cosine: arrays.aToBCosine as Float32Array },
    bToA: { k: scalars.k.bToA, index: arrays.bToAIndex as Int32Array, cosine: arrays.bToACosine as Float32Array },
    assignment: { ...scalars.assignment, aIndex: arrays.aIndex as Int32Array, bIndex: arrays.bIndex as Int32Array, cosine: arrays.assignmentCosine as Float32Array },
    splits: { ...scalars.splits, count: arrays.childCount as Int32Array, children: raggedRows(arrays.childOffsets as Int32Array, arrays.children as Int32Array) },
  } as PairMatch;
}

/** A finished match's SAEs, pairs' cells and matrices, without any pair's arrays. */
export function loadMatch(db: Database.Database, idOrLatest: string): StoredMatch {
  const run = requireFinishedRun(db, idOrLatest, 'match');
  const runId = run.id;
  const saes = (db.prepare('SELECT * FROM match_saes WHERE run_id = ? ORDER BY sae_index').all(runId) as SaeRow[]).map(toSae);
  if (saes.length === 0) throw new InputError(`Match '${runId}' has no results: it has not started.`);
  const rows = db.prepare('SELECT a_index, b_index, header FROM match_pairs WHERE run_id = ? ORDER BY a_index, b_index').all(runId) as { a_index: number; b_index: number; header: string }[];
  const pairs = rows.map((row) => {
    const { scalars } = JSON.parse(row.header) as PairHeader;
    return { k: row.a_index, l: row.b_index, cells: scalars.cells, optimal: scalars.assignment.optimal, mutual: scalars.mutual };
  });
  return { run, saes, pairs, matrices: setMatrices(saes.map((sae) => ({ count: sae.featureCount, zeroCount: sae.zeroNorm })), pairs) };
}

interface SaeRow {
  source: string;
  hook: string;
  d_sae: number;
  zero_norm: number;
  model_name: string | null;
}

function toSae(row: SaeRow): StoredMatchSae {
  return { source: row.source, hook: row.hook, featureCount: row.d_sae, zeroNorm: row.zero_norm, ...(row.model_name ? { modelName: row.model_name } : {}) };
}

function pairScalars(match: PairMatch): PairScalars {
  const { aToB, bToA, assignment, splits, ...rest } = match;
  return {
    ...rest,
    k: { aToB: aToB.k, bToA: bToA.k },
    assignment: withoutKeys(assignment, ['aIndex', 'bIndex', 'cosine']),
    splits: withoutKeys(splits, ['count', 'children']),
    cells: pairCells(match),
  };
}

function pairArrays(match: PairMatch): Record<string, StoredArray> {
  const offsets = new Int32Array(match.splits.children.length + 1);
  match.splits.children.forEach((children, parent) => (offsets[parent + 1] = offsets[parent]! + children.length));
  return {
    aToBIndex: match.aToB.index,
    aToBCosine: match.aToB.cosine,
    bToAIndex: match.bToA.index,
    bToACosine: match.bToA.cosine,
    aIndex: match.assignment.aIndex,
    bIndex: match.assignment.bIndex,
    assignmentCosine: match.assignment.cosine,
    childCount: match.splits.count,
    childOffsets: offsets,
    children: Int32Array.from(match.splits.children.flat()),
  };
}

function readArrays(layout: [string, ArrayType, number][], data: Buffer): Record<string, StoredArray> {
  // A copy aligns the bytes for the typed arrays whatever offset SQLite's buffer has.
  const bytes = new Uint8Array(data).buffer;
  const arrays: Record<string, StoredArray> = {};
  let offset = 0;
  for (const [name, type, length] of layout) {
    arrays[name] = type === 'int32' ? new Int32Array(bytes, offset, length) : new Float32Array(bytes, offset, length);
    offset += 4 * length;
  }
  return arrays;
}

function raggedRows(offsets: Int32Array, values: Int32Array): number[][] {
  return Array.from({ length: offsets.length - 1 }, (_, row) => Array.from(values.subarray(offsets[row]!, offsets[row + 1]!)));
}

function arrayType(values: StoredArray): ArrayType {
  return values instanceof Int32Array ? 'int32' : 'float32';
}

function withoutKeys<T extends object, K extends keyof T>(value: T, keys: K[]): Omit<T, K> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key as K))) as Omit<T, K>;
}
