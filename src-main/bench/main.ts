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
  /** Absent where the default depends on another flag, such as the model sizes on --family. */
  default?: string;
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
  family: { description: 'Architecture of the random model: gpt2|llama|gemma2|neox (model)', default: 'gpt2' },
  'model-layers': { description: 'Transformer blocks of the random model (model; 12 for gpt2, 16 otherwise)' },
  'model-width': { description: 'Width (d_model) of the random model (model; 768 for gpt2, 2048 otherwise), and of the SAEs (match)' },
  'model-heads': { description: 'Attention heads of the random model (model; 12 for gpt2, 32 otherwise)' },
  'model-kv-heads': { description: 'Key-value heads of a llama or gemma2 model (model; 8)' },
  'model-context': { description: 'Context length of the random model (model; 1024)' },
  'model-vocab': { description: 'Vocabulary of a llama, gemma2 or neox model (model; 32000)' },
  features: { description: 'Features of each SAE (match)', default: '24576' },
  'new-tokens': { description: 'Tokens to generate greedily (generate)', default: '256' },
  'prompt-tokens': { description: 'Tokens of the prompt they follow (generate)', default: '8' },
  'model-seed': { description: "Seed of the random model's weights (model)", default: '7' },
};

function help(): string {
  const rows = Object.entries(FLAGS).map(([name, flag]) => `  ${`--${name} N`.padEnd(22)} ${flag.description}${flag.default === undefined ? '' : ` (default: ${flag.default})`}`);
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
