import { basename } from 'node:path';
import type Database from 'better-sqlite3';
import type { ProgressSink } from '../engine/progress.js';
import { checkShardSet } from '../engine/shards/merge-check.js';
import { ShardFile } from '../engine/shards/shard-file.js';
import { mergeStatisticsShards } from '../engine/stats/merge.js';
import { InputError } from '../shared/errors.js';
import type { RunSettings } from '../shared/settings/run-settings.js';
import { appendStage, createRun, getRun, setRunState, type RunRecord } from './runs.js';
import { saveRunShards } from './shards.js';
import { createStatsStore } from './statistics.js';

/** Opens every file first, so a truncated or damaged one is refused before anything is read into the database. */
function openAll(paths: readonly string[]): ShardFile[] {
  const files: ShardFile[] = [];
  try {
    for (const path of paths) files.push(ShardFile.open(path));
    return files;
  } catch (error) {
    files.forEach((file) => file.close());
    throw error;
  }
}

/**
 * Checks that the files are the N shards of one run and stores them as one finished run with its shards, in one
 * transaction: any problem leaves the database as it was.
 */
export function mergeShardFiles(db: Database.Database, paths: readonly string[], progress: ProgressSink): RunRecord {
  const files = openAll(paths);
  try {
    const ordered = checkShardSet(files);
    const { kind, runId, settings } = ordered[0].header;
    if (kind !== 'statistics') throw new InputError(`Merging ${kind} shards is not supported yet (${basename(ordered[0].path)}).`, ordered[0].path);
    db.transaction(() => storeMergedStatistics(db, ordered, progress))();
    progress.stage(`Merged ${ordered.length} shards into run ${runId} (${(settings as RunSettings).dataset})`);
    return getRun(db, runId);
  } finally {
    files.forEach((file) => file.close());
  }
}

function storeMergedStatistics(db: Database.Database, files: readonly ShardFile[], progress: ProgressSink): void {
  const { runId, settings } = files[0].header;
  createRun(db, 'statistics', settings as RunSettings, { id: runId, state: 'running' });
  // The merged run keeps its stage lines like any other run.
  const recorded: ProgressSink = { bar: progress.bar, stage: (line) => (appendStage(db, runId, line), progress.stage(line)) };
  mergeStatisticsShards(files, { store: createStatsStore(db, runId), progress: recorded });
  saveRunShards(db, runId, files.map(({ header, path }) => ({
    shard: header.shard.index,
    shards: header.shard.count,
    windows: header.windows.end - header.windows.first,
    host: header.host,
    elapsedMs: header.elapsedMs,
    file: path,
  })));
  setRunState(db, runId, 'finished');
}
