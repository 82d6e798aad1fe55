import type { Migration } from './migration.js';

/** The shards a merged run was computed from: one row per shard K of N, with its block's size and where and how long it ran. */
export const shards: Migration = {
  version: 11,
  name: 'shards',
  up(db) {
    db.exec(`
      CREATE TABLE run_shards (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        shard INTEGER NOT NULL,
        shards INTEGER NOT NULL,
        windows INTEGER NOT NULL,
        host TEXT NOT NULL,
        elapsed_ms INTEGER NOT NULL,
        file TEXT NOT NULL,
        PRIMARY KEY (run_id, shard)
      );
    `);
  },
};
