import { basename } from 'node:path';
import type { RunRecord } from '../../api/contract.js';
import { openDatabase } from '../../store/database.js';
import { listRuns } from '../../store/runs.js';
import { databaseFlag, databaseOption, type Command } from '../command.js';

const COLUMNS = ['ID', 'STATE', 'CREATED', 'MODEL', 'SAES', 'SAMPLES', 'DEVICE', 'MESSAGE'] as const;

function rowOf(run: RunRecord): string[] {
  return [
    run.id,
    run.state,
    run.createdAt.slice(0, 19).replace('T', ' '),
    basename(run.settings.model),
    String(run.settings.saes.length),
    samplesCell(run),
    run.device ?? '',
    run.message ?? '',
  ];
}

/** The windows used, and the request beside them when the dataset held fewer. */
function samplesCell(run: RunRecord): string {
  const requested = run.settings.samples;
  if (run.windows === undefined || run.windows === requested) return String(requested);
  return `${run.windows} of ${requested}`;
}

/** Left-aligned columns as wide as their widest cell. */
export function formatTable(header: readonly string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List statistics runs with their state, newest first',
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
