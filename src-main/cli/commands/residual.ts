import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { residualToJson } from '../../engine/residual/export.js';
import { DEFAULT_RESIDUAL_SETTINGS, type ResidualSettings } from '../../shared/settings/residual-settings.js';
import { EMBEDDING_ABLATIONS, PACKINGS } from '../../shared/settings/run-settings.js';
import { openDatabase } from '../../store/database.js';
import { loadResidualStats } from '../../store/residual.js';
import { choiceOption, databaseFlag, databaseOption, deviceFlag, deviceOption, integerOption, numberFlag, requiredString, stringOption, type Command, type ParsedOptions } from '../command.js';
import { runJobInTerminal } from '../run-job.js';

export const residualCommand: Command = {
  name: 'residual',
  summary: 'Compute residual-stream statistics of a model on a dataset: norms, cosines, massive dims, logit lens',
  options: {
    model: { type: 'string', value: 'DIR', description: 'Hugging Face model folder' },
    dataset: { type: 'string', value: 'FILE', description: 'Dataset file (jsonl, csv, parquet, txt)' },
    'text-column': { type: 'string', value: 'NAME', description: 'Column holding the text' },
    samples: numberFlag('Windows to use', DEFAULT_RESIDUAL_SETTINGS.samples),
    context: numberFlag("Tokens per window (default: the model's maximum)"),
    packing: { type: 'string', value: PACKINGS.join('|'), description: 'How rows become windows', default: DEFAULT_RESIDUAL_SETTINGS.packing },
    ablate: {
      type: 'string',
      value: 'KIND',
      description: 'positions-only zeroes the token embeddings, tokens-only the positional ones',
      default: DEFAULT_RESIDUAL_SETTINGS.ablate,
    },
    device: deviceFlag(),
    'batch-size': numberFlag('Windows per forward pass', DEFAULT_RESIDUAL_SETTINGS.batchSize),
    'no-logit-lens': { type: 'boolean', description: 'Skip the logit lens (one unembedding per residual point and token)' },
    db: databaseFlag(),
    export: { type: 'string', value: 'FILE', description: 'Write residual.json here when the run finishes' },
  },
  async run(options) {
    const databasePath = databaseOption(options);
    const run = await runJobInTerminal('residual', settingsFromOptions(options), databasePath);
    const exportPath = stringOption(options, 'export');
    if (exportPath) writeResidualExport(databasePath, run.id, resolve(exportPath));
    return 0;
  },
};

function settingsFromOptions(options: ParsedOptions): ResidualSettings {
  const textColumn = stringOption(options, 'text-column');
  const context = integerOption(options, 'context', 2);
  return {
    model: resolve(requiredString(options, 'model', residualCommand)),
    dataset: resolve(requiredString(options, 'dataset', residualCommand)),
    ...(textColumn ? { textColumn } : {}),
    samples: integerOption(options, 'samples') ?? DEFAULT_RESIDUAL_SETTINGS.samples,
    ...(context ? { context } : {}),
    packing: choiceOption(options, 'packing', PACKINGS, DEFAULT_RESIDUAL_SETTINGS.packing),
    ablate: choiceOption(options, 'ablate', EMBEDDING_ABLATIONS, DEFAULT_RESIDUAL_SETTINGS.ablate),
    device: deviceOption(options),
    batchSize: integerOption(options, 'batch-size') ?? DEFAULT_RESIDUAL_SETTINGS.batchSize,
    logitLens: options['no-logit-lens'] !== true,
  };
}

/** Writes a finished residual run's residual.json and says where. */
export function writeResidualExport(databasePath: string, runName: string, path: string): void {
  const db = openDatabase(databasePath);
  try {
    writeFileSync(path, residualToJson(loadResidualStats(db, runName)));
  } finally {
    db.close();
  }
  console.log(`Wrote ${path}`);
}
