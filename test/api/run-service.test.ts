import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src-main/api/contract.js';
import { RunService } from '../../src-main/api/run-service.js';
import { openDatabase } from '../../src-main/store/database.js';
import { createRun, getRun, setRunState } from '../../src-main/store/runs.js';
import type { JobInput } from '../../src-main/workers/handler.js';
import { ProcessJobLauncher, type JobLauncher } from '../../src-main/workers/process-adapter.js';
import { RUN_SETTINGS } from '../helpers/runs.js';
import { enableProbeJobs, type ProbeSettings } from '../workers/probe-job.js';

enableProbeJobs();

/** Runs the real probe job in a real child process in place of the statistics job, and keeps what it was asked. */
function probeLauncher(probe: Partial<ProbeSettings>, received: JobInput<unknown>[] = []): JobLauncher {
  const inner = new ProcessJobLauncher({ cancelGraceMs: 2_000 });
  return {
    launch(kind, input, listener) {
      expect(kind).toBe('statistics');
      received.push(input);
      return inner.launch('probe', { ...input, settings: probe }, listener);
    },
  };
}

let folder: string;
let databasePath: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-run-service-'));
  databasePath = join(folder, 'studio.db');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('RunService', () => {
  it('runs a job to the end, recording stages and emitting events in order', async () => {
    const received: JobInput<unknown>[] = [];
    const service = new RunService({ databasePath, launcher: probeLauncher({ steps: 3 }, received) });
    const events: AppEvent[] = [];
    service.onEvent((event) => events.push(event));
    const started = service.start('statistics', RUN_SETTINGS);
    expect(started.state).toBe('running');
    expect(received).toEqual([{ runId: started.id, settings: RUN_SETTINGS, databasePath }]);
    const finished = await service.wait(started.id);
    expect(finished).toMatchObject({ state: 'finished', stages: ['Probe - Finished 3 steps'] });
    expect(events.filter((event) => event.type === 'run.progress')).toHaveLength(3);
    expect(events.map((event) => (event.type === 'run.state' ? event.run.state : event.type))).toEqual([
      'queued', 'running', 'run.progress', 'run.progress', 'run.progress', 'run.stage', 'finished',
    ]);
    service.close();
  });

  it('records a crashed job as failed with a clear message and keeps working', async () => {
    const service = new RunService({ databasePath, launcher: probeLauncher({ steps: 2, behaviour: 'crash' }) });
    const failed = await service.wait(service.start('statistics', RUN_SETTINGS).id);
    expect(failed.state).toBe('failed');
    expect(failed.message).toBe("The probe job's process stopped unexpectedly (exit code 70).");
    expect(service.list()).toHaveLength(1);
    service.close();
  });

  it('cancels a running job', async () => {
    const service = new RunService({ databasePath, launcher: probeLauncher({ steps: 10_000, delayMs: 5 }) });
    const run = service.start('statistics', RUN_SETTINGS);
    await new Promise<void>((resolve) => service.onEvent((event) => event.type === 'run.progress' && resolve()));
    service.cancel(run.id);
    expect(await service.wait(run.id)).toMatchObject({ state: 'cancelled', message: 'Cancelled by the user.' });
    expect(() => service.cancel(run.id)).toThrow(`Run '${run.id}' is not running; it is cancelled.`);
    service.close();
  });

  it('lists earlier runs after a restart and marks the unfinished ones interrupted', async () => {
    const first = new RunService({ databasePath, launcher: probeLauncher({ steps: 1 }) });
    const done = await first.wait(first.start('statistics', RUN_SETTINGS).id);
    first.close();
    const db = openDatabase(databasePath);
    const orphan = setRunState(db, createRun(db, 'statistics', RUN_SETTINGS).id, 'running');
    db.close();
    const second = new RunService({ databasePath, launcher: probeLauncher({ steps: 1 }) });
    expect(second.list().map((run) => [run.id, run.state])).toEqual([
      [orphan.id, 'interrupted'],
      [done.id, 'finished'],
    ]);
    expect(second.get('latest').message).toBe('The app stopped before this run finished.');
    second.close();
  });
});

