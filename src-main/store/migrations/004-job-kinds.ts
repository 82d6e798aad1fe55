import type { Migration } from './migration.js';

/** Every run is a job of some kind; the runs before kinds existed were all statistics runs. */
export const jobKinds: Migration = {
  version: 4,
  name: 'job-kinds',
  up(db) {
    db.exec("ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'statistics'");
  },
};
