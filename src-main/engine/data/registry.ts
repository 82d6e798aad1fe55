import { closeSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { isDirectory, isFile, openReadable, pathExists, regularFileStats } from '../files.js';
import type { DatasetAdapter } from './adapter.js';
import { csvAdapter } from './formats/csv.js';
import { jsonlAdapter } from './formats/jsonl.js';
import { parquetAdapter } from './formats/parquet.js';
import { txtAdapter } from './formats/txt.js';
import { describeLabelColumns, labelColumnSummary } from './labels.js';
import { toDataset } from './table.js';
import type { Dataset, DatasetOpenOptions } from './types.js';

// Name-based formats first, so only a file none of them claims is sniffed for the Parquet magic.
const DATASET_ADAPTERS: readonly DatasetAdapter[] = [jsonlAdapter, csvAdapter, txtAdapter, parquetAdapter];

const HEAD_BYTES = 4;
const KNOWN_EXTENSIONS = '.jsonl, .csv, .tsv, .parquet or .txt';

/** True when the path is a file in a dataset format we read (a look at its name and first bytes). */
export function matchDataset(path: string): boolean {
  return isFile(path) && findAdapter(path) !== undefined;
}

/** Reads every row; the text column is options.textColumn, else `text`, else the first string column. */
export async function openDataset(path: string, options: DatasetOpenOptions = {}): Promise<Dataset> {
  const adapter = requireAdapter(path);
  return toDataset(await adapter.read(path), { path, format: adapter.format }, options);
}

/** Facts for the Library: format, row counts, columns, the text column that would be used and each label column's kind and values. */
export async function inspectDataset(path: string): Promise<Record<string, string | number>> {
  const adapter = requireAdapter(path);
  const dataset = toDataset(await adapter.read(path), { path, format: adapter.format });
  const { info } = dataset;
  const facts = { format: info.format, rows: info.rowCount, skipped_rows: info.skippedRows, columns: info.columns.join(', '), text_column: info.textColumn };
  const labels = Object.fromEntries(describeLabelColumns(dataset).map((column) => [`label ${column.name}`, labelColumnSummary(column)]));
  return { ...facts, ...(adapter.rowRule ? { row_rule: adapter.rowRule } : {}), ...labels };
}

function requireAdapter(path: string): DatasetAdapter {
  if (!pathExists(path)) throw new InputError(`The dataset file ${path} does not exist.`, path);
  if (isDirectory(path)) throw new InputError(`${basename(path)} is a folder; pick one dataset file (${KNOWN_EXTENSIONS}).`, path);
  regularFileStats(path);
  const adapter = findAdapter(path);
  if (!adapter) throw new InputError(`${basename(path)} is not a dataset format SAE Studio reads: use ${KNOWN_EXTENSIONS}.`, path);
  return adapter;
}

function findAdapter(path: string): DatasetAdapter | undefined {
  const head = readHead(path);
  return DATASET_ADAPTERS.find((adapter) => adapter.match(path, head));
}

function readHead(path: string): Uint8Array {
  const descriptor = openReadable(path);
  try {
    const head = new Uint8Array(HEAD_BYTES);
    return head.subarray(0, readSync(descriptor, head, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(descriptor);
  }
}
