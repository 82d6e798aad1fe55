import { copyFileSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { silentProgress } from '../../src-main/engine/progress.js';
import { referenceEncoder } from '../../src-main/engine/sae/reference.js';
import type { SaeParams } from '../../src-main/engine/sae/types.js';
import { runStatisticsShard } from '../../src-main/engine/stats/shard-run.js';
import { DEFAULT_RUN_SETTINGS, type RunSettings } from '../../src-main/shared/settings/run-settings.js';
import { openDatabase } from '../../src-main/store/database.js';
import { mergeShardFiles } from '../../src-main/store/merged-run.js';
import { createRun, getRun } from '../../src-main/store/runs.js';
import { SAE_SPECS, writeSpecSae, writeTinyModel, writeWordDataset } from '../engine/stats/fixtures.js';

const createEncoder = async (params: SaeParams) => referenceEncoder(params);

let root: string;
let base: RunSettings;
const shards: Record<string, string> = {};

async function shard(name: string, settings: RunSettings, index: number, count: number): Promise<void> {
  shards[name] = join(root, `${name}.shard`);
  await runStatisticsShard(settings, { shard: { index, count }, path: shards[name], runId: 'run-a' }, { progress: silentProgress, createEncoder });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'merged-run-'));
  base = {
    ...DEFAULT_RUN_SETTINGS,
    model: writeTinyModel(root),
    saes: [writeSpecSae(join(root, 'sae'), SAE_SPECS[2], 50)],
    dataset: writeWordDataset(join(root, 'words.jsonl'), 40),
    samples: 4,
    context: 16,
    batchSize: 2,
    examples: 2,
    device: 'cpu',
  };
  await shard('a0', base, 0, 2);
  await shard('a1', base, 1, 2);
  await shard('b1', { ...base, dataset: writeWordDataset(join(root, 'other.jsonl'), 40, 17) }, 1, 2);
  await shard('c1', { ...base, saes: [writeSpecSae(join(root, 'other-sae'), SAE_SPECS[2], 51)] }, 1, 2);
  await shard('three', base, 2, 3);
}, 300_000);

/** Every row of every table: what "nothing written" is checked against. */
function snapshot(db: Database.Database): string {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
  return JSON.stringify(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]));
}

/** Merges into a database that already holds one run, expects a refusal naming `named`, and that the database is unchanged. */
function expectRefused(paths: string[], message: RegExp, named: string[]): void {
  const db = openDatabase(join(mkdtempSync(join(root, 'db-')), 'studio.db'));
  try {
    createRun(db, 'statistics', base);
    const before = snapshot(db);
    let error: Error | undefined;
    try {
      mergeShardFiles(db, paths, silentProgress);
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.name).toBe('InputError');
    expect(error?.message).toMatch(message);
    for (const path of named) expect(error?.message).toContain(path);
    expect(snapshot(db)).toBe(before);
  } finally {
    db.close();
  }
}

describe('merge refuses what is not the N shards of one run, and writes nothing', () => {
  it('a shard from another dataset: names the dataset and both files', () => {
    expectRefused([shards.a0, shards.b1], /come from different inputs: the dataset differs/, [shards.a0, shards.b1]);
  });

  it('a shard from another SAE: names the SAE and both files', () => {
    expectRefused([shards.a0, shards.c1], /come from different inputs: SAE 1 of 1 differs/, [shards.a0, shards.c1]);
  });

  it('the same K twice: names both files', () => {
    const copy = join(root, 'a1-copy.shard');
    copyFileSync(shards.a1, copy);
    expectRefused([shards.a0, shards.a1, copy], /^Shard 1\/2 is given twice: /, [shards.a1, copy]);
  });

  it('a missing K: names it', () => {
    expectRefused([shards.a1], /^Shard 0 of 2 is missing \(given: a1\.shard\)\.$/, []);
  });

  it('N disagreeing: names both files and both values', () => {
    expectRefused([shards.a0, shards.three], /disagree on the number of shards N: 2 against 3\.$/, [shards.a0, shards.three]);
  });

  it('a truncated file: names it and how much of it is there', () => {
    const cut = join(root, 'cut.shard');
    copyFileSync(shards.a1, cut);
    truncateSync(cut, 1000);
    expectRefused([shards.a0, cut], /is truncated: it holds 1000 of its \d+ bytes\.$/, [cut]);
  });

  it('a damaged file: one changed byte fails its checksum', () => {
    const bytes = readFileSync(shards.a1);
    bytes[bytes.length - 100] ^= 0xff;
    const damaged = join(root, 'damaged.shard');
    writeFileSync(damaged, bytes);
    expectRefused([shards.a0, damaged], /is damaged: its sha256 checksum does not match its contents\.$/, [damaged]);
  });

  it('a file that is no shard file', () => {
    expectRefused([shards.a0, base.dataset], /is not a SAE Studio shard file/, [base.dataset]);
  });

  it('a run id that is already in the database', () => {
    const db = openDatabase(join(mkdtempSync(join(root, 'db-')), 'studio.db'));
    try {
      mergeShardFiles(db, [shards.a1, shards.a0], silentProgress);
      expect(() => mergeShardFiles(db, [shards.a0, shards.a1], silentProgress)).toThrow("A run with id 'run-a' is already in the database.");
    } finally {
      db.close();
    }
  });
});

describe('a merged run', () => {
  it('is one finished statistics run that lists its shards in K order', () => {
    const db = openDatabase(join(mkdtempSync(join(root, 'db-')), 'studio.db'));
    try {
      const run = mergeShardFiles(db, [shards.a1, shards.a0], silentProgress);
      expect(run).toMatchObject({ id: 'run-a', kind: 'statistics', state: 'finished', windows: 4, context: 16 });
      expect(getRun(db, 'run-a').shards).toEqual([
        { shard: 0, shards: 2, windows: 2, host: expect.any(String), elapsedMs: expect.any(Number), file: shards.a0 },
        { shard: 1, shards: 2, windows: 2, host: expect.any(String), elapsedMs: expect.any(Number), file: shards.a1 },
      ]);
      expect(run.stages).toContain('Layer 1 - Computed and stored summary stats');
      expect(run.kind === 'statistics' && basename(run.settings.dataset)).toBe('words.jsonl');
    } finally {
      db.close();
    }
  });
});
