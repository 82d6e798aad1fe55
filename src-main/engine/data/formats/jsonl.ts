import { basename } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import type { DatasetAdapter } from '../adapter.js';
import { DEFAULT_TEXT_COLUMN, type RawTable } from '../table.js';
import { readText } from '../text.js';

export const jsonlAdapter: DatasetAdapter = {
  format: 'jsonl',
  match: (path) => /\.(jsonl|ndjson)$/i.test(path),
  read: async (path) => parseJsonLines(readText(path), path),
};

/** One JSON object per line; blank lines are ignored and a bare string is a row of text. */
export function parseJsonLines(text: string, path: string): RawTable {
  const columns = new Set<string>();
  const records: Record<string, unknown>[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const record = parseRecord(line, index + 1, path);
    Object.keys(record).forEach((key) => columns.add(key));
    records.push(record);
  });
  return { columns: [...columns], records };
}

function parseRecord(line: string, lineNumber: number, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new InputError(`${basename(path)} line ${lineNumber} is not valid JSON.`, path);
  }
  if (typeof value === 'string') return { [DEFAULT_TEXT_COLUMN]: value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new InputError(`${basename(path)} line ${lineNumber} holds ${kind}, not a JSON object.`, path);
  }
  return value as Record<string, unknown>;
}
