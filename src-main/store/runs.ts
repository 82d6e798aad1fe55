import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { RunRecord, RunState } from '../api/contract.js';
import { InputError } from '../shared/errors.js';
import type { RunSettings } from '../shared/settings/run-settings.js';

export const ACTIVE_STATES: readonly RunState[] = ['queued', 'running'];

interface RunRow {
  id: string;
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

function outcomeOf(db: Database.Database, id: string): Pick<RunRecord, 'windows' | 'context' | 'device'> {
  const row = db.prepare('SELECT samples, context, device FROM run_statistics WHERE run_id = ?').get(id) as OutcomeRow | undefined;
  if (!row) return {};
  return { windows: row.samples, context: row.context, ...(row.device ? { device: row.device } : {}) };
}

function stagesOf(db: Database.Database, id: string): string[] {
  const rows = db.prepare('SELECT line FROM run_stages WHERE run_id = ? ORDER BY position').all(id) as { line: string }[];
  return rows.map((row) => row.line);
}

function toRecord(db: Database.Database, row: RunRow): RunRecord {
  return {
    id: row.id,
    state: row.state,
    settings: JSON.parse(row.settings) as RunSettings,
    createdAt: row.created_at,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    ...(row.message ? { message: row.message } : {}),
    ...(row.note ? { note: row.note } : {}),
    ...outcomeOf(db, row.id),
    stages: stagesOf(db, row.id),
  };
}

export function createRun(db: Database.Database, settings: RunSettings): RunRecord {
  const id = randomBytes(4).toString('hex');
  db.prepare('INSERT INTO runs (id, state, settings, created_at, owner_pid) VALUES (?, ?, ?, ?, ?)').run(
    id,
    'queued',
    JSON.stringify(settings),
    new Date().toISOString(),
    process.pid,
  );
  return getRun(db, id);
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

/** Every run, newest first. */
export function listRuns(db: Database.Database): RunRecord[] {
  const rows = db.prepare('SELECT * FROM runs ORDER BY created_at DESC, rowid DESC').all() as RunRow[];
  return rows.map((row) => toRecord(db, row));
}

export function setRunState(db: Database.Database, id: string, state: RunState, message?: string): RunRecord {
  const finishedAt = ACTIVE_STATES.includes(state) ? null : new Date().toISOString();
  const result = db
    .prepare('UPDATE runs SET state = ?, message = ?, finished_at = ? WHERE id = ?')
    .run(state, message ?? null, finishedAt, id);
  if (result.changes === 0) throw new InputError(`There is no run with id '${id}'.`);
  return getRun(db, id);
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
  db.transaction(() => orphans.forEach((run) => mark.run(INTERRUPTED_MESSAGE, now, run.id)))();
  return orphans.length;
}
