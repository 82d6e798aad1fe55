import { parseArgs } from 'node:util';
import { describeError, InputError } from '../shared/errors.js';
import { DEVICES, RUN_SETTINGS_SCHEMA } from '../shared/settings/run-settings.js';
import type { BenchOptions } from './shared.js';

const BENCHMARKS: Record<string, () => Promise<{ runBenchmark(options: BenchOptions): Promise<void> }>> = {
  model: () => import('./model.js'),
  stats: () => import('./stats.js'),
  match: () => import('./match.js'),
  generate: () => import('./generate.js'),
};

interface Flag {
  description: string;
  default: string;
}

/** Every benchmark's flags, with the defaults the benchmarks rely on. */
const FLAGS: Record<string, Flag> = {
  device: { description: `Execution provider: ${DEVICES.join('|')}`, default: RUN_SETTINGS_SCHEMA.device.default },
  samples: { description: 'Comma-separated sample counts to compare (stats)', default: '100,400' },
  layers: { description: 'Comma-separated layer counts with SAEs (stats)', default: '1,12' },
  contexts: { description: 'Comma-separated window lengths to time (model)', default: '128,1024' },
  batches: { description: 'Windows per forward, one per context (model)', default: '8,1' },
  repeats: { description: 'Timed forwards per context; the fastest counts (model)', default: '5' },
  'peak-size': { description: 'Side of the square MatMul that gives the peak (model)', default: '2048' },
  'model-layers': { description: 'Transformer blocks of the random GPT-2 (model)', default: '12' },
  'model-width': { description: 'Width (d_model) of the random GPT-2 (model), and of the SAEs (match)', default: '768' },
  features: { description: 'Features of each SAE (match)', default: '24576' },
  'model-heads': { description: 'Attention heads of the random GPT-2 (model)', default: '12' },
  'model-context': { description: 'Context length of the random GPT-2 (model)', default: '1024' },
  'new-tokens': { description: 'Tokens to generate greedily (generate)', default: '256' },
  'prompt-tokens': { description: 'Tokens of the prompt they follow (generate)', default: '8' },
  'model-seed': { description: "Seed of the random GPT-2's weights (model)", default: '7' },
};

function help(): string {
  const rows = Object.entries(FLAGS).map(([name, flag]) => `  ${`--${name} N`.padEnd(22)} ${flag.description} (default: ${flag.default})`);
  const usage = `Usage: npm run bench -- NAME [options]   (NAME: ${Object.keys(BENCHMARKS).join(', ')})`;
  return [usage, '', 'Prints figures against the targets; tests check correctness only.', '', 'Options:', ...rows].join('\n');
}

function parse(argv: string[]): { name: string | undefined; options: BenchOptions } {
  const options = Object.fromEntries(Object.entries(FLAGS).map(([name, flag]) => [name, { type: 'string' as const, default: flag.default }]));
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { name: parsed.positionals[0], options: parsed.values as BenchOptions };
  } catch (error) {
    throw new InputError(`${(error as Error).message.replace(/\.$/, '')}. See 'npm run bench -- --help'.`);
  }
}

/** The benchmarks' own entry: a program beside the CLI, so neither imports the other. */
export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(help());
    return 0;
  }
  try {
    const { name, options } = parse(argv);
    const load = name ? BENCHMARKS[name] : undefined;
    if (!load) throw new InputError(`Name a benchmark: ${Object.keys(BENCHMARKS).join(' or ')}.`);
    await (await load()).runBenchmark(options);
    return 0;
  } catch (error) {
    console.error(`Error: ${describeError(error).message}`);
    return 1;
  }
}
