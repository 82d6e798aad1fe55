import type Database from 'better-sqlite3';

/** One shard of a merged run: K of N, the windows it ran, the machine, how long it took and the file it wrote. */
export interface RunShard {
  shard: number;
  shards: number;
  windows: number;
  host: string;
  elapsedMs: number;
  file: string;
}

interface ShardRow {
  shard: number;
  shards: number;
  windows: number;
  host: string;
  elapsed_ms: number;
  file: string;
}

export function saveRunShards(db: Database.Database, runId: string, shards: readonly RunShard[]): void {
  const insert = db.prepare('INSERT INTO run_shards (run_id, shard, shards, windows, host, elapsed_ms, file) VALUES (?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => shards.forEach((row) => insert.run(runId, row.shard, row.shards, row.windows, row.host, row.elapsedMs, row.file)))();
}

/** A run's shards in K order; none for a run computed in one process. */
export function loadRunShards(db: Database.Database, runId: string): RunShard[] {
  const rows = db.prepare('SELECT shard, shards, windows, host, elapsed_ms, file FROM run_shards WHERE run_id = ? ORDER BY shard').all(runId) as ShardRow[];
  return rows.map(({ elapsed_ms, ...row }) => ({ ...row, elapsedMs: elapsed_ms }));
}
