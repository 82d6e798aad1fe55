import { resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { FIGURE_FORMATS, FIGURE_SETTINGS_SCHEMA, FORMAT_OPTIONS_SCHEMA, type FigureFormat } from '../../shared/figures/settings.js';
import type { StatsExport } from '../../shared/stats.js';
import { openDatabase } from '../../store/database.js';
import { requireFinishedRun } from '../../store/runs.js';
import { loadRunStats } from '../../store/statistics.js';
import { FIGURE_FAMILIES } from '../../shared/figures/families.js';
import { databaseFlag, databaseOption, requiredString, stringOption, type Command, type ParsedOptions } from '../command.js';
import { settingFlags, settingsFromFlags } from '../setting-flags.js';

function listOption<T extends string>(options: ParsedOptions, name: string, choices: readonly T[]): T[] | undefined {
  const raw = stringOption(options, name);
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((value) => value.trim()).filter(Boolean);
  const unknown = values.find((value) => !choices.includes(value as T));
  if (unknown !== undefined || values.length === 0) throw new InputError(`--${name} takes a comma-separated list of ${choices.join(', ')}, not '${raw}'.`);
  return values as T[];
}

function loadStats(databasePath: string, runName: string): { runId: string; stats: StatsExport } {
  const db = openDatabase(databasePath);
  try {
    const run = requireFinishedRun(db, runName, 'statistics');
    return { runId: run.id, stats: loadRunStats(db, run.id) };
  } finally {
    db.close();
  }
}

const familyIds = FIGURE_FAMILIES.map((family) => family.id);

export const figuresCommand: Command = {
  name: 'figures',
  summary: "Export a finished run's figures as SVG (Figma-ready) and PNG",
  positionals: 'RUN',
  options: {
    out: { type: 'string', value: 'DIR', description: 'Folder to write one file per figure into' },
    format: { type: 'string', value: 'svg,png', description: 'Comma-separated formats', default: 'svg' },
    families: { type: 'string', value: 'ID,…', description: `Figures to export: ${familyIds.join(', ')} (default: all)` },
    ...settingFlags(FORMAT_OPTIONS_SCHEMA),
    ...settingFlags(FIGURE_SETTINGS_SCHEMA),
    db: databaseFlag(),
  },
  async run(options, positionals) {
    const [runName] = positionals;
    if (!runName) throw new InputError("Name a run id, or 'latest'. See 'sae-studio figures --help'.");
    const outDir = resolve(requiredString(options, 'out', figuresCommand));
    const formats = listOption<FigureFormat>(options, 'format', FIGURE_FORMATS) ?? ['svg'];
    const families = listOption(options, 'families', familyIds);
    const settings = settingsFromFlags(FIGURE_SETTINGS_SCHEMA, options, { command: figuresCommand });
    const output = settingsFromFlags(FORMAT_OPTIONS_SCHEMA, options, { command: figuresCommand });
    const request = { outDir, formats, families, settings, output };
    const { runId, stats } = loadStats(databaseOption(options), runName);
    // The exporter brings ECharts, so only this command, and only when it draws, pays for loading it.
    const { exportAllFigures } = await import('../../engine/figures/export.js');
    const written = await exportAllFigures(stats, request);
    console.log(`Wrote ${written.length} figures of run ${runId} to ${outDir}`);
    for (const path of written) console.log(`  ${path}`);
    return 0;
  },
};
