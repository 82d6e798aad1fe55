import { randomBytes } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { InputError } from '../../shared/errors.js';

/** The extension of the shard files that `analyze --shard-out` writes and `merge` reads. */
export const SHARD_FILE_EXTENSION = 'shard';

/** What every task of a sharded run shares: the shards, the run, the folder they meet in and the commands they run. */
export interface ClusterPlan {
  shards: number;
  /** Chosen once, so that the tasks need no coordination (shards.md). */
  runId: string;
  /** Where every task writes its shard file and the merge reads them, as the tasks see it. */
  sharedDir: string;
  /** The program and first words that run the CLI where the tasks run, e.g. node /repo/src-main/cli/bin.js. */
  cli: string[];
  /** analyze's settings as flags, paths absolute. */
  analyze: string[];
  /** The database the merge records the finished run in. */
  database: string;
}

/** A run id of the same form as the store's own. */
export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

export function shardFileName(shard: number | string, shards: number): string {
  return `shard-${shard}-of-${shards}.${SHARD_FILE_EXTENSION}`;
}

/** The flags that make one task run shard `shard` of the plan; `shard` may be a shell or Kubernetes variable. */
export function shardFlags(plan: ClusterPlan, shard: string, shardOut: string): string[] {
  return ['--shard', `${shard}/${plan.shards}`, '--shard-out', shardOut, '--run-id', plan.runId];
}

/** Every shard file the merge reads, in shard order. */
export function shardFiles(plan: ClusterPlan): string[] {
  return Array.from({ length: plan.shards }, (_, shard) => `${plan.sharedDir}/${shardFileName(shard, plan.shards)}`);
}

/** An absolute path, named by `what` when it is not, so that a task on another machine finds it. */
export function checkAbsolute(path: string, what: string): void {
  if (!isAbsolute(path)) throw new InputError(`${what} must be an absolute path, as the tasks see it, not '${path}'.`);
}
