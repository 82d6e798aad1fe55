import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { CancelledError } from '../engine/progress.js';
import { InputError } from '../shared/errors.js';
import type { JobKindName, JobSettings } from '../shared/jobs.js';
import { loadRunShards, type RunShard } from './shards.js';

export type RunState = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';

export const ACTIVE_STATES: readonly RunState[] = ['queued', 'running'];
/** States a run never leaves with results: whatever it wrote is a part and goes. */
const UNFINISHED_STATES: readonly RunState[] = ['failed', 'cancelled', 'interrupted'];

interface RunFacts {
  id: string;
  state: RunState;
  createdAt: string;
  finishedAt?: string;
  message?: string;
  /** The user's name or note for the run. */
  note?: string;
  /** Windows a statistics run used (fewer than settings.samples when the dataset ran out), once stored. */
  windows?: number;
  /** The context a statistics run resolved (settings.context, else the SAE's, else the model's). */
  context?: number;
  /** The execution provider that ran it. */
  device?: string;
  /** Stage lines printed so far, e.g. "Layer 0 - Computed and stored feature-level stats". */
  stages: string[];
  /** The shards a merged run was computed from, in K order; absent for a run computed in one process. */
  shards?: RunShard[];
}

/** A job of some kind, its settings typed by the kind. */
export type RunRecordOf<K extends JobKindName> = RunFacts & { kind: K; settings: JobSettings[K] };
export type RunRecord = { [K in JobKindName]: RunRecordOf<K> }[JobKindName];

interface RunRow {
  id: string;
  kind: JobKindName;
  state: RunState;
  settings: string;
  created_at: string;
  finished_at: string | null;
  message: string | null;
  note: string | null;
}

/** What a finished run measured about itself: windows used, resolved context, execution provider. */
interface OutcomeRow {
  samples: number;
  context: number;
  device: string | null;
}

function outcomeOf(db: Database.Database, id: string): Pick<RunFacts, 'windows' | 'context' | 'device'> {
  const row = db.prepare('SELECT samples, context, device FROM run_statistics WHERE run_id = ?').get(id) as OutcomeRow | undefined;
  if (!row) return {};
  return { windows: row.samples, context: row.context, ...(row.device ? { device: row.device } : {}) };
}

function stagesOf(db: Database.Database, id: string): string[] {
  const rows = db.prepare('SELECT line FROM run_stages WHERE run_id = ? ORDER BY position').all(id) as { line: string }[];
  return rows.map((row) => row.line);
}

function toRecord(db: Database.Database, row: RunRow): RunRecord {
  const shards = loadRunShards(db, row.id);
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    settings: JSON.parse(row.settings) as JobSettings[JobKindName],
    createdAt: row.created_at,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    ...(row.message ? { message: row.message } : {}),
    ...(row.note ? { note: row.note } : {}),
    ...outcomeOf(db, row.id),
    stages: stagesOf(db, row.id),
    ...(shards.length > 0 ? { shards } : {}),
  } as RunRecord;
}

/** Records a queued run (running, for one this process computes at once, as a merge does); its kind's settings are already checked. */
export function createRun<K extends JobKindName>(
  db: Database.Database,
  kind: K,
  settings: JobSettings[K],
  given: { id?: string; state?: 'queued' | 'running' } = {},
): RunRecordOf<K> {
  const id = given.id ?? randomBytes(4).toString('hex');
  if (given.id && db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) throw new InputError(`A run with id '${id}' is already in the database.`);
  db.prepare('INSERT INTO runs (id, kind, state, settings, created_at, owner_pid) VALUES (?, ?, ?, ?, ?, ?)').run(
    id,
    kind,
    given.state ?? 'queued',
    JSON.stringify(settings),
    new Date().toISOString(),
    process.pid,
  );
  return getRun(db, id) as RunRecordOf<K>;
}

/** Finds a run by id, or the newest one for 'latest'. */
export function getRun(db: Database.Database, idOrLatest: string): RunRecord {
  const row = (
    idOrLatest === 'latest'
      ? db.prepare('SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1').get()
      : db.prepare('SELECT * FROM runs WHERE id = ?').get(idOrLatest)
  ) as RunRow | undefined;
  if (!row) {
    throw new InputError(idOrLatest === 'latest' ? 'There are no runs yet.' : `There is no run with id '${idOrLatest}'.`);
  }
  return toRecord(db, row);
}

