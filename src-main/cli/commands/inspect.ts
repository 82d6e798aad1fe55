import { resolve } from 'node:path';
import { matchDataset, inspectDataset } from '../../engine/data/registry.js';
import { InputError } from '../../shared/errors.js';
import { isFile } from '../../engine/files.js';
import { inspectSae, matchSae } from '../../engine/sae/registry.js';
import type { Command } from '../command.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Print what SAE Studio reads from an SAE, a folder of SAEs or a dataset file, without loading weights',
  positionals: 'PATH',
  options: {},
  async run(_options, positionals) {
    const [path] = positionals;
    if (!path) throw new InputError("Name an SAE folder or a dataset file: 'sae-studio inspect PATH'.");
    const target = resolve(path);
    // A file that is no SAE is answered as a dataset, whose message lists the file types SAE Studio reads.
    const asDataset = matchDataset(target) || (isFile(target) && !matchSae(target));
    const facts = asDataset ? [await inspectDataset(target)] : inspectSae(target);
    for (const item of facts) console.log(Object.entries(item).map(([key, value]) => `${key.padEnd(22)} ${value}`).join('\n') + '\n');
    return 0;
  },
};
