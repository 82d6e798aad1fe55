import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

/** What the loaders can recognise. */
export type LibraryKind = 'model' | 'sae' | 'dataset';

export interface LibraryItem {
  id: string;
  path: string;
  kind?: LibraryKind;
  /** What the loader recognised: architecture, layers, d_in/d_sae, hook, dtype, rows, columns… */
  facts: Record<string, string | number>;
  error?: string;
  addedAt: string;
}

export interface LibraryEntry {
  path: string;
  kind?: LibraryKind;
  facts: Record<string, string | number>;
  error?: string;
}

interface LibraryRow {
  id: string;
  path: string;
  kind: LibraryKind | null;
  facts: string;
  error: string | null;
  added_at: string;
}

function toItem(row: LibraryRow): LibraryItem {
  return {
    id: row.id,
    path: row.path,
    ...(row.kind ? { kind: row.kind } : {}),
    facts: JSON.parse(row.facts) as Record<string, string | number>,
    ...(row.error ? { error: row.error } : {}),
    addedAt: row.added_at,
  };
}

/** Adds an item, or refreshes the one already recorded for the same path (keeping its id). */
export function saveLibraryItem(db: Database.Database, entry: LibraryEntry): LibraryItem {
  db.prepare(
    `INSERT INTO library_items (id, path, kind, facts, error, added_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(path) DO UPDATE SET kind = excluded.kind, facts = excluded.facts, error = excluded.error, added_at = excluded.added_at`,
  ).run(randomBytes(4).toString('hex'), entry.path, entry.kind ?? null, JSON.stringify(entry.facts), entry.error ?? null, new Date().toISOString());
  const row = db.prepare('SELECT * FROM library_items WHERE path = ?').get(entry.path) as LibraryRow;
  return toItem(row);
}

export function listLibraryItems(db: Database.Database): LibraryItem[] {
  const rows = db.prepare('SELECT * FROM library_items ORDER BY added_at, rowid').all() as LibraryRow[];
  return rows.map(toItem);
}

export function removeLibraryItem(db: Database.Database, id: string): boolean {
  return db.prepare('DELETE FROM library_items WHERE id = ?').run(id).changes > 0;
}