describe('RunService failures around the job', () => {
  it('records a run whose process cannot start as failed', () => {
    const refusing: JobLauncher = {
      launch: () => {
        throw new Error('spawn EAGAIN');
      },
    };
    const service = new RunService({ databasePath, launcher: refusing });
    const run = service.start('statistics', RUN_SETTINGS);
    expect(run).toMatchObject({ state: 'failed', message: 'Could not start the job process: spawn EAGAIN' });
    service.close();
  });

  it('records runs still going at close as interrupted', async () => {
    const service = new RunService({ databasePath, launcher: probeLauncher({ steps: 2, behaviour: 'hang' }) });
    const run = service.start('statistics', RUN_SETTINGS);
    const completion = service.wait(run.id);
    service.close();
    expect((await completion).state).toBe('interrupted');
    const db = openDatabase(databasePath);
    expect(getRun(db, run.id)).toMatchObject({ state: 'interrupted', message: 'The app stopped before this run finished.' });
    db.close();
  });
});

describe('RunService queue', () => {
  const untilProgress = (service: RunService, runId: string) =>
    new Promise<void>((resolve) => service.onEvent((event) => event.type === 'run.progress' && event.runId === runId && resolve()));

  it('queues runs beyond the parallel limit and starts the next when one ends', async () => {
    const received: JobInput<unknown>[] = [];
    const service = new RunService({ databasePath, launcher: probeLauncher({ steps: 3, delayMs: 20 }, received) });
    const first = service.start('statistics', RUN_SETTINGS);
    const second = service.start('statistics', { ...RUN_SETTINGS, samples: 9 });
    expect([first.state, second.state]).toEqual(['running', 'queued']);
    expect(received.map((input) => input.runId)).toEqual([first.id]);
    const [firstDone, secondDone] = await Promise.all([service.wait(first.id), service.wait(second.id)]);
    expect([firstDone.state, secondDone.state]).toEqual(['finished', 'finished']);
    expect(received.map((input) => input.runId)).toEqual([first.id, second.id]);
    expect(Date.parse(secondDone.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(firstDone.finishedAt!));
    service.close();
  });

  it('runs as many at once as parallelRuns allows', () => {
    const service = new RunService({ databasePath, launcher: probeLauncher({ steps: 2, behaviour: 'hang' }), parallelRuns: 2 });
    const states = [1, 2, 3].map(() => service.start('statistics', RUN_SETTINGS).state);
    expect(states).toEqual(['running', 'running', 'queued']);
    service.close();
  });

  it('cancels a queued run without ever starting it', async () => {
    const received: JobInput<unknown>[] = [];
    const service = new RunService({ databasePath, launcher: probeLauncher({ steps: 10_000, delayMs: 5 }, received) });
    const running = service.start('statistics', RUN_SETTINGS);
    const queued = service.start('statistics', RUN_SETTINGS);
    expect(service.cancel(queued.id)).toMatchObject({ state: 'cancelled', message: 'Cancelled by the user.' });
    expect(await service.wait(queued.id)).toMatchObject({ state: 'cancelled' });
    await untilProgress(service, running.id);
    service.cancel(running.id);
    expect(await service.wait(running.id)).toMatchObject({ state: 'cancelled' });
    expect(received.map((input) => input.runId)).toEqual([running.id]);
    service.close();
  });

  it('records queued runs as interrupted at close', async () => {
    const service = new RunService({ databasePath, launcher: probeLauncher({ steps: 2, behaviour: 'hang' }) });
    service.start('statistics', RUN_SETTINGS);
    const queued = service.start('statistics', RUN_SETTINGS);
    const completion = service.wait(queued.id);
    service.close();
    expect(await completion).toMatchObject({ state: 'interrupted', message: 'The app stopped before this run finished.' });
  });

  it("refuses settings that break the kind's schema, recording nothing", () => {
    const service = new RunService({ databasePath, launcher: probeLauncher({ steps: 1 }) });
    expect(() => service.start('statistics', { ...RUN_SETTINGS, samples: 0 })).toThrow(
      'The statistics run: settings.samples must be a whole number of at least 1, not 0.',
    );
    expect(() => service.start('nonsense' as 'statistics', RUN_SETTINGS)).toThrow("There is no job kind 'nonsense'");
    expect(service.list()).toEqual([]);
    service.close();
  });

  it('refuses a parallel limit below one', () => {
    expect(() => new RunService({ databasePath, parallelRuns: 0 })).toThrow("Parallel runs must be a whole number of at least 1, not '0'.");
  });
});
