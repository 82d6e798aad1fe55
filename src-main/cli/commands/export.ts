import { resolve } from 'node:path';
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
  summary: "Write a finished run's statistics to a file",
  positionals: 'RUN',
  options: {
    format: { type: 'string', value: EXPORT_FORMATS.join('|'), description: 'File format', default: 'json' },
    out: { type: 'string', value: 'FILE', description: 'Where to write', default: 'stats.json' },
    db: databaseFlag(),
  },
  async run(options, positionals) {
    const [runName] = positionals;
    if (!runName) throw new InputError("Name a run id, or 'latest'. See 'sae-studio export --help'.");
    choiceOption(options, 'format', EXPORT_FORMATS, 'json');
    writeExport(loadStats(databaseOption(options), runName), resolve(stringOption(options, 'out') ?? 'stats.json'));
    return 0;
  },
};

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
