import type { Migration } from './migration.js';

/** Which process runs a job, so a second process opening the database leaves live runs alone. */
export const runOwner: Migration = {
  version: 3,
  name: 'run-owner',
  up(db) {
    db.exec('ALTER TABLE runs ADD COLUMN owner_pid INTEGER');
  },
};
