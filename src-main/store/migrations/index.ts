import type Database from 'better-sqlite3';
import { initial } from './001-initial.js';
import { statistics } from './002-statistics.js';
import { runOwner } from './003-run-owner.js';
import { runDetails } from './009-run-details.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/** Every schema change, oldest first; a database records the ones it has in schema_migrations and user_version. */
export const MIGRATIONS: Migration[] = [initial, statistics, runOwner, runDetails];
