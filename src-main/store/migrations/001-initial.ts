import type { Migration } from './migration.js';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        settings TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        message TEXT
      );
      CREATE TABLE run_stages (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        line TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
      );
      CREATE TABLE library_items (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        kind TEXT,
        facts TEXT NOT NULL,
        error TEXT,
        added_at TEXT NOT NULL
      );
    `);
  },
};
