import { resolve } from 'node:path';
import { runStatisticsShard, type ShardTarget } from '../../engine/stats/shard-run.js';
import { InputError } from '../../shared/errors.js';
import { RUN_SETTINGS_SCHEMA, type RunSettings } from '../../shared/settings/run-settings.js';
import { databaseFlag, databaseOption, stringOption, type Command } from '../command.js';
import { terminalProgress } from '../progress.js';
import { runJobInTerminal } from '../run-job.js';
import { SHARD_FLAGS, shardTarget } from '../shard-flags.js';
import { settingFlags, settingsFromFlags } from '../setting-flags.js';
import { loadStats, writeExport } from './export.js';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'Compute feature, position and summary statistics of SAEs on a model and dataset',
  options: {
    ...settingFlags(RUN_SETTINGS_SCHEMA),
    db: databaseFlag(),
    export: { type: 'string', value: 'FILE', description: 'Write stats.json here when the run finishes' },
    ...SHARD_FLAGS,
  },
  async run(options) {
    const settings = settingsFromFlags(RUN_SETTINGS_SCHEMA, options, { command: analyzeCommand });
    const shard = shardTarget(options, analyzeCommand);
    const exportPath = stringOption(options, 'export');
    if (shard) {
      if (exportPath) throw new InputError("A shard has no stats.json of its own: merge the shards ('sae-studio merge'), then export the run.");
      return await runShard(settings, shard);
    }
    const databasePath = databaseOption(options);
    const run = await runJobInTerminal('statistics', settings, databasePath);
    if (exportPath) writeExport(loadStats(databasePath, run.id), resolve(exportPath));
    return 0;
  },
};

/** A shard runs in this process and writes its file; no database is touched until the shards merge. */
async function runShard(settings: RunSettings, target: ShardTarget): Promise<number> {
  const progress = terminalProgress({ bars: process.stderr, lines: process.stdout });
  const header = await runStatisticsShard(settings, target, { progress });
  console.log(`Shard ${header.shard.index}/${header.shard.count} of run ${header.runId}: ${header.windows.end - header.windows.first} windows, ${target.path}`);
  return 0;
}
