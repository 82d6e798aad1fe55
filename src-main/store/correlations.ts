import type Database from 'better-sqlite3';
import type { CorrelationExport, SaeCorrelation, TopFeature } from '../shared/correlation.js';
import { InputError } from '../shared/errors.js';
import type { Pooling } from '../shared/settings/correlation-settings.js';
import { requireFinishedRun, writeWhileActive } from './runs.js';

interface CorrelationRow {
  sae_index: number;
  hook: string;
  label: string;
  pooling: Pooling;
  rows: number;
  feature_count: number;
  data: Buffer;
  top: string;
}

/** Stores every SAE's correlation of a run, one row each, unless the run was cancelled meanwhile. */
export function saveCorrelation(db: Database.Database, runId: string, result: CorrelationExport): void {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO correlations (run_id, sae_index, hook, label, pooling, rows, feature_count, data, top) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  writeWhileActive(db, runId, () => {
    result.saes.forEach((sae, index) => {
      const count = sae.pearson.length;
      const data = new Float64Array(3 * count);
      [sae.pearson, sae.mean_positive, sae.mean_negative].forEach((values, part) => data.set(Array.from(values), part * count));
      insert.run(runId, index, sae.hook, result.label, result.pooling, result.rows, count, Buffer.from(data.buffer), JSON.stringify(sae.top));
    });
  });
}

/** A finished correlation run's results ('latest': the newest one), arrays as Float64Array. */
export function loadCorrelation(db: Database.Database, idOrLatest: string): CorrelationExport {
  const runId = requireFinishedRun(db, idOrLatest, 'correlate').id;
  const rows = db.prepare('SELECT * FROM correlations WHERE run_id = ? ORDER BY sae_index').all(runId) as CorrelationRow[];
  if (rows.length === 0) throw new InputError(`Run '${runId}' finished without correlations.`);
  const { label, pooling, rows: rowCount } = rows[0]!;
  return { label, pooling, rows: rowCount, saes: rows.map(toSaeCorrelation) };
}

function toSaeCorrelation(row: CorrelationRow): SaeCorrelation {
  // A copy aligns the bytes for Float64Array whatever offset SQLite's buffer has.
  const data = new Float64Array(new Uint8Array(row.data).buffer);
  const count = row.feature_count;
  const part = (index: number) => data.subarray(index * count, (index + 1) * count);
  return { hook: row.hook, pearson: part(0), mean_positive: part(1), mean_negative: part(2), top: JSON.parse(row.top) as TopFeature[] };
}
