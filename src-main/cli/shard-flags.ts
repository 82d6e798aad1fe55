import { resolve } from 'node:path';
import type { ShardTarget } from '../engine/stats/shard-run.js';
import { InputError } from '../shared/errors.js';
import { stringOption, type Command, type OptionSpec, type ParsedOptions } from './command.js';

/** The flags that make a job one shard of a run (shards.md); they choose where a job runs, not what it computes, so they are no run settings. */
export const SHARD_FLAGS: Record<string, OptionSpec> = {
  shard: { type: 'string', value: 'K/N', description: 'Run only shard K of N (0 ≤ K < N): the windows w with floor(w·N/S) = K' },
  'shard-out': { type: 'string', value: 'FILE', description: "Write the shard's accumulators to this shard file (with --shard)" },
  'run-id': { type: 'string', value: 'ID', description: 'Run id every shard of the run shares (with --shard; default: one derived from the inputs)' },
};

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function parseShard(raw: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new InputError(`--shard must be K/N with whole numbers 0 ≤ K < N, such as 0/4, not '${raw}'.`);
  }
  return { index, count };
}

/** The shard a command runs, or undefined for a whole run; --shard-out and --run-id belong with --shard. */
export function shardTarget(options: ParsedOptions, command: Command): ShardTarget | undefined {
  const [shard, path, runId] = [stringOption(options, 'shard'), stringOption(options, 'shard-out'), stringOption(options, 'run-id')];
  if (shard === undefined) {
    const stray = path !== undefined ? '--shard-out' : runId !== undefined ? '--run-id' : undefined;
    if (stray) throw new InputError(`${stray} goes with --shard K/N. See 'sae-studio ${command.name} --help'.`);
    return undefined;
  }
  if (!path) throw new InputError(`--shard needs --shard-out FILE, the shard file to write. See 'sae-studio ${command.name} --help'.`);
  if (runId !== undefined && !RUN_ID.test(runId)) {
    throw new InputError(`--run-id must be 1 to 64 letters, digits, '-' or '_', starting with a letter or digit, not '${runId}'.`);
  }
  return { shard: parseShard(shard), path: resolve(path), ...(runId !== undefined ? { runId } : {}) };
}
