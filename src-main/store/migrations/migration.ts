import type Database from 'better-sqlite3';

/** One schema change; migrations are numbered files in this folder, listed in index.ts. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