/** A finished run of this kind ('latest': the newest run of the kind), whose results may be read. */
export function requireFinishedRun<K extends JobKindName>(db: Database.Database, idOrLatest: string, kind: K): RunRecordOf<K> {
  const run = idOrLatest === 'latest' ? latestOfKind(db, kind) : getRun(db, idOrLatest);
  if (run.kind !== kind) throw new InputError(`Run '${run.id}' is a ${run.kind} run, not a ${kind} run.`);
  if (run.state !== 'finished') throw new InputError(`Run '${run.id}' has no results: it is ${run.state}, not finished.`);
  return run as RunRecordOf<K>;
}

function latestOfKind(db: Database.Database, kind: JobKindName): RunRecord {
  const row = db.prepare('SELECT * FROM runs WHERE kind = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(kind) as RunRow | undefined;
  if (!row) throw new InputError(`There are no ${kind} runs yet.`);
  return toRecord(db, row);
}

/** Every run, newest first. */
export function listRuns(db: Database.Database): RunRecord[] {
  const rows = db.prepare('SELECT * FROM runs ORDER BY created_at DESC, rowid DESC').all() as RunRow[];
  return rows.map((row) => toRecord(db, row));
}

export function setRunState(db: Database.Database, id: string, state: RunState, message?: string): RunRecord {
  const finishedAt = ACTIVE_STATES.includes(state) ? null : new Date().toISOString();
  const result = db.transaction(() => {
    if (UNFINISHED_STATES.includes(state)) deleteResults(db, id);
    return db.prepare('UPDATE runs SET state = ?, message = ?, finished_at = ? WHERE id = ?').run(state, message ?? null, finishedAt, id);
  }).immediate();
  if (result.changes === 0) throw new InputError(`There is no run with id '${id}'.`);
  return getRun(db, id);
}

/** Tables that hold runs' results: every table with a run_id column but the runs' own stage lines. */
function resultTables(db: Database.Database): string[] {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('runs', 'run_stages')").all() as { name: string }[];
  return tables.map(({ name }) => name).filter((name) => db.prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = 'run_id'").get(name));
}

/** Drops whatever results a run that did not finish left behind, of every kind; its state says it will never have them. */
export function deleteResults(db: Database.Database, runId: string): void {
  for (const table of resultTables(db)) db.prepare(`DELETE FROM "${table}" WHERE run_id = ?`).run(runId);
}

/**
 * One write in one transaction with the check that the run is still queued or running: a run marked cancelled,
 * failed or interrupted (whose rows were deleted in that same transaction) never gets rows back from a late write.
 */
export function writeWhileActive(db: Database.Database, runId: string, save: () => void): void {
  // Immediate: a deferred transaction that reads first cannot wait its turn to write once another connection has written.
  db.transaction(() => {
    const row = db.prepare('SELECT state FROM runs WHERE id = ?').get(runId) as { state: string } | undefined;
    if (row?.state !== 'queued' && row?.state !== 'running') throw new CancelledError();
    save();
  }).immediate();
}

export function appendStage(db: Database.Database, id: string, line: string): void {
  db.prepare(
    'INSERT INTO run_stages (run_id, position, line) SELECT ?, COALESCE(MAX(position), -1) + 1, ? FROM run_stages WHERE run_id = ?',
  ).run(id, line, id);
}

function isAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const INTERRUPTED_MESSAGE = 'The app stopped before this run finished.';

/** Active runs whose owner has gone (or is this process, starting afresh) can never finish; returns how many were marked. */
export function markInterruptedRuns(db: Database.Database): number {
  const states = ACTIVE_STATES.map(() => '?').join(', ');
  const active = db.prepare(`SELECT id, owner_pid FROM runs WHERE state IN (${states})`).all(...ACTIVE_STATES) as { id: string; owner_pid: number | null }[];
  const orphans = active.filter((run) => run.owner_pid === process.pid || !isAlive(run.owner_pid));
  const mark = db.prepare("UPDATE runs SET state = 'interrupted', message = ?, finished_at = ? WHERE id = ?");
  const now = new Date().toISOString();
  db.transaction(() =>
    orphans.forEach((run) => {
      deleteResults(db, run.id);
      mark.run(INTERRUPTED_MESSAGE, now, run.id);
    }),
  )();
  return orphans.length;
}
