import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/store/database.js';
import { createRun } from '../../src-main/store/runs.js';
import { loadRunStats } from '../../src-main/store/statistics.js';
import type { StatsExport } from '../../src-main/shared/stats.js';
import { sampleExport } from '../engine/stats/sample-stats.js';
import { RUN_SETTINGS, saveStats } from '../helpers/runs.js';

function storeExport(stats: StatsExport) {
  const db = openDatabase(':memory:');
  const run = createRun(db, RUN_SETTINGS);
  saveStats(db, run.id, stats);
  return { db, runId: run.id };
}

/** Typed arrays compared as plain lists, so Float64Array and number[] match by value. */
function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as Float64Array);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return value;
}

describe('statistics store', () => {
  it.each([false, true])('gives back what it stored (losses %s)', (withLosses) => {
    const stats = sampleExport(withLosses);
    const { db, runId } = storeExport(stats);
    const loaded = loadRunStats(db, runId);
    expect(plain(loaded)).toEqual(plain(stats));
    expect(loaded.saes[0].features.count).toBeInstanceOf(Float64Array);
  });

  it('says a run without statistics has not finished', () => {
    const db = openDatabase(':memory:');
    const run = createRun(db, RUN_SETTINGS);
    expect(() => loadRunStats(db, run.id)).toThrow(`Run '${run.id}' has no statistics: it has not finished.`);
  });

  it('drops the statistics with their run', () => {
    const { db, runId } = storeExport(sampleExport(false));
    db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    const left = db.prepare('SELECT COUNT(*) AS rows FROM statistic_families').get() as { rows: number };
    expect(left.rows).toBe(0);
  });
});
