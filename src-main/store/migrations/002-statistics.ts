import type { Migration } from './migration.js';

/**
 * A run's statistics: one row per run, one per SAE, and one per SAE and family ('features', 'positions',
 * 'summary'). A family row's header is JSON — { scalars, arrays: [[name, length], …], levels? } — and its
 * data blob holds those arrays' Float64 bytes back to back in header order, NaN standing for null.
 */
export const statistics: Migration = {
  version: 2,
  name: 'statistics',
  up(db) {
    db.exec(`
      CREATE TABLE run_statistics (
        run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        dataset TEXT NOT NULL,
        samples INTEGER NOT NULL,
        context INTEGER NOT NULL,
        packing TEXT NOT NULL
      );
      CREATE TABLE sae_statistics (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        sae_index INTEGER NOT NULL,
        hook TEXT NOT NULL,
        d_in INTEGER NOT NULL,
        d_sae INTEGER NOT NULL,
        PRIMARY KEY (run_id, sae_index)
      );
      CREATE TABLE statistic_families (
        run_id TEXT NOT NULL,
        sae_index INTEGER NOT NULL,
        family TEXT NOT NULL CHECK (family IN ('features', 'positions', 'summary')),
        header TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (run_id, sae_index, family),
        FOREIGN KEY (run_id, sae_index) REFERENCES sae_statistics(run_id, sae_index) ON DELETE CASCADE
      );
    `);
  },
};
