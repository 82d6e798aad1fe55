import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase } from '../../src-main/store/database.js';
import { MIGRATIONS } from '../../src-main/store/migrations/index.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-store-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('creates missing folders and turns on WAL and foreign keys', () => {
    const db = openDatabase(join(folder, 'nested', 'deeper', 'studio.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('applies every migration once and records it', () => {
    const path = join(folder, 'studio.db');
    openDatabase(path).close();
    const db = openDatabase(path);
    const newest = Math.max(...MIGRATIONS.map((migration) => migration.version));
    expect(db.pragma('user_version', { simple: true })).toBe(newest);
    const recorded = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(recorded).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })).sort((a, b) => a.version - b.version));
    db.close();
  });

  it('reports a database it cannot open in one sentence', () => {
    expect(() => openDatabase(folder)).toThrow(/Cannot open the database/);
  });
});

describe('applyMigrations', () => {
  it('runs only newer migrations, in version order', () => {
    const db = openDatabase(join(folder, 'studio.db'));
    const order: string[] = [];
    const later = [
      { version: 901, name: 'second', up: () => order.push('second') },
      { version: 900, name: 'first', up: () => order.push('first') },
    ];
    expect(applyMigrations(db, later)).toEqual([900, 901]);
    expect(applyMigrations(db, later)).toEqual([]);
    expect(order).toEqual(['first', 'second']);
    db.close();
  });

  it('applies a lower-numbered migration that arrives after a higher one, once', () => {
    const db = openDatabase(join(folder, 'studio.db'));
    const order: string[] = [];
    const late = { version: 905, name: 'late', up: () => order.push('late') };
    expect(applyMigrations(db, [{ version: 910, name: 'early', up: () => order.push('early') }])).toEqual([910]);
    expect(applyMigrations(db, [late])).toEqual([905]);
    expect(applyMigrations(db, [late])).toEqual([]);
    expect(order).toEqual(['early', 'late']);
    expect(db.pragma('user_version', { simple: true })).toBe(910);
    db.close();
  });

  it('rolls a failing migration back and leaves the version unchanged', () => {
    const db = openDatabase(join(folder, 'studio.db'));
    const before = db.pragma('user_version', { simple: true });
    const broken = {
      version: 950,
      name: 'broken',
      up: (inner: typeof db) => {
        inner.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => applyMigrations(db, [broken])).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(before);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    db.close();
  });
});
