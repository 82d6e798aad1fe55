import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, RunRecord } from '../../src-main/api/contract.js';
import { RunService } from '../../src-main/api/run-service.js';
import type { RunSettings } from '../../src-main/shared/settings/run-settings.js';
import { openDatabase } from '../../src-main/store/database.js';
import { getRun } from '../../src-main/store/runs.js';
import { loadRunStats } from '../../src-main/store/statistics.js';
import { ProcessJobLauncher, spawnForkedWorker, type JobLauncher, type WorkerProcess } from '../../src-main/workers/process-adapter.js';
import { allHookNames } from '../../src-main/shared/hooks.js';
import { SAE_SPECS, TINY_MODEL, writeTinyModel, writeWordDataset } from '../engine/stats/fixtures.js';
import { sampleSaeParams, writeSaeLensFolder } from '../helpers/sae-files.js';

// Twelve wide SAEs make the write phase long enough to land a kill or a cancel inside it.
/** One SAE per hook of the tiny model: a run refuses two SAEs on one hook. */
const SAE_COUNT = 10;
const FEATURES = 4096;

let root: string;
let settings: RunSettings;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'run-faults-'));
  const saes = Array.from({ length: SAE_COUNT }, (_, index) => {
    const spec = SAE_SPECS[index % SAE_SPECS.length];
    const params = sampleSaeParams({ inputSize: TINY_MODEL.width, featureCount: FEATURES, architecture: spec.architecture, hook: allHookNames(TINY_MODEL.layers)[index], seed: 40 + index });
    return writeSaeLensFolder(join(root, `sae-${index}`), params);
  });
  settings = {
    model: writeTinyModel(root),
    saes,
    dataset: writeWordDataset(join(root, 'words.jsonl'), 200),
    samples: 8,
    packing: 'packed',
    ce: false,
    ablate: 'none',
    device: 'cpu',
    batchSize: 4,
    quantileBuckets: 1024,
    quantileAccuracy: 0.009,
    examples: 20,
  };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The real statistics job, whose process the test can kill. */
function killableLauncher(): { launcher: JobLauncher; kill(): void } {
  let worker: WorkerProcess | undefined;
  const inner = new ProcessJobLauncher({ spawn: () => (worker = spawnForkedWorker()) });
  return { launcher: inner, kill: () => worker?.kill() };
}

function statisticRows(databasePath: string, runId: string): number {
  const db = openDatabase(databasePath);
  try {
    const tables = ['run_statistics', 'sae_statistics', 'statistic_families'];
    return tables.reduce((total, table) => total + (db.prepare(`SELECT COUNT(*) AS rows FROM ${table} WHERE run_id = ?`).get(runId) as { rows: number }).rows, 0);
  } finally {
    db.close();
  }
}

function refusal(databasePath: string, runId: string): string {
  const db = openDatabase(databasePath);
  try {
    loadRunStats(db, runId);
    return 'served';
  } catch (error) {
    return (error as Error).message;
  } finally {
    db.close();
  }
}

/** Starts a run and acts once the first event matching `when` arrives; returns the run as it ended. */
async function faultedRun(databasePath: string, when: (event: AppEvent) => boolean, act: (service: RunService, run: RunRecord) => void, launcher?: JobLauncher) {
  const service = new RunService({ databasePath, launcher });
  const run = service.start('statistics', settings);
  let acted = false;
  service.onEvent((event) => {
    if (acted || !when(event)) return;
    acted = true;
    act(service, run);
  });
  const ended = await service.wait(run.id);
  service.close();
  return ended;
}

const isProgress = (event: AppEvent) => event.type === 'run.progress';
const isFirstWrite = (event: AppEvent) => event.type === 'run.stage' && event.line.includes('Computed and stored feature-level stats');

describe('a run that does not finish leaves nothing to serve', () => {
  it('a job killed while computing: failed, no statistics', async () => {
    const databasePath = join(root, 'kill-compute.db');
    const { launcher, kill } = killableLauncher();
    const run = await faultedRun(databasePath, isProgress, kill, launcher);
    expect(run).toMatchObject({ state: 'failed', message: "The statistics job's process stopped unexpectedly (signal SIGKILL)." });
    expect(statisticRows(databasePath, run.id)).toBe(0);
    expect(refusal(databasePath, run.id)).toBe(`Run '${run.id}' has no results: it is failed, not finished.`);
  });

  it('a job killed while writing: failed, and the SAEs it had stored are gone', async () => {
    const databasePath = join(root, 'kill-write.db');
    const { launcher, kill } = killableLauncher();
    const run = await faultedRun(databasePath, isFirstWrite, kill, launcher);
    expect(run.state).toBe('failed');
    expect(run.stages.length).toBeLessThan(3 * SAE_COUNT);
    expect(statisticRows(databasePath, run.id)).toBe(0);
  });

  it('a cancel while writing is honoured: cancelled, no statistics', async () => {
    const databasePath = join(root, 'cancel-write.db');
    const run = await faultedRun(databasePath, isFirstWrite, (service, started) => service.cancel(started.id));
    expect(run).toMatchObject({ state: 'cancelled', message: 'Cancelled by the user.' });
    expect(statisticRows(databasePath, run.id)).toBe(0);
  });
});

function startCli(databasePath: string): ChildProcess {
  const args = ['src-main/cli/bin.js', 'analyze', '--model', settings.model, '--dataset', settings.dataset, '--device', 'cpu', '--db', databasePath];
  const saes = settings.saes.flatMap((path) => ['--sae', path]);
  // Its own process group, as a shell gives a foreground job, so Ctrl-C can be sent to the group.
  return spawn('node', [...args, ...saes, '--samples', '4096', '--batch-size', '2'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

function once(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) resolve(match[1] ?? match[0]);
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', () => reject(new Error(`The CLI exited before printing ${pattern}: ${seen}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the analyze command stopped from outside', () => {
  it('Ctrl-C marks the run interrupted, stops the job and exits 130', async () => {
    const databasePath = join(root, 'sigint.db');
    const child = startCli(databasePath);
    const runId = await once(child, /Run ([0-9a-f]{8})/);
    await once(child, /Layer \d/);
    const code = exited(child);
    process.kill(-child.pid!, 'SIGINT');
    expect(await code).toBe(130);
    const db = openDatabase(databasePath);
    expect(getRun(db, runId)).toMatchObject({ state: 'interrupted', message: 'The app stopped before this run finished.' });
    db.close();
    expect(statisticRows(databasePath, runId)).toBe(0);
  }, 60_000);

  it('a killed parent leaves a run that the next start marks interrupted, and it is never served meanwhile', async () => {
    const databasePath = join(root, 'parent-killed.db');
    const child = startCli(databasePath);
    const runId = await once(child, /Run ([0-9a-f]{8})/);
    await once(child, /Layer \d/);
    const code = exited(child);
    child.kill('SIGKILL');
    await code;
    expect(refusal(databasePath, runId)).toBe(`Run '${runId}' has no results: it is running, not finished.`);
    const service = new RunService({ databasePath });
    expect(service.get(runId)).toMatchObject({ state: 'interrupted', message: 'The app stopped before this run finished.' });
    service.close();
    expect(statisticRows(databasePath, runId)).toBe(0);
  }, 60_000);
});
