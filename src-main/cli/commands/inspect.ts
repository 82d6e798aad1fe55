import { resolve } from 'node:path';
import { engineRecognizers } from '../../api/recognizers.js';
import { InputError } from '../../shared/errors.js';
import { inspectDataset } from '../../engine/data/registry.js';
import { isFile } from '../../engine/files.js';
import { inspectSae } from '../../engine/sae/registry.js';
import type { Command } from '../command.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Print what the Library recognises in a model folder, an SAE, a folder of SAEs or a dataset file, without loading weights',
  positionals: 'PATH',
  options: {},
  async run(_options, positionals) {
    const [path] = positionals;
    if (!path) throw new InputError("Name a model folder, an SAE or a dataset file: 'sae-studio inspect PATH'.");
    for (const item of await inspectPath(resolve(path))) {
      console.log(Object.entries(item).map(([key, value]) => `${key.padEnd(22)} ${value}`).join('\n') + '\n');
    }
    return 0;
  },
};

/** The Library's recognisers, in the Library's order; a folder of SAEs prints one block per SAE. */
async function inspectPath(target: string): Promise<Record<string, string | number>[]> {
  for (const recognizer of engineRecognizers()) {
    if (!(await recognizer.match(target))) continue;
    return recognizer.kind === 'sae' ? inspectSae(target) : [await recognizer.inspect(target)];
  }
  // A file nothing recognises is answered as a dataset, whose message lists the file types SAE Studio reads.
  if (isFile(target)) return [await inspectDataset(target)];
  throw new InputError(`'${target}' is not a model folder, an SAE or a dataset that SAE Studio can read.`, target);
}
