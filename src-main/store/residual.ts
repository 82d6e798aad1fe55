import type Database from 'better-sqlite3';
import { RESIDUAL_LENS_KEYS, RESIDUAL_MATRIX_KEYS, type MassiveDims, type ResidualRunDescription, type ResidualStats, type Series, type TextInspection } from '../shared/residual.js';
import { requireFinishedRun } from './runs.js';

type ArrayKey = (typeof RESIDUAL_MATRIX_KEYS)[number] | (typeof RESIDUAL_LENS_KEYS)[number];

/** The stored header (see migration 010): everything but the arrays' values, which live in the blob. */
interface ResidualHeader {
  run: ResidualRunDescription;
  layers: string[];
  massive: MassiveDims[];
  arrays: [ArrayKey, number, number][];
}

/** Every array as rows of equal length: the lens arrays are one row each. */
function arrayRows(stats: ResidualStats): [ArrayKey, Series[]][] {
  return [...RESIDUAL_MATRIX_KEYS.map((key): [ArrayKey, Series[]] => [key, stats[key]]), ...RESIDUAL_LENS_KEYS.map((key): [ArrayKey, Series[]] => [key, [stats[key]]])];
}

/** Stores a residual run's statistics, replacing whatever an earlier attempt left. */
export function saveResidualStats(db: Database.Database, runId: string, stats: ResidualStats): void {
  const rows = arrayRows(stats);
  const arrays = rows.map(([key, values]): [ArrayKey, number, number] => [key, values.length, values[0]?.length ?? 0]);
  const data = new Float64Array(arrays.reduce((total, [, count, length]) => total + count * length, 0));
  let offset = 0;
  for (const [, values] of rows) {
    for (const row of values) {
      data.set(Array.from(row), offset);
      offset += row.length;
    }
  }
  const header: ResidualHeader = { run: stats.run, layers: stats.layers, massive: stats.massive, arrays };
  db.prepare('INSERT OR REPLACE INTO residual_statistics (run_id, header, data) VALUES (?, ?, ?)').run(runId, JSON.stringify(header), Buffer.from(data.buffer));
}

/** A finished residual run's statistics ('latest': the newest residual run). */
export function loadResidualStats(db: Database.Database, idOrLatest: string): ResidualStats {
  const run = requireFinishedRun(db, idOrLatest, 'residual');
  const row = db.prepare('SELECT header, data FROM residual_statistics WHERE run_id = ?').get(run.id) as { header: string; data: Buffer } | undefined;
  if (!row) throw new Error(`Residual run '${run.id}' finished without stored statistics.`);
  const header = JSON.parse(row.header) as ResidualHeader;
  const data = new Float64Array(row.data.buffer.slice(row.data.byteOffset, row.data.byteOffset + row.data.byteLength));
  const arrays = new Map<ArrayKey, Float64Array[]>();
  let offset = 0;
  for (const [key, count, length] of header.arrays) {
    arrays.set(key, Array.from({ length: count }, (_, index) => data.subarray(offset + index * length, offset + (index + 1) * length)));
    offset += count * length;
  }
  const matrices = Object.fromEntries(RESIDUAL_MATRIX_KEYS.map((key) => [key, arrays.get(key) ?? []]));
  const lens = Object.fromEntries(RESIDUAL_LENS_KEYS.map((key) => [key, arrays.get(key)?.[0] ?? new Float64Array(0)]));
  return { run: header.run, layers: header.layers, ...matrices, massive: header.massive, ...lens } as ResidualStats;
}

/** Stores one inspected text as its run's header (see migration 010), replacing an earlier attempt's. */
export function saveInspection(db: Database.Database, runId: string, inspection: TextInspection): void {
  db.prepare('INSERT OR REPLACE INTO residual_statistics (run_id, header, data) VALUES (?, ?, ?)').run(runId, JSON.stringify(inspection), Buffer.alloc(0));
}

/** A finished inspect run's answer ('latest': the newest inspect run). */
export function loadInspection(db: Database.Database, idOrLatest: string): TextInspection {
  const run = requireFinishedRun(db, idOrLatest, 'inspect-text');
  const row = db.prepare('SELECT header FROM residual_statistics WHERE run_id = ?').get(run.id) as { header: string } | undefined;
  if (!row) throw new Error(`Inspect run '${run.id}' finished without a stored answer.`);
  return JSON.parse(row.header) as TextInspection;
}
