import type { Migration } from './migration.js';

/**
 * What feature pages read. run_statistics.examples is the examples kept per feature (NULL: the run predates them,
 * 0: turned off). A feature_pages row holds one feature's examples — window Int32, position Int32, value Float32 and
 * the feature at positions p − 8 … p + 8 as 17 float16, little-endian, best first — and its 32 Uint32 histogram counts; example_windows holds each referenced window's
 * token ids (Int32, valid length only) once per run. Primary keys make opening one page two index lookups.
 */
export const featurePages: Migration = {
  version: 5,
  name: 'feature-pages',
  up(db) {
    db.exec(`
      ALTER TABLE run_statistics ADD COLUMN examples INTEGER;
      CREATE TABLE feature_pages (
        run_id TEXT NOT NULL,
        sae_index INTEGER NOT NULL,
        feature INTEGER NOT NULL,
        examples BLOB NOT NULL,
        histogram BLOB NOT NULL,
        PRIMARY KEY (run_id, sae_index, feature),
        FOREIGN KEY (run_id, sae_index) REFERENCES sae_statistics(run_id, sae_index) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE TABLE example_windows (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        window_index INTEGER NOT NULL,
        tokens BLOB NOT NULL,
        PRIMARY KEY (run_id, window_index)
      ) WITHOUT ROWID;
    `);
  },
};
