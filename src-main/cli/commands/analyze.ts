import { resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { DEFAULT_QUANTILE_ACCURACY, DEFAULT_QUANTILE_BUCKETS, DEFAULT_RUN_SETTINGS, EMBEDDING_ABLATIONS, PACKINGS, QUANTILE_ACCURACY_LIMITS, QUANTILE_BUCKET_LIMITS, type RunSettings } from '../../shared/settings/run-settings.js';
import { boundedIntegerOption, boundedNumberOption, choiceOption, databaseFlag, databaseOption, deviceFlag, deviceOption, integerOption, numberFlag, requiredString, stringOption, type Command, type ParsedOptions } from '../command.js';
import { runJobInTerminal } from '../run-job.js';
import { loadStats, writeExport } from './export.js';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'Compute feature, position and summary statistics of SAEs on a model and dataset',
  options: {
    model: { type: 'string', value: 'DIR', description: 'Hugging Face model folder' },
    sae: { type: 'string', value: 'PATH', description: 'SAE folder or file (repeat for several)', multiple: true },
    dataset: { type: 'string', value: 'FILE', description: 'Dataset file (jsonl, csv, parquet, txt)' },
    'text-column': { type: 'string', value: 'NAME', description: 'Column holding the text' },
    samples: numberFlag('Windows to use', DEFAULT_RUN_SETTINGS.samples),
    context: numberFlag("Tokens per window (default: the SAE's context_size, else the model's maximum)"),
    packing: { type: 'string', value: PACKINGS.join('|'), description: 'How rows become windows', default: DEFAULT_RUN_SETTINGS.packing },
    ce: { type: 'boolean', description: 'Also compute LM losses: clean, spliced and zero-ablated' },
    ablate: {
      type: 'string',
      value: 'KIND',
      description: 'positions-only zeroes the token embeddings, tokens-only the positional ones',
      default: DEFAULT_RUN_SETTINGS.ablate,
    },
    device: deviceFlag(),
    'batch-size': numberFlag('Windows per forward pass', DEFAULT_RUN_SETTINGS.batchSize),
    'quantile-buckets': numberFlag(`Log-spaced buckets per feature for quantiles, from ${QUANTILE_BUCKET_LIMITS.min} to ${QUANTILE_BUCKET_LIMITS.max}`, DEFAULT_QUANTILE_BUCKETS),
    'quantile-accuracy': numberFlag(
      `Relative error of every quantile estimate, from ${QUANTILE_ACCURACY_LIMITS.min} to ${QUANTILE_ACCURACY_LIMITS.max}`,
      DEFAULT_QUANTILE_ACCURACY,
      'X',
    ),
    db: databaseFlag(),
    export: { type: 'string', value: 'FILE', description: 'Write stats.json here when the run finishes' },
  },
  async run(options) {
    const settings = settingsFromOptions(options);
    const databasePath = databaseOption(options);
    const run = await runJobInTerminal('statistics', settings, databasePath);
    const exportPath = stringOption(options, 'export');
    if (exportPath) writeExport(loadStats(databasePath, run.id), resolve(exportPath));
    return 0;
  },
};

function settingsFromOptions(options: ParsedOptions): RunSettings {
  const saes = (options.sae as string[] | undefined) ?? [];
  if (saes.length === 0) throw new InputError("--sae is required. See 'sae-studio analyze --help'.");
  return {
    model: resolve(requiredString(options, 'model', analyzeCommand)),
    saes: saes.map((path) => resolve(path)),
    dataset: resolve(requiredString(options, 'dataset', analyzeCommand)),
    textColumn: stringOption(options, 'text-column'),
    samples: integerOption(options, 'samples') ?? DEFAULT_RUN_SETTINGS.samples,
    context: integerOption(options, 'context', 2),
    packing: choiceOption(options, 'packing', PACKINGS, DEFAULT_RUN_SETTINGS.packing),
    ce: options.ce === true,
    ablate: choiceOption(options, 'ablate', EMBEDDING_ABLATIONS, DEFAULT_RUN_SETTINGS.ablate),
    device: deviceOption(options),
    batchSize: integerOption(options, 'batch-size') ?? DEFAULT_RUN_SETTINGS.batchSize,
    quantileBuckets: boundedIntegerOption(options, 'quantile-buckets', QUANTILE_BUCKET_LIMITS) ?? DEFAULT_QUANTILE_BUCKETS,
    quantileAccuracy: boundedNumberOption(options, 'quantile-accuracy', QUANTILE_ACCURACY_LIMITS) ?? DEFAULT_QUANTILE_ACCURACY,
  };
}
