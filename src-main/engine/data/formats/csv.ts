import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import type { DatasetAdapter } from '../adapter.js';
import type { RawTable } from '../table.js';
import { readText } from '../text.js';

/** CSV and TSV (RFC 4180: quoted fields may hold delimiters, newlines and doubled quotes); the first row names the columns. */
export const csvAdapter: DatasetAdapter = {
  format: 'csv',
  match: (path) => /\.(csv|tsv)$/i.test(path),
  read: async (path) => parseDelimited(readText(path), { path, delimiter: /\.tsv$/i.test(path) ? '\t' : ',' }),
};

interface DelimitedSource {
  path: string;
  delimiter: string;
}

/** A field list per record, with the line each record starts on for messages. */
interface ParsedRecord {
  fields: string[];
  line: number;
}

export function parseDelimited(text: string, source: DelimitedSource): RawTable {
  const [header, ...body] = splitRecords(text, source).filter((record) => !isBlank(record));
  if (!header) return { columns: [], records: [] };
  const columns = header.fields.map((name) => name.trim());
  if (columns.some((name) => name === '')) throw new InputError(`${basename(source.path)} has an empty column name in its header row.`, source.path);
  const records = body.map((record) => toRecord(record, columns, source.path));
  return { columns, records };
}

function toRecord(record: ParsedRecord, columns: string[], path: string): Record<string, unknown> {
  if (record.fields.length > columns.length) {
    throw new InputError(`${basename(path)} line ${record.line} has ${record.fields.length} fields but the header names ${columns.length} columns.`, path);
  }
  // Short rows are common in hand-made files: their missing fields are empty.
  return Object.fromEntries(columns.map((column, i) => [column, record.fields[i] === undefined || record.fields[i] === '' ? null : record.fields[i]]));
}

function isBlank(record: ParsedRecord): boolean {
  return record.fields.length === 1 && record.fields[0].trim() === '';
}

function splitRecords(text: string, source: DelimitedSource): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  const state = { fields: [] as string[], field: '', line: 1, recordLine: 1 };
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"' && state.field === '') {
      i = readQuoted(text, i, state, source.path);
    } else if (char === source.delimiter) {
      state.fields.push(state.field);
      state.field = '';
      i++;
    } else if (char === '\n' || char === '\r') {
      i += char === '\r' && text[i + 1] === '\n' ? 2 : 1;
      records.push(endRecord(state));
      state.line++;
      state.recordLine = state.line;
    } else {
      state.field += char;
      i++;
    }
  }
  if (state.field !== '' || state.fields.length > 0) records.push(endRecord(state));
  return records;
}

function endRecord(state: { fields: string[]; field: string; recordLine: number }): ParsedRecord {
  const record = { fields: [...state.fields, state.field], line: state.recordLine };
  state.fields = [];
  state.field = '';
  return record;
}

/** Reads a quoted field starting at the opening quote; returns the index after the closing one. */
function readQuoted(text: string, start: number, state: { field: string; line: number }, path: string): number {
  const openedOn = state.line;
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '"' && text[i + 1] === '"') {
      state.field += '"';
      i += 2;
    } else if (text[i] === '"') {
      return i + 1;
    } else {
      if (text[i] === '\n') state.line++;
      state.field += text[i++];
    }
  }
  throw new InputError(`${basename(path)} has a quote opened on line ${openedOn} that never closes.`, path);
}
