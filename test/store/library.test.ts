import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/store/database.js';
import { listLibraryItems, removeLibraryItem, saveLibraryItem } from '../../src-main/store/library.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-library-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('library items', () => {
  it('stores facts and errors and keeps them across reopen', () => {
    const path = join(folder, 'studio.db');
    const db = openDatabase(path);
    const model = saveLibraryItem(db, { path: '/models/gpt2', kind: 'model', facts: { architecture: 'gpt2', layers: 12 } });
    const broken = saveLibraryItem(db, { path: '/saes/bad', facts: {}, error: "This folder has no cfg.json." });
    db.close();
    const reopened = openDatabase(path);
    expect(listLibraryItems(reopened)).toEqual([model, broken]);
    expect(broken.kind).toBeUndefined();
    expect(broken.error).toBe('This folder has no cfg.json.');
    reopened.close();
  });

  it('refreshes an item added twice under the same id', () => {
    const db = openDatabase(join(folder, 'studio.db'));
    const first = saveLibraryItem(db, { path: '/data/a.jsonl', facts: {}, error: 'Unreadable.' });
    const second = saveLibraryItem(db, { path: '/data/a.jsonl', kind: 'dataset', facts: { rows: 10 } });
    expect(second.id).toBe(first.id);
    expect(second.error).toBeUndefined();
    expect(listLibraryItems(db)).toHaveLength(1);
    db.close();
  });

  it('removes by id and says whether anything was removed', () => {
    const db = openDatabase(join(folder, 'studio.db'));
    const item = saveLibraryItem(db, { path: '/data/b.csv', kind: 'dataset', facts: { rows: 3 } });
    expect(removeLibraryItem(db, item.id)).toBe(true);
    expect(removeLibraryItem(db, item.id)).toBe(false);
    expect(listLibraryItems(db)).toEqual([]);
    db.close();
  });
});
