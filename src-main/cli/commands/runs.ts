import { basename } from 'node:path';
import { openDatabase } from '../../store/database.js';
import { listRuns, type RunRecord } from '../../store/runs.js';
import { databaseFlag, databaseOption, type Command } from '../command.js';

const COLUMNS = ['ID', 'KIND', 'STATE', 'CREATED', 'MODEL', 'SAES', 'SAMPLES', 'DEVICE', 'MESSAGE'] as const;

function rowOf(run: RunRecord): string[] {
  return [
    run.id,
    run.kind,
    run.state,
    run.createdAt.slice(0, 19).replace('T', ' '),
    ...kindColumns(run),
    run.device ?? '',
    run.message ?? '',
  ];
}

/** MODEL, SAES and SAMPLES, as far as the kind has them; SAMPLES says the windows used when fewer than requested. */
function kindColumns(run: RunRecord): string[] {
  const settings: { model?: string; saes?: string[]; samples?: number } = run.settings;
  return [settings.model ? basename(settings.model) : '-', settings.saes ? String(settings.saes.length) : '-', samplesCell(settings.samples, run.windows)];
}

function samplesCell(requested: number | undefined, windows: number | undefined): string {
  if (!requested) return '-';
  return windows === undefined || windows === requested ? String(requested) : `${windows} of ${requested}`;
}

/** Left-aligned columns as wide as their widest cell. */
export function formatTable(header: readonly string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List runs of every kind with their state, newest first',
  options: {
    db: databaseFlag(),
  },
  async run(options) {
    // Read the store directly: listing must never change a run's state.
    const db = openDatabase(databaseOption(options));
    try {
      const runs = listRuns(db);
      console.log(runs.length === 0 ? 'There are no runs yet.' : formatTable(COLUMNS, runs.map(rowOf)));
    } finally {
      db.close();
    }
    return 0;
  },
};
