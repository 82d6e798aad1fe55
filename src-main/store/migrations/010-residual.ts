import type { Migration } from './migration.js';

/**
 * A residual run's statistics, one row per run: the header is JSON — { run, layers, massive, arrays: [[name, rows, length], …] } —
 * and the data blob holds those [rows][length] arrays' Float64 bytes back to back in header order. An inspect run keeps its
 * TextInspection here as the header, with an empty blob.
 */
export const residual: Migration = {
  version: 10,
  name: 'residual',
  up(db) {
    db.exec(`
      CREATE TABLE residual_statistics (
        run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        header TEXT NOT NULL,
        data BLOB NOT NULL
      );
    `);
  },
};
