import { basename } from 'node:path';
import { InputError } from '../../../shared/errors.js';
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

/** Splits text into records of fields, scanning runs of plain characters at once rather than one at a time. */
function splitRecords(text: string, source: DelimitedSource): ParsedRecord[] {
  const plain = new RegExp(`[^\\r\\n${source.delimiter}]*`, 'y');
  const records: ParsedRecord[] = [];
  const cursor = { index: 0, line: 1 };
  let fields: string[] = [];
  let recordLine = 1;
  while (cursor.index <= text.length) {
    const quoted = text[cursor.index] === '"' ? readQuoted(text, cursor, source.path) : '';
    plain.lastIndex = cursor.index;
    // Text after a closing quote is kept, as most spreadsheet programs do.
    const rest = plain.exec(text)?.[0] ?? '';
    cursor.index += rest.length;
    fields.push(quoted + rest);
    if (text[cursor.index] === source.delimiter) {
      cursor.index++;
      continue;
    }
    records.push({ fields, line: recordLine });
    fields = [];
    cursor.index += text[cursor.index] === '\r' && text[cursor.index + 1] === '\n' ? 2 : 1;
    recordLine = ++cursor.line;
  }
  return records;
}

/** Reads a quoted field from its opening quote, leaving the cursor after the closing one. */
function readQuoted(text: string, cursor: { index: number; line: number }, path: string): string {
  const openedOn = cursor.line;
  const parts: string[] = [];
  let from = cursor.index + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new InputError(`${basename(path)} has a quote opened on line ${openedOn} that never closes.`, path);
    parts.push(text.slice(from, quote));
    if (text[quote + 1] !== '"') {
      cursor.index = quote + 1;
      break;
    }
    parts.push('"');
    from = quote + 2;
  }
  const field = parts.join('');
  cursor.line += field.split('\n').length - 1;
  return field;
}
