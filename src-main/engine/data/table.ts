import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { Dataset, DatasetFormat, DatasetOpenOptions, DatasetRow, LabelValue } from './types.js';

/** What every format parses to before the text column is chosen: named columns and one record per row. */
export interface RawTable {
  columns: string[];
  records: Record<string, unknown>[];
}

export const DEFAULT_TEXT_COLUMN = 'text';

/** The text column: the one asked for, else `text`, else the first column whose first value is a string. */
function chooseTextColumn(table: RawTable, path: string, options: DatasetOpenOptions = {}): string {
  const wanted = options.textColumn;
  if (wanted !== undefined) {
    if (table.columns.includes(wanted)) return wanted;
    throw new InputError(`${basename(path)} has no column '${wanted}'; its columns are ${listColumns(table.columns)}.`, path);
  }
  if (table.columns.includes(DEFAULT_TEXT_COLUMN)) return DEFAULT_TEXT_COLUMN;
  const textual = table.columns.find((column) => typeof firstValue(table, column) === 'string');
  if (textual === undefined) throw new InputError(`${basename(path)} has no text column; its columns are ${listColumns(table.columns)}.`, path);
  return textual;
}

export function toDataset(table: RawTable, source: { path: string; format: DatasetFormat }, options: DatasetOpenOptions = {}): Dataset {
  const { path, format } = source;
  if (table.records.length === 0) throw new InputError(`${basename(path)} has no rows.`, path);
  const textColumn = chooseTextColumn(table, path, options);
  const rows: DatasetRow[] = [];
  for (const record of table.records) {
    const text = record[textColumn];
    if (typeof text === 'string' && text.trim() !== '') rows.push({ text, labels: labelsOf(record, table.columns, textColumn) });
  }
  const skippedRows = table.records.length - rows.length;
  if (rows.length === 0) {
    throw new InputError(`${basename(path)} has no text in column '${textColumn}': all ${skippedRows} rows are empty or not text.`, path);
  }
  return { info: { path, format, columns: table.columns, textColumn, rowCount: rows.length, skippedRows }, rows };
}

function labelsOf(record: Record<string, unknown>, columns: string[], textColumn: string): Record<string, LabelValue> {
  const labels: Record<string, LabelValue> = {};
  for (const column of columns) if (column !== textColumn) labels[column] = toLabel(record[column]);
  return labels;
}

/** Labels stay scalar: big integers become numbers, nested values their JSON. */
function toLabel(value: unknown): LabelValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? Number(item) : item));
}

function firstValue(table: RawTable, column: string): unknown {
  return table.records.find((record) => record[column] !== undefined && record[column] !== null)?.[column];
}

function listColumns(columns: string[]): string {
  return columns.length === 0 ? 'none' : columns.map((column) => `'${column}'`).join(', ');
}
