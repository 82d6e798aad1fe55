import type Database from 'better-sqlite3';
import { describeError, InputError } from '../shared/errors.js';
import { CancelledError } from '../engine/progress.js';
import type { RunSettings } from '../shared/settings/run-settings.js';
import { openDatabase } from '../store/database.js';
import { appendStage, createRun, getRun, INTERRUPTED_MESSAGE, listRuns, markInterruptedRuns, setRunState } from '../store/runs.js';
import { JobFailedError, ProcessJobLauncher, type JobHandle, type JobLauncher } from '../workers/process-adapter.js';
import type { AppEvent, RunRecord, RunState } from './contract.js';

export interface RunServiceOptions {
  databasePath: string;
  launcher?: JobLauncher;
}

/** What the analyze job receives: it reopens the same database to store its statistics. */
export interface AnalyzePayload {
  runId: string;
  settings: RunSettings;
  databasePath: string;
}

/** Starts statistics runs as jobs, records every state change and stage line, and tells listeners. */
export class RunService {
  readonly #db: Database.Database;
  readonly #databasePath: string;
  readonly #launcher: JobLauncher;
  readonly #jobs = new Map<string, JobHandle>();
  readonly #completions = new Map<string, Promise<RunRecord>>();
  readonly #listeners = new Set<(event: AppEvent) => void>();
  readonly #lastKnown = new Map<string, RunRecord>();
  #closed = false;

  constructor(options: RunServiceOptions) {
    this.#databasePath = options.databasePath;
    this.#db = openDatabase(options.databasePath);
    this.#launcher = options.launcher ?? new ProcessJobLauncher();
    markInterruptedRuns(this.#db);
  }

  start(settings: RunSettings): RunRecord {
    const { id } = createRun(this.#db, settings);
    const payload: AnalyzePayload = { runId: id, settings, databasePath: this.#databasePath };
    let job: JobHandle;
    try {
      job = this.#launcher.launch('analyze', payload, {
        progress: (label, done, total) => this.#emit({ type: 'run.progress', runId: id, label, done, total }),
        log: (line) => this.#recordStage(id, line),
      });
    } catch (error) {
      return this.#transition(id, 'failed', `Could not start the job process: ${(error as Error).message}`);
    }
    this.#jobs.set(id, job);
    this.#completions.set(id, this.#follow(id, job));
    return this.#transition(id, 'running');
  }

  /** Asks a running job to stop; the run turns 'cancelled' once its process has. */
  cancel(runId: string): RunRecord {
    const run = getRun(this.#db, runId);
    const job = this.#jobs.get(run.id);
    if (!job) throw new InputError(`Run '${run.id}' is not running; it is ${run.state}.`);
    job.cancel();
    return run;
  }

  /** Settles when the run reaches a final state (at once for a run that already has). */
  wait(runId: string): Promise<RunRecord> {
    const run = getRun(this.#db, runId);
    return this.#completions.get(run.id) ?? Promise.resolve(run);
  }

  list(): RunRecord[] {
    return listRuns(this.#db);
  }

  get(idOrLatest: string): RunRecord {
    return getRun(this.#db, idOrLatest);
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops every job; their runs are recorded as interrupted, as a crash would leave them. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [runId, job] of this.#jobs) {
      job.cancel();
      setRunState(this.#db, runId, 'interrupted', INTERRUPTED_MESSAGE);
    }
    this.#db.close();
  }

  async #follow(runId: string, job: JobHandle): Promise<RunRecord> {
    try {
      await job.result;
      return this.#transition(runId, 'finished');
    } catch (error) {
      if (error instanceof CancelledError) return this.#transition(runId, 'cancelled', error.message);
      const message = error instanceof JobFailedError ? error.message : describeError(error).message;
      return this.#transition(runId, 'failed', message);
    } finally {
      this.#jobs.delete(runId);
      this.#completions.delete(runId);
      this.#lastKnown.delete(runId);
    }
  }

  #transition(runId: string, state: RunState, message?: string): RunRecord {
    const last = this.#lastKnown.get(runId);
    if (this.#closed && last) return { ...last, state: 'interrupted' };
    const run = setRunState(this.#db, runId, state, message);
    this.#lastKnown.set(runId, run);
    this.#emit({ type: 'run.state', run });
    return run;
  }

  #recordStage(runId: string, line: string): void {
    if (this.#closed) return;
    appendStage(this.#db, runId, line);
    this.#emit({ type: 'run.stage', runId, line });
  }

  #emit(event: AppEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
