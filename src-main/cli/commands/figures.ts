import { resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { FIGURE_FORMATS, FIGURE_SETTINGS_SCHEMA, FORMAT_OPTIONS_SCHEMA, type FigureFormat } from '../../shared/figures/settings.js';
import type { StatsExport } from '../../shared/stats.js';
import { openDatabase } from '../../store/database.js';
import { getRun, requireFinishedRun } from '../../store/runs.js';
import { loadResidualStats } from '../../store/residual.js';
import { RESIDUAL_FIGURE_FAMILIES } from '../../shared/figures/residual/families.js';
import type { ResidualStats } from '../../shared/residual.js';
import { loadRunStats } from '../../store/statistics.js';
import { FIGURE_FAMILIES } from '../../shared/figures/families.js';
import { MATCH_FIGURE_IDS } from '../../shared/figures/match-families.js';
import { matchFigureSource } from '../../api/match-service.js';
import type { MatchExportOptions } from '../../engine/figures/match-export.js';
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

type RunFigures = { runId: string; kind: 'statistics'; stats: StatsExport } | { runId: string; kind: 'residual'; stats: ResidualStats };

/** The run's stored results: a residual run when named by its id, else a statistics run ('latest': the newest one). */
function loadStats(databasePath: string, runName: string): RunFigures {
  const db = openDatabase(databasePath);
  try {
    if (runName !== 'latest' && getRun(db, runName).kind === 'residual') return { runId: runName, kind: 'residual', stats: loadResidualStats(db, runName) };
    const run = requireFinishedRun(db, runName, 'statistics');
    return { runId: run.id, kind: 'statistics', stats: loadRunStats(db, run.id) };
  } finally {
    db.close();
  }
}

const familyIds = [...FIGURE_FAMILIES, ...RESIDUAL_FIGURE_FAMILIES].map((family) => family.id);

/** The figures of a match run, read from the store, when RUN names one ('latest-match': the newest). */
function findMatch(databasePath: string, runName: string): ReturnType<typeof matchFigureSource> | undefined {
  const db = openDatabase(databasePath);
  try {
    if (runName !== 'latest-match' && (runName === 'latest' || getRun(db, runName).kind !== 'match')) return undefined;
    return matchFigureSource(db, runName === 'latest-match' ? 'latest' : runName);
  } finally {
    db.close();
  }
}

async function exportMatch(source: ReturnType<typeof matchFigureSource>, request: MatchExportOptions): Promise<number> {
  const { exportMatchFigures } = await import('../../engine/figures/match-export.js');
  const written = await exportMatchFigures(source, request);
  console.log(`Wrote ${written.length} figures of match ${source.runId} to ${request.outDir}`);
  for (const path of written) console.log(`  ${path}`);
  return 0;
}

export const figuresCommand: Command = {
  name: 'figures',
  summary: "Export a finished run's or match's figures as SVG (Figma-ready) and PNG (RUN: an id, latest or latest-match)",
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
    const settings = settingsFromFlags(FIGURE_SETTINGS_SCHEMA, options, { command: figuresCommand });
    const output = settingsFromFlags(FORMAT_OPTIONS_SCHEMA, options, { command: figuresCommand });
    const request = { outDir, formats, settings, output };
    const match = findMatch(databaseOption(options), runName);
    if (match) return exportMatch(match, { ...request, families: listOption(options, 'families', MATCH_FIGURE_IDS) });
    const figures = loadStats(databaseOption(options), runName);
    const families = listOption(options, 'families', familyIds);
    // The exporter brings ECharts, so only this command, and only when it draws, pays for loading it.
    const { exportAllFigures } = await import('../../engine/figures/export.js');
    const written = figures.kind === 'residual'
      ? await exportAllFigures(figures.stats, { ...request, families }, RESIDUAL_FIGURE_FAMILIES)
      : await exportAllFigures(figures.stats, { ...request, families });
    const runId = figures.runId;
    console.log(`Wrote ${written.length} figures of run ${runId} to ${outDir}`);
    for (const path of written) console.log(`  ${path}`);
    return 0;
  },
};
