import { InputError } from '../../shared/errors.js';
import { deviceFlag, type Command, type ParsedOptions } from '../command.js';

const BENCHMARKS: Record<string, () => Promise<{ runBenchmark(options: ParsedOptions): Promise<void> }>> = {
  model: () => import('../../bench/model.js'),
  stats: () => import('../../bench/stats.js'),
  match: () => import('../../bench/match.js'),
  generate: () => import('../../bench/generate.js'),
  residual: () => import('../../bench/residual.js'),
};

export const benchCommand: Command = {
  name: 'bench',
  summary: `Run a benchmark and print its figures: ${Object.keys(BENCHMARKS).join(', ')}`,
  positionals: 'NAME [options]',
  options: {
    device: deviceFlag(),
    samples: { type: 'string', value: 'N', description: 'Comma-separated sample counts to compare (stats, residual)', default: '100,400' },
    layers: { type: 'string', value: 'N', description: 'Comma-separated layer counts with SAEs (stats)', default: '1,12' },
    contexts: { type: 'string', value: 'N', description: 'Comma-separated window lengths to time (model)', default: '128,1024' },
    batches: { type: 'string', value: 'N', description: 'Windows per forward, one per context (model)', default: '8,1' },
    repeats: { type: 'string', value: 'N', description: 'Timed forwards per context; the fastest counts (model)', default: '5' },
    'peak-size': { type: 'string', value: 'N', description: 'Side of the square MatMul that gives the peak (model)', default: '2048' },
    family: { type: 'string', value: 'gpt2|llama|gemma2|neox', description: 'Architecture of the random model (model)', default: 'gpt2' },
    'model-layers': { type: 'string', value: 'N', description: 'Transformer blocks of the random model (model; default 12 for gpt2, 16 otherwise)' },
    'model-width': { type: 'string', value: 'N', description: 'Width (d_model) of the random model (model; default 768 for gpt2, 2048 otherwise), and of the SAEs (match)' },
    'model-heads': { type: 'string', value: 'N', description: 'Attention heads of the random model (model; default 12 for gpt2, 32 otherwise)' },
    'model-kv-heads': { type: 'string', value: 'N', description: 'Key-value heads of a llama or gemma2 model (model; default 8)' },
    'model-context': { type: 'string', value: 'N', description: 'Context length of the random model (model; default 1024)' },
    'model-vocab': { type: 'string', value: 'N', description: 'Vocabulary of a llama, gemma2 or neox model (model; default 32000)' },
    features: { type: 'string', value: 'N', description: 'Features of each SAE (match)', default: '24576' },
    'new-tokens': { type: 'string', value: 'N', description: 'Tokens to generate greedily (generate)', default: '256' },
    'prompt-tokens': { type: 'string', value: 'N', description: 'Tokens of the prompt they follow (generate)', default: '8' },
    'model-seed': { type: 'string', value: 'N', description: 'Seed of the random model\'s weights (model)', default: '7' },
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
