import type { Migration } from './migration.js';

/** The execution provider a run used (beside its windows and context in run_statistics) and the user's note on a run. */
export const runDetails: Migration = {
  version: 9,
  name: 'run-details',
  up(db) {
    db.exec(`
      ALTER TABLE run_statistics ADD COLUMN device TEXT;
      ALTER TABLE runs ADD COLUMN note TEXT;
    `);
  },
};
