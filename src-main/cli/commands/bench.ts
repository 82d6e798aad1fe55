import { InputError } from '../../engine/errors.js';
import type { Command, ParsedOptions } from '../command.js';

const BENCHMARKS: Record<string, () => Promise<{ runBenchmark(options: ParsedOptions): Promise<void> }>> = {
  model: () => import('../../bench/model.js'),
  stats: () => import('../../bench/stats.js'),
};

export const benchCommand: Command = {
  name: 'bench',
  summary: `Run a benchmark and print its figures: ${Object.keys(BENCHMARKS).join(', ')}`,
  positionals: 'NAME [options]',
  options: {
    device: { type: 'string', value: 'auto|cuda|webgpu|cpu', description: 'Execution provider', default: 'auto' },
    samples: { type: 'string', value: 'N', description: 'Comma-separated sample counts to compare (stats)' },
    layers: { type: 'string', value: 'N', description: 'Comma-separated layer counts with SAEs (stats)' },
  },
  async run(options, positionals) {
    const [name] = positionals;
    const load = name ? BENCHMARKS[name] : undefined;
    if (!load) throw new InputError(`Name a benchmark: ${Object.keys(BENCHMARKS).join(' or ')}.`);
    const benchmark = await load();
    await benchmark.runBenchmark(options);
    return 0;
  },
};
