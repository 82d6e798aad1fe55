import type Database from 'better-sqlite3';
import type { CancelSignal, ProgressSink } from '../engine/progress.js';

/** What every job receives: its run, the studio database's path and its kind's checked settings. */
export interface JobInput<S> {
  runId: string;
  databasePath: string;
  settings: S;
}

export interface JobContext {
  progress: ProgressSink;
  cancel: CancelSignal;
  log(line: string): void;
  /** The studio database, opened on first use and closed when the job ends. */
  database(): Database.Database;
}

/** Runs one job in the job process; what it resolves with goes back to the parent as the job's result. */
export type JobHandler<S> = (input: JobInput<S>, context: JobContext) => Promise<unknown>;
