import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/store/database.js';
import { createRun, markInterruptedRuns, setRunState } from '../../src-main/store/runs.js';
import { createStatsStore, loadRunStats } from '../../src-main/store/statistics.js';
import type { StatsExport } from '../../src-main/shared/stats.js';
import { sampleExport } from '../engine/stats/sample-stats.js';
import { RUN_SETTINGS, saveStats } from '../helpers/runs.js';

function storeExport(stats: StatsExport) {
  const db = openDatabase(':memory:');
  const run = createRun(db, 'statistics', RUN_SETTINGS);
  saveStats(db, run.id, stats);
  setRunState(db, run.id, 'finished');
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

  it('shows nothing of a run until it has finished, even what it has stored so far', () => {
    const db = openDatabase(':memory:');
    const run = createRun(db, 'statistics', RUN_SETTINGS);
    saveStats(db, run.id, sampleExport(false));
    setRunState(db, run.id, 'running');
    expect(() => loadRunStats(db, run.id)).toThrow(`Run '${run.id}' has no results: it is running, not finished.`);
    setRunState(db, run.id, 'interrupted');
    expect(() => loadRunStats(db, 'latest')).toThrow(`Run '${run.id}' has no results: it is interrupted, not finished.`);
  });

  it('says a finished run that stored nothing has no statistics', () => {
    const db = openDatabase(':memory:');
    const run = setRunState(db, createRun(db, 'statistics', RUN_SETTINGS).id, 'finished');
    expect(() => loadRunStats(db, run.id)).toThrow(`Run '${run.id}' finished without statistics.`);
  });

  it('drops the statistics with their run', () => {
    const { db, runId } = storeExport(sampleExport(false));
    db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    const left = db.prepare('SELECT COUNT(*) AS rows FROM statistic_families').get() as { rows: number };
    expect(left.rows).toBe(0);
  });
});

function rowCounts(db: ReturnType<typeof openDatabase>): number[] {
  const tables = ['run_statistics', 'sae_statistics', 'statistic_families'];
  return tables.map((table) => (db.prepare(`SELECT COUNT(*) AS rows FROM ${table}`).get() as { rows: number }).rows);
}

describe('statistics of a run that is not finished', () => {
  function partialRun(state: 'running' | 'queued') {
    const db = openDatabase(':memory:');
    const run = createRun(db, 'statistics', RUN_SETTINGS);
    if (state === 'running') setRunState(db, run.id, 'running');
    saveStats(db, run.id, sampleExport(false));
    return { db, runId: run.id };
  }

  it.each(['queued', 'running'] as const)('refuses to serve those of a %s run, naming its state', (state) => {
    const { db, runId } = partialRun(state);
    expect(() => loadRunStats(db, runId)).toThrow(`Run '${runId}' has no results: it is ${state}, not finished.`);
  });

  it.each(['failed', 'cancelled', 'interrupted'] as const)('deletes what a %s run wrote and refuses to serve it', (state) => {
    const { db, runId } = partialRun('running');
    expect(rowCounts(db).every((count) => count > 0)).toBe(true);
    setRunState(db, runId, state);
    expect(rowCounts(db)).toEqual([0, 0, 0]);
    expect(() => loadRunStats(db, runId)).toThrow(`Run '${runId}' has no results: it is ${state}, not finished.`);
  });

  it('deletes what an orphaned run wrote when it is marked interrupted', () => {
    const { db } = partialRun('running');
    expect(markInterruptedRuns(db)).toBe(1);
    expect(rowCounts(db)).toEqual([0, 0, 0]);
  });

  it('refuses a late write once the run is no longer active', () => {
    const { db, runId } = partialRun('running');
    setRunState(db, runId, 'cancelled');
    const store = createStatsStore(db, runId);
    const stats = sampleExport(false);
    expect(() => store.saveRun(stats.run, { device: 'cpu' })).toThrow('Cancelled by the user.');
    expect(rowCounts(db)).toEqual([0, 0, 0]);
  });
});
