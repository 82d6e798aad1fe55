import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { correlationToJson } from '../../engine/correlate/export.js';
import type { CorrelationExport, SaeCorrelation } from '../../shared/correlation.js';
import { InputError } from '../../shared/errors.js';
import { DEFAULT_CORRELATION_SETTINGS, POOLINGS, type CorrelationSettings } from '../../shared/settings/correlation-settings.js';
import { openDatabase } from '../../store/database.js';
import { loadCorrelation } from '../../store/correlations.js';
import { choiceOption, databaseFlag, databaseOption, deviceFlag, deviceOption, integerOption, numberFlag, requiredString, stringOption, type Command, type ParsedOptions } from '../command.js';
import { runJobInTerminal } from '../run-job.js';

export const correlateCommand: Command = {
  name: 'correlate',
  summary: "Correlate SAE features' pooled activations with a dataset's label column (CorrSteer's feature selection)",
  options: {
    model: { type: 'string', value: 'DIR', description: 'Hugging Face model folder' },
    sae: { type: 'string', value: 'PATH', description: 'SAE folder or file (repeat for several)', multiple: true },
    dataset: { type: 'string', value: 'FILE', description: 'Dataset file with a label column (jsonl, csv, parquet)' },
    'text-column': { type: 'string', value: 'NAME', description: 'Column holding the text' },
    label: { type: 'string', value: 'COLUMN', description: 'Label column: 0/1, numeric, or categorical with --positive' },
    positive: { type: 'string', value: 'VALUE', description: 'One-vs-rest: rows with this label value are positive' },
    pooling: { type: 'string', value: POOLINGS.join('|'), description: "How a row's positions t ≥ 1 are pooled", default: DEFAULT_CORRELATION_SETTINGS.pooling },
    samples: numberFlag('Rows to use, one window each, in file order', DEFAULT_CORRELATION_SETTINGS.samples),
    context: numberFlag("Tokens per window (default: the SAE's context_size, else the model's maximum)"),
    'top-k': numberFlag('Features listed per SAE, by |r|', DEFAULT_CORRELATION_SETTINGS.topK),
    'batch-size': numberFlag('Rows per forward pass', DEFAULT_CORRELATION_SETTINGS.batchSize),
    device: deviceFlag(),
    export: { type: 'string', value: 'FILE', description: 'Write corr.json here when the run finishes' },
    db: databaseFlag(),
  },
  async run(options) {
    const databasePath = databaseOption(options);
    const run = await runJobInTerminal('correlate', correlationSettings(options), databasePath);
    const result = readStored(databasePath, (db) => loadCorrelation(db, run.id));
    printTop(result);
    const exportPath = stringOption(options, 'export');
    if (exportPath) {
      writeFileSync(resolve(exportPath), correlationToJson(result));
      console.log(`Wrote ${resolve(exportPath)}`);
    }
    return 0;
  },
};

/** Reads results from the studio database, closing it after. */
export function readStored<T>(databasePath: string, read: (db: ReturnType<typeof openDatabase>) => T): T {
  const db = openDatabase(databasePath);
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export function correlationSettings(options: ParsedOptions): CorrelationSettings {
  const saes = (options.sae as string[] | undefined) ?? [];
  if (saes.length === 0) throw new InputError("--sae is required. See 'sae-studio correlate --help'.");
  return {
    model: resolve(requiredString(options, 'model', correlateCommand)),
    saes: saes.map((path) => resolve(path)),
    dataset: resolve(requiredString(options, 'dataset', correlateCommand)),
    textColumn: stringOption(options, 'text-column'),
    label: requiredString(options, 'label', correlateCommand),
    positive: stringOption(options, 'positive'),
    pooling: choiceOption(options, 'pooling', POOLINGS, DEFAULT_CORRELATION_SETTINGS.pooling),
    samples: integerOption(options, 'samples') ?? DEFAULT_CORRELATION_SETTINGS.samples,
    context: integerOption(options, 'context', 2),
    topK: integerOption(options, 'top-k') ?? DEFAULT_CORRELATION_SETTINGS.topK,
    batchSize: integerOption(options, 'batch-size') ?? DEFAULT_CORRELATION_SETTINGS.batchSize,
    device: deviceOption(options),
  };
}

function printTop(result: CorrelationExport): void {
  console.log(`Correlation with ${result.label} over ${result.rows} rows (${result.pooling}-pooled)`);
  for (const sae of result.saes) console.log(formatTop(sae));
}

/** One SAE's top features, one line each: index, signed r, coefficient and the two class means. */
export function formatTop(sae: SaeCorrelation): string {
  const rows = sae.top.map(({ index, pearson, coefficient }) => {
    const r = `${pearson >= 0 ? '+' : ''}${pearson.toFixed(4)}`;
    const means = `mean pos ${sae.mean_positive[index]!.toPrecision(4)}, neg ${sae.mean_negative[index]!.toPrecision(4)}`;
    return `  ${String(index).padStart(7)}  r ${r}  coefficient ${coefficient.toPrecision(4).padEnd(9)} ${means}`;
  });
  return [`${sae.hook}: top ${sae.top.length} features by |r|`, ...rows].join('\n');
}
