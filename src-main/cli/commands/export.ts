import { resolve } from 'node:path';
import { FeatureService } from '../../api/feature-service.js';
import { featuresToJson } from '../../engine/features/export.js';
import { InputError } from '../../shared/errors.js';
import { writeWholeFile } from '../../engine/files.js';
import { statsToJson } from '../../engine/stats/export.js';
import type { StatsExport } from '../../shared/stats.js';
import { openDatabase } from '../../store/database.js';
import { loadRunStats } from '../../store/statistics.js';
import { choiceOption, databaseFlag, databaseOption, stringOption, type Command } from '../command.js';

const EXPORT_FORMATS = ['json'] as const;

export const exportCommand: Command = {
  name: 'export',
  summary: "Write a finished run's statistics, or some features' pages, to a file",
  positionals: 'RUN',
  options: {
    format: { type: 'string', value: EXPORT_FORMATS.join('|'), description: 'File format', default: 'json' },
    out: { type: 'string', value: 'FILE', description: 'Where to write (default: stats.json, or features.json with --features)' },
    features: { type: 'string', value: 'I,J,…', description: 'Export these features of one SAE (features.md) instead of the statistics' },
    hook: { type: 'string', value: 'HOOK', description: "With --features: the SAE's hook (needed when the run has several)" },
    db: databaseFlag(),
  },
  async run(options, positionals) {
    const [runName] = positionals;
    if (!runName) throw new InputError("Name a run id, or 'latest'. See 'sae-studio export --help'.");
    choiceOption(options, 'format', EXPORT_FORMATS, 'json');
    const features = stringOption(options, 'features');
    if (features !== undefined) {
      writeFeatures({ databasePath: databaseOption(options), runName, hook: stringOption(options, 'hook'), features: featureList(features) }, resolve(stringOption(options, 'out') ?? 'features.json'));
      return 0;
    }
    writeExport(loadStats(databaseOption(options), runName), resolve(stringOption(options, 'out') ?? 'stats.json'));
    return 0;
  },
};

/** "0,17,512" as feature indices, refusing anything that is not a whole number. */
export function featureList(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const bad = parts.find((part) => !/^\d+$/.test(part));
  if (bad !== undefined) throw new InputError(`--features takes feature indices separated by commas, such as 0,17,512; '${bad}' is not one.`);
  return parts.map(Number);
}

interface FeatureRequest {
  databasePath: string;
  runName: string;
  hook: string | undefined;
  features: number[];
}

/** Writes features.md's JSON export for some features of one SAE and says where. */
function writeFeatures(request: FeatureRequest, path: string): void {
  const db = openDatabase(request.databasePath);
  try {
    const pages = new FeatureService(db).pages(request.runName, { hook: request.hook }, request.features);
    writeWholeFile(path, featuresToJson(pages[0].hook, pages));
    console.log(`Wrote ${path}`);
  } finally {
    db.close();
  }
}

/** A run's statistics, the run named by its id or 'latest'. */
export function loadStats(databasePath: string, runName: string): StatsExport {
  const db = openDatabase(databasePath);
  try {
    return loadRunStats(db, runName);
  } finally {
    db.close();
  }
}

/** Writes a run's stats.json and says where. */
export function writeExport(stats: StatsExport, path: string): void {
  writeWholeFile(path, statsToJson(stats));
  console.log(`Wrote ${path}`);
}
