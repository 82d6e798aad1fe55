import { resolve } from 'node:path';
import { runGeneration } from '../../engine/steer/run.js';
import { DEFAULT_GENERATE_SETTINGS } from '../../shared/settings/steer-settings.js';
import { deviceFlag, deviceOption, requiredString, type Command } from '../command.js';
import { generationFlags, generationOptions, promptOptions } from '../generation-flags.js';
import { terminalProgress } from '../progress.js';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Continue prompts with a model (KV cache; greedy, or sampled with a seed)',
  options: {
    model: { type: 'string', value: 'DIR', description: 'Hugging Face model folder' },
    ...generationFlags(),
    device: deviceFlag(),
  },
  async run(options) {
    const settings = {
      ...DEFAULT_GENERATE_SETTINGS,
      model: resolve(requiredString(options, 'model', generateCommand)),
      prompts: await promptOptions(options, generateCommand),
      ...generationOptions(options),
      device: deviceOption(options),
    };
    const progress = terminalProgress({ bars: process.stderr, lines: process.stdout });
    for (const { prompt, output } of await runGeneration(settings, { progress })) console.log(`${prompt}${output.text}\n`);
    return 0;
  },
};
