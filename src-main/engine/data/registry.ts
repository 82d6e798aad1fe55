import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { isFile } from '../files.js';
import type { DatasetAdapter } from './adapter.js';
import { csvAdapter } from './formats/csv.js';
import { jsonlAdapter } from './formats/jsonl.js';
import { parquetAdapter } from './formats/parquet.js';
import { txtAdapter } from './formats/txt.js';
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

/** Facts for the Library: format, row counts, columns and the text column that would be used. */
export async function inspectDataset(path: string): Promise<Record<string, string | number>> {
  const adapter = requireAdapter(path);
  const { info } = toDataset(await adapter.read(path), { path, format: adapter.format });
  const facts = { format: info.format, rows: info.rowCount, skipped_rows: info.skippedRows, columns: info.columns.join(', '), text_column: info.textColumn };
  return adapter.rowRule ? { ...facts, row_rule: adapter.rowRule } : facts;
}

function requireAdapter(path: string): DatasetAdapter {
  if (!existsSync(path)) throw new InputError(`The dataset file ${path} does not exist.`, path);
  if (!isFile(path)) throw new InputError(`${basename(path)} is a folder; pick one dataset file (${KNOWN_EXTENSIONS}).`, path);
  const adapter = findAdapter(path);
  if (!adapter) throw new InputError(`${basename(path)} is not a dataset format SAE Studio reads: use ${KNOWN_EXTENSIONS}.`, path);
  return adapter;
}

function findAdapter(path: string): DatasetAdapter | undefined {
  const head = readHead(path);
  return DATASET_ADAPTERS.find((adapter) => adapter.match(path, head));
}

function readHead(path: string): Uint8Array {
  const descriptor = openSync(path, 'r');
  try {
    const head = new Uint8Array(HEAD_BYTES);
    return head.subarray(0, readSync(descriptor, head, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(descriptor);
  }
}
