import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandHelp, parseCommandLine, type Command } from '../../src-main/cli/command.js';
import { settingFlags, settingsFromFlags } from '../../src-main/cli/setting-flags.js';
import { RUN_SETTINGS_SCHEMA } from '../../src-main/shared/settings/run-settings.js';

const command: Command = { name: 'toy', summary: 'A toy', options: settingFlags(RUN_SETTINGS_SCHEMA), run: async () => 0 };

function settingsOf(argv: string[]) {
  const { options } = parseCommandLine(command, argv);
  return settingsFromFlags(RUN_SETTINGS_SCHEMA, options, { command });
}

const INPUTS = ['--model', 'm', '--sae', 'a', '--sae', '/b', '--dataset', 'd.jsonl'];

describe('settingsFromFlags', () => {
  it('turns flags into checked settings, resolving paths and filling defaults', () => {
    const settings = settingsOf([...INPUTS, '--samples', '16', '--quantile-accuracy', '0.02', '--ce', '--packing', 'per-row']);
    expect(settings).toMatchObject({ model: resolve('m'), saes: [resolve('a'), '/b'], dataset: resolve('d.jsonl'), samples: 16, quantileAccuracy: 0.02, ce: true });
    expect(settings).toMatchObject({ packing: 'per-row', batchSize: 8, device: 'auto', quantileBuckets: 1024 });
  });

  it.each([
    [['--samples', '0'], "--samples must be a whole number of at least 1, not '0'."],
    [['--samples', 'many'], "--samples must be a whole number of at least 1, not 'many'."],
    [['--quantile-buckets', '1'], "--quantile-buckets must be a whole number from 2 to 8192, not '1'."],
    [['--packing', 'sideways'], "--packing must be one of packed, per-row, not 'sideways'."],
  ])('names the flag in %j', (flags, message) => {
    expect(() => settingsOf([...INPUTS, ...flags])).toThrow(message);
  });

  it('says which required flag is missing', () => {
    expect(() => settingsOf(['--model', 'm', '--dataset', 'd'])).toThrow("--sae is required. See 'sae-studio toy --help'.");
  });

  it('shows each flag with its hint and default in --help', () => {
    const help = commandHelp(command);
    expect(help).toMatch(/--samples N\s+Windows to use \(default: 400\)/);
    expect(help).toMatch(/--sae PATH\s+SAE folder or file \(repeat for several\)/);
    expect(help).toMatch(/--quantile-accuracy X\s+Relative error of every quantile estimate \(default: 0\.009\)/);
  });

  it('takes a subset with its own defaults, as the demo does', () => {
    const flags = settingFlags(RUN_SETTINGS_SCHEMA, { only: ['samples', 'ce'], defaults: { samples: 96 } });
    expect(flags).toEqual({
      samples: { type: 'string', value: 'N', description: 'Windows to use', default: '96' },
      ce: { type: 'boolean', description: 'Also compute LM losses: clean, spliced and zero-ablated' },
    });
  });
});
