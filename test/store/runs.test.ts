import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSettings } from '../../src-main/shared/settings/run-settings.js';
import { applyMigrations, openDatabase } from '../../src-main/store/database.js';
import { MIGRATIONS } from '../../src-main/store/migrations/index.js';
import { appendStage, createRun, getRun, listRuns, markInterruptedRuns, requireFinishedRun, setRunState } from '../../src-main/store/runs.js';
import { createStatsStore } from '../../src-main/store/statistics.js';
import { RUN_SETTINGS } from '../helpers/runs.js';

const SETTINGS: RunSettings = { ...RUN_SETTINGS, samples: 16, batchSize: 4 };

let folder: string;
let path: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-runs-'));
  path = join(folder, 'studio.db');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('run registry', () => {
  it('adds the windows used, the resolved context and the device once the statistics are stored', () => {
    const db = openDatabase(path);
    const { id } = createRun(db, 'statistics', { ...SETTINGS, samples: 5000 });
    expect(getRun(db, id)).not.toHaveProperty('device');
    createStatsStore(db, id).saveRun({ model: SETTINGS.model, dataset: SETTINGS.dataset, samples: 137, context: 128, packing: 'packed' }, { device: 'webgpu' });
    expect(getRun(db, id)).toMatchObject({ windows: 137, context: 128, device: 'webgpu', settings: { samples: 5000 } });
    db.close();
  });

  it('creates queued runs and lists them newest first', () => {
    const db = openDatabase(path);
    const first = createRun(db, 'statistics', SETTINGS);
    const second = createRun(db, 'statistics', { ...SETTINGS, samples: 32 });
    expect(first.state).toBe('queued');
    expect(first.settings).toEqual(SETTINGS);
    expect(listRuns(db).map((run) => run.id)).toEqual([second.id, first.id]);
    expect(getRun(db, 'latest').id).toBe(second.id);
    db.close();
  });

  it('records stage lines in order and state changes with a finish time', () => {
    const db = openDatabase(path);
    const run = createRun(db, 'statistics', SETTINGS);
    appendStage(db, run.id, 'Layer 0 - Computed and stored feature-level stats');
    appendStage(db, run.id, 'Layer 1 - Computed and stored feature-level stats');
    const failed = setRunState(db, run.id, 'failed', 'The model folder has no config.json.');
    expect(failed.stages).toEqual([
      'Layer 0 - Computed and stored feature-level stats',
      'Layer 1 - Computed and stored feature-level stats',
    ]);
    expect(failed.message).toBe('The model folder has no config.json.');
    expect(failed.finishedAt).toBeDefined();
    expect(setRunState(db, run.id, 'running').finishedAt).toBeUndefined();
    db.close();
  });

  it('survives closing and reopening the database', () => {
    const db = openDatabase(path);
    const run = createRun(db, 'statistics', SETTINGS);
    appendStage(db, run.id, 'Tokenized 16 windows');
    setRunState(db, run.id, 'finished');
    db.close();
    const reopened = openDatabase(path);
    expect(getRun(reopened, run.id)).toMatchObject({ id: run.id, state: 'finished', stages: ['Tokenized 16 windows'] });
    reopened.close();
  });

  it('marks runs a previous process left active as interrupted', () => {
    const db = openDatabase(path);
    const queued = createRun(db, 'statistics', SETTINGS);
    const running = setRunState(db, createRun(db, 'statistics', SETTINGS).id, 'running');
    const finished = setRunState(db, createRun(db, 'statistics', SETTINGS).id, 'finished');
    expect(markInterruptedRuns(db)).toBe(2);
    expect(getRun(db, queued.id).state).toBe('interrupted');
    expect(getRun(db, running.id).state).toBe('interrupted');
    expect(getRun(db, finished.id).state).toBe('finished');
    db.close();
  });

  it('names an unknown run in a one-sentence error', () => {
    const db = openDatabase(path);
    expect(() => getRun(db, 'latest')).toThrow('There are no runs yet.');
    expect(() => getRun(db, 'nope')).toThrow("There is no run with id 'nope'.");
    expect(() => setRunState(db, 'nope', 'failed')).toThrow("There is no run with id 'nope'.");
    db.close();
  });
});

describe('markInterruptedRuns', () => {
  it('leaves runs of a live process alone', () => {
    const db = openDatabase(path);
    const live = setRunState(db, createRun(db, 'statistics', SETTINGS).id, 'running');
    const gone = setRunState(db, createRun(db, 'statistics', SETTINGS).id, 'running');
    const parentPid = process.ppid;
    db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(parentPid, live.id);
    db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(2 ** 22 + 1, gone.id);
    expect(markInterruptedRuns(db)).toBe(1);
    expect(getRun(db, live.id).state).toBe('running');
    expect(getRun(db, gone.id).state).toBe('interrupted');
    db.close();
  });
});

describe('requireFinishedRun', () => {
  it('gives a finished run of the asked kind, latest meaning the newest of that kind', () => {
    const db = openDatabase(path);
    const older = setRunState(db, createRun(db, 'statistics', SETTINGS).id, 'finished');
    expect(requireFinishedRun(db, 'latest', 'statistics').id).toBe(older.id);
    expect(requireFinishedRun(db, older.id, 'statistics').settings).toEqual(SETTINGS);
    db.close();
  });

  it('refuses runs that have not finished, naming their state', () => {
    const db = openDatabase(path);
    for (const state of ['queued', 'running', 'failed', 'cancelled', 'interrupted'] as const) {
      const run = setRunState(db, createRun(db, 'statistics', SETTINGS).id, state);
      expect(() => requireFinishedRun(db, run.id, 'statistics')).toThrow(`Run '${run.id}' has no results: it is ${state}, not finished.`);
    }
    db.close();
  });

  it('refuses a run of another kind and says when a kind has no runs', () => {
    const db = openDatabase(path);
    expect(() => requireFinishedRun(db, 'latest', 'statistics')).toThrow('There are no statistics runs yet.');
    const run = createRun(db, 'statistics', SETTINGS);
    db.prepare("UPDATE runs SET kind = 'match' WHERE id = ?").run(run.id);
    expect(() => requireFinishedRun(db, run.id, 'statistics')).toThrow(`Run '${run.id}' is a match run, not a statistics run.`);
    db.close();
  });
});

describe('migration 004 (job kinds)', () => {
  it('makes every run recorded before kinds existed a statistics run', () => {
    const db = new Database(path);
    applyMigrations(db, MIGRATIONS.filter((migration) => migration.version < 4));
    db.prepare("INSERT INTO runs (id, state, settings, created_at) VALUES ('old1', 'finished', ?, '2026-01-01T00:00:00Z')").run(JSON.stringify(SETTINGS));
    applyMigrations(db, MIGRATIONS);
    expect(db.prepare('SELECT id, kind FROM runs').all()).toEqual([{ id: 'old1', kind: 'statistics' }]);
    db.close();
    const reopened = openDatabase(path);
    expect(getRun(reopened, 'old1')).toMatchObject({ kind: 'statistics', state: 'finished', settings: SETTINGS });
    reopened.close();
  });
});
