import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { createFolder, fileErrorCause } from '../engine/files.js';
import { InputError } from '../shared/errors.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

/** Set by the Electron main to a better-sqlite3 build for Electron's ABI; job processes inherit it. */
export const NATIVE_BINDING_VARIABLE = 'SAE_STUDIO_SQLITE_BINDING';

export function defaultDatabasePath(): string {
  return join(homedir(), '.sae-studio', 'studio.db');
}

/** Opens (creating if needed) the studio database with WAL, foreign keys and every migration applied. */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') createFolder(dirname(path));
  const db = connect(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    applyMigrations(db, MIGRATIONS);
    return db;
  } catch (error) {
    db.close();
    throw databaseError(path, error);
  }
}

function connect(path: string): Database.Database {
  const nativeBinding = process.env[NATIVE_BINDING_VARIABLE] || undefined;
  try {
    return new Database(path, { nativeBinding });
  } catch (error) {
    throw databaseError(path, error);
  }
}

/** SQLite's result codes in words; the rest keep SQLite's own sentence. */
const DATABASE_CAUSES: Record<string, string> = {
  SQLITE_NOTADB: 'the file is not an SQLite database',
  SQLITE_CORRUPT: 'the database file is damaged',
  SQLITE_READONLY: 'the database (or its folder) is read-only',
  SQLITE_CANTOPEN: 'the file cannot be opened (check that it is a file and its folder is writable)',
  SQLITE_PERM: 'permission denied',
  SQLITE_FULL: 'the disk is full',
  SQLITE_IOERR: 'an input/output error occurred',
};

function databaseError(path: string, error: unknown): InputError {
  const code = String((error as { code?: string }).code ?? '');
  const known = Object.keys(DATABASE_CAUSES).find((prefix) => code === prefix || code.startsWith(`${prefix}_`));
  const cause = known ? DATABASE_CAUSES[known] : code.startsWith('E') ? fileErrorCause(error) : (error as Error).message;
  return new InputError(`Cannot open the database ${path}: ${cause}.`, path);
}

/** Applies, in version order, each migration newer than the database's user_version, one transaction each. */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[]): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((migration) => migration.version > current);
  for (const migration of pending) {
    db.transaction(() => {
      migration.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return pending.map((migration) => migration.version);
}
