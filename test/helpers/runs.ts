import type Database from 'better-sqlite3';
import type { RunSettings } from '../../src-main/shared/settings/run-settings.js';
import type { StatsExport } from '../../src-main/shared/stats.js';
import { openDatabase } from '../../src-main/store/database.js';
import { createRun, setRunState } from '../../src-main/store/runs.js';
import { createStatsStore } from '../../src-main/store/statistics.js';

/** Settings for a small run on made-up paths; tests override what they check. */
export const RUN_SETTINGS: RunSettings = {
  model: '/models/gpt2',
  saes: ['/saes/layer0'],
  dataset: '/data/rows.jsonl',
  samples: 8,
  packing: 'packed',
  ce: false,
  ablate: 'none',
  device: 'cpu',
  batchSize: 2,
  quantileBuckets: 1024,
  quantileAccuracy: 0.009,
  examples: 20,
};

/** Saves every family of an export under a run, as a finished analysis would. */
export function saveStats(db: Database.Database, runId: string, stats: StatsExport): void {
  const store = createStatsStore(db, runId);
  store.saveRun(stats.run, { device: 'cpu' });
  stats.saes.forEach((sae, index) => {
    store.saveSae(index, sae);
    store.saveFeatures(index, sae.features);
    store.savePositions(index, sae.positions);
    store.saveSummary(index, sae.summary);
  });
}

/** Records a finished run holding `stats` in the database at `databasePath`; returns its id. */
export function storeFinishedRun(databasePath: string, stats: StatsExport, settings: RunSettings = RUN_SETTINGS): string {
  const db = openDatabase(databasePath);
  try {
    const { id } = createRun(db, 'statistics', settings);
    saveStats(db, id, stats);
    setRunState(db, id, 'finished');
    return id;
  } finally {
    db.close();
  }
}
