import { InputError } from '../../shared/errors.js';
import { deviceFlag, type Command, type ParsedOptions } from '../command.js';

const BENCHMARKS: Record<string, () => Promise<{ runBenchmark(options: ParsedOptions): Promise<void> }>> = {
  model: () => import('../../bench/model.js'),
  stats: () => import('../../bench/stats.js'),
  match: () => import('../../bench/match.js'),
};

export const benchCommand: Command = {
  name: 'bench',
  summary: `Run a benchmark and print its figures: ${Object.keys(BENCHMARKS).join(', ')}`,
  positionals: 'NAME',
  options: {
    device: deviceFlag(),
    samples: { type: 'string', value: 'N', description: 'Comma-separated sample counts to compare (stats)', default: '100,400' },
    layers: { type: 'string', value: 'N', description: 'Comma-separated layer counts with SAEs (stats)', default: '1,12' },
    contexts: { type: 'string', value: 'N', description: 'Comma-separated window lengths to time (model)', default: '128,1024' },
    batches: { type: 'string', value: 'N', description: 'Windows per forward, one per context (model)', default: '8,1' },
    repeats: { type: 'string', value: 'N', description: 'Timed forwards per context; the fastest counts (model)', default: '5' },
    'peak-size': { type: 'string', value: 'N', description: 'Side of the square MatMul that gives the peak (model)', default: '2048' },
    'model-layers': { type: 'string', value: 'N', description: 'Transformer blocks of the random GPT-2 (model)', default: '12' },
    'model-width': { type: 'string', value: 'N', description: 'Width (d_model) of the random GPT-2 (model), and of the SAEs (match)', default: '768' },
    features: { type: 'string', value: 'N', description: 'Features of each SAE (match)', default: '24576' },
    'model-heads': { type: 'string', value: 'N', description: 'Attention heads of the random GPT-2 (model)', default: '12' },
    'model-context': { type: 'string', value: 'N', description: 'Context length of the random GPT-2 (model)', default: '1024' },
    'model-seed': { type: 'string', value: 'N', description: 'Seed of the random GPT-2\'s weights (model)', default: '7' },
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
