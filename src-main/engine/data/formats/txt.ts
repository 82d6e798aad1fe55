import type { DatasetAdapter } from '../adapter.js';
import { DEFAULT_TEXT_COLUMN, type RawTable } from '../table.js';
import { readText } from '../text.js';

/** Plain text: one row per non-empty line, in a single `text` column. */
export const txtAdapter: DatasetAdapter = {
  format: 'txt',
  match: (path) => /\.(txt|text)$/i.test(path),
  read: async (path) => parseLines(readText(path)),
  rowRule: 'one row per non-empty line',
};

export function parseLines(text: string): RawTable {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return { columns: [DEFAULT_TEXT_COLUMN], records: lines.map((line) => ({ [DEFAULT_TEXT_COLUMN]: line })) };
}
