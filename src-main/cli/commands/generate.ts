import { resolve } from 'node:path';
import { loadGenerations } from '../../store/generations.js';
import { DEFAULT_GENERATE_SETTINGS } from '../../shared/settings/steer-settings.js';
import { databaseFlag, databaseOption, deviceFlag, deviceOption, requiredString, type Command } from '../command.js';
import { generationFlags, generationOptions, promptOptions } from '../generation-flags.js';
import { runJobInTerminal } from '../run-job.js';
import { readStored } from './correlate.js';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Continue prompts with a model (KV cache; greedy, or sampled with a seed)',
  options: {
    model: { type: 'string', value: 'DIR', description: 'Hugging Face model folder' },
    ...generationFlags(),
    device: deviceFlag(),
    db: databaseFlag(),
  },
  async run(options) {
    const settings = {
      ...DEFAULT_GENERATE_SETTINGS,
      model: resolve(requiredString(options, 'model', generateCommand)),
      prompts: await promptOptions(options, generateCommand),
      ...generationOptions(options),
      device: deviceOption(options),
    };
    const databasePath = databaseOption(options);
    const run = await runJobInTerminal('generate', settings, databasePath);
    for (const { prompt, output } of readStored(databasePath, (db) => loadGenerations(db, run.id))) console.log(`${prompt}${output.text}\n`);
    return 0;
  },
};
