import { resolve } from 'node:path';
import { RUN_SETTINGS_SCHEMA } from '../../shared/settings/run-settings.js';
import { databaseFlag, databaseOption, stringOption, type Command } from '../command.js';
import { runJobInTerminal } from '../run-job.js';
import { settingFlags, settingsFromFlags } from '../setting-flags.js';
import { loadStats, writeExport } from './export.js';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'Compute feature, position and summary statistics of SAEs on a model and dataset',
  options: {
    ...settingFlags(RUN_SETTINGS_SCHEMA),
    db: databaseFlag(),
    export: { type: 'string', value: 'FILE', description: 'Write stats.json here when the run finishes' },
  },
  async run(options) {
    const settings = settingsFromFlags(RUN_SETTINGS_SCHEMA, options, { command: analyzeCommand });
    const databasePath = databaseOption(options);
    const run = await runJobInTerminal('statistics', settings, databasePath);
    const exportPath = stringOption(options, 'export');
    if (exportPath) writeExport(loadStats(databasePath, run.id), resolve(exportPath));
    return 0;
  },
};
