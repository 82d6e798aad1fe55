import type { Migration } from './migration.js';

/**
 * Correlation runs keep one row per SAE: the per-feature arrays as Float64 bytes back to back (pearson, mean_positive,
 * mean_negative) and the top features as JSON. Generation and steering runs keep one row per prompt and variant.
 */
export const corrsteer: Migration = {
  version: 8,
  name: 'correlations-and-generations',
  up(db) {
    db.exec(`
      CREATE TABLE correlations (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        sae_index INTEGER NOT NULL,
        hook TEXT NOT NULL,
        label TEXT NOT NULL,
        pooling TEXT NOT NULL,
        rows INTEGER NOT NULL,
        feature_count INTEGER NOT NULL,
        data BLOB NOT NULL,
        top TEXT NOT NULL,
        PRIMARY KEY (run_id, sae_index)
      );
      CREATE TABLE generations (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        prompt_index INTEGER NOT NULL,
        variant TEXT NOT NULL,
        prompt TEXT NOT NULL,
        text TEXT NOT NULL,
        tokens TEXT NOT NULL,
        pieces TEXT NOT NULL,
        features TEXT NOT NULL,
        PRIMARY KEY (run_id, prompt_index, variant)
      );
    `);
  },
};
