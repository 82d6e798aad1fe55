import type Database from 'better-sqlite3';
import { CancelledError } from '../engine/progress.js';
import { describeError, InputError } from '../shared/errors.js';
import type { JobKindName, JobSettings } from '../shared/jobs.js';
import { PayloadReader } from '../shared/settings/payload-reader.js';
import { openDatabase } from '../store/database.js';
import {
  appendStage,
  createRun,
  getRun,
  INTERRUPTED_MESSAGE,
  listRuns,
  markInterruptedRuns,
  setRunState,
  type RunRecord,
  type RunRecordOf,
  type RunState,
} from '../store/runs.js';
import type { JobInput } from '../workers/handler.js';
import { jobKind } from '../workers/kinds.js';
import { JobFailedError, ProcessJobLauncher, type JobHandle, type JobLauncher } from '../workers/process-adapter.js';
import type { AppEvent } from './contract.js';

export interface RunServiceOptions {
  databasePath: string;
  launcher?: JobLauncher;
  /** How many runs may go at once; the rest wait in order. */
  parallelRuns?: number;
}

export const DEFAULT_PARALLEL_RUNS = 1;

/** Queues jobs of every kind, starts them as slots free up, records every state change and stage line, and tells listeners. */
export class RunService {
  readonly #db: Database.Database;
  readonly #databasePath: string;
  readonly #launcher: JobLauncher;
  readonly #parallelRuns: number;
  readonly #queue: string[] = [];
  readonly #jobs = new Map<string, JobHandle>();
  readonly #completions = new Map<string, { promise: Promise<RunRecord>; settle(run: RunRecord): void }>();
  readonly #listeners = new Set<(event: AppEvent) => void>();
  #closed = false;

  constructor(options: RunServiceOptions) {
    this.#databasePath = options.databasePath;
    this.#db = openDatabase(options.databasePath);
    this.#launcher = options.launcher ?? new ProcessJobLauncher();
    this.#parallelRuns = options.parallelRuns ?? DEFAULT_PARALLEL_RUNS;
    if (!Number.isInteger(this.#parallelRuns) || this.#parallelRuns < 1) {
      throw new InputError(`Parallel runs must be a whole number of at least 1, not '${this.#parallelRuns}'.`);
    }
    markInterruptedRuns(this.#db);
  }

  /** Checks the settings against the kind's schema, queues the run and starts it if a slot is free. */
  start<K extends JobKindName>(kind: K, settings: JobSettings[K]): RunRecordOf<K> {
    const checked = jobKind(kind).readSettings(new PayloadReader(`The ${kind} run`, settings, 'settings')) as JobSettings[K];
    const run = createRun(this.#db, kind, checked);
    this.#completions.set(run.id, settlement());
    this.#queue.push(run.id);
    this.#emit({ type: 'run.state', run: run as RunRecord });
    this.#startQueued();
    return getRun(this.#db, run.id) as RunRecordOf<K>;
  }

  /** Takes a queued run off the queue at once; asks a running job to stop, the run turning 'cancelled' once its process has. */
  cancel(runId: string): RunRecord {
    const run = getRun(this.#db, runId);
    const queued = this.#queue.indexOf(run.id);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      return this.#end(run.id, 'cancelled', new CancelledError().message) ?? run;
    }
    const job = this.#jobs.get(run.id);
    if (!job) throw new InputError(`Run '${run.id}' is not running; it is ${run.state}.`);
    job.cancel();
    return run;
  }

  /** Settles when the run reaches a final state (at once for a run that already has). */
  wait(runId: string): Promise<RunRecord> {
    const run = getRun(this.#db, runId);
    return this.#completions.get(run.id)?.promise ?? Promise.resolve(run);
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

  /** Stops every job and empties the queue; their runs are recorded as interrupted, as a crash would leave them. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const unfinished = [...this.#queue.splice(0), ...this.#jobs.keys()];
    for (const runId of unfinished) {
      this.#jobs.get(runId)?.cancel();
      this.#end(runId, 'interrupted', INTERRUPTED_MESSAGE);
    }
    this.#db.close();
  }

  #startQueued(): void {
    while (!this.#closed && this.#jobs.size < this.#parallelRuns && this.#queue.length > 0) {
      this.#launch(this.#queue.shift()!);
    }
  }

  #launch(runId: string): void {
    const run = getRun(this.#db, runId);
    const input: JobInput<unknown> = { runId, settings: run.settings, databasePath: this.#databasePath };
    let job: JobHandle;
    try {
      job = this.#launcher.launch(run.kind, input, {
        progress: (label, done, total) => this.#emit({ type: 'run.progress', runId, label, done, total }),
        log: (line) => this.#recordStage(runId, line),
      });
    } catch (error) {
      this.#end(runId, 'failed', `Could not start the job process: ${(error as Error).message}`);
      return;
    }
    this.#jobs.set(runId, job);
    this.#transition(runId, 'running');
    void this.#follow(runId, job);
  }

  async #follow(runId: string, job: JobHandle): Promise<void> {
    try {
      await job.result;
      this.#end(runId, 'finished');
    } catch (error) {
      if (error instanceof CancelledError) this.#end(runId, 'cancelled', error.message);
      else this.#end(runId, 'failed', error instanceof JobFailedError ? error.message : describeError(error).message);
    }
  }

  /** Records a final state once (undefined if the run had one already), settles its waiters and frees its slot. */
  #end(runId: string, state: RunState, message?: string): RunRecord | undefined {
    const completion = this.#completions.get(runId);
    if (!completion) return undefined;
    this.#completions.delete(runId);
    this.#jobs.delete(runId);
    const run = this.#transition(runId, state, message);
    completion.settle(run);
    this.#startQueued();
    return run;
  }

  #transition(runId: string, state: RunState, message?: string): RunRecord {
    const run = setRunState(this.#db, runId, state, message);
    this.#emit({ type: 'run.state', run: run as RunRecord });
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

function settlement(): { promise: Promise<RunRecord>; settle(run: RunRecord): void } {
  let settle!: (run: RunRecord) => void;
  const promise = new Promise<RunRecord>((resolve) => (settle = resolve));
  return { promise, settle };
}
