import type { Migration } from './migration.js';

/**
 * A match's results: one row per SAE it compared and one per pair (A = SAE a_index, B = SAE b_index). A pair's
 * header is JSON — its scalars, summaries and [name, type, length] of each array — and its data blob holds those
 * arrays' bytes back to back in header order (int32 or float32, little-endian).
 */
export const matches: Migration = {
  version: 6,
  name: 'matches',
  up(db) {
    db.exec(`
      CREATE TABLE match_saes (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        sae_index INTEGER NOT NULL,
        source TEXT NOT NULL,
        hook TEXT NOT NULL,
        d_sae INTEGER NOT NULL,
        zero_norm INTEGER NOT NULL,
        model_name TEXT,
        PRIMARY KEY (run_id, sae_index)
      );
      CREATE TABLE match_pairs (
        run_id TEXT NOT NULL,
        a_index INTEGER NOT NULL,
        b_index INTEGER NOT NULL,
        header TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (run_id, a_index, b_index),
        FOREIGN KEY (run_id, a_index) REFERENCES match_saes(run_id, sae_index) ON DELETE CASCADE,
        FOREIGN KEY (run_id, b_index) REFERENCES match_saes(run_id, sae_index) ON DELETE CASCADE
      );
    `);
  },
};
