import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { Dataset, DatasetRow, LabelValue } from './types.js';

/** binary: 0/1 or true/false; numeric: other numbers; categorical: anything else, counted per value. */
export type LabelKind = 'binary' | 'numeric' | 'categorical';

export interface LabelColumn {
  name: string;
  kind: LabelKind;
  /** Rows that have a value in this column. */
  rows: number;
  /** Value → rows, most frequent first. */
  counts: [string, number][];
}

/** Which column is the label and, for one-vs-rest, which of its values counts as positive. */
export interface LabelChoice {
  column: string;
  positive?: string;
}

/** The rows that carry a label, in file order, with the label as a number (1/0 for one-vs-rest and binary columns). */
export interface LabelledRows {
  texts: string[];
  labels: Float64Array;
  /** Rows left out because the label column is empty there. */
  missing: number;
}

/** Categorical columns with more distinct values than this are shown as counts of the most frequent only. */
const SHOWN_VALUES = 8;

/** Every column besides the text one, with its kind and value counts. */
export function describeLabelColumns(dataset: Dataset): LabelColumn[] {
  const names = dataset.info.columns.filter((column) => column !== dataset.info.textColumn);
  return names.map((name) => describeColumn(name, dataset.rows));
}

function describeColumn(name: string, rows: readonly DatasetRow[]): LabelColumn {
  const values = rows.map((row) => row.labels[name]).filter(isPresent);
  const counts = countValues(values);
  const numbers = values.map(asNumber);
  const numeric = numbers.every((value) => value !== undefined);
  const binary = numeric && numbers.every((value) => value === 0 || value === 1);
  const kind: LabelKind = binary ? 'binary' : numeric ? 'numeric' : 'categorical';
  return { name, kind, rows: values.length, counts };
}

/** One line for the Library, e.g. `categorical: stereotype 120, neutral 100`. */
export function labelColumnSummary(column: LabelColumn): string {
  if (column.kind === 'numeric') return `numeric: ${column.rows} rows, ${column.counts.length} distinct values`;
  const shown = column.counts.slice(0, SHOWN_VALUES).map(([value, count]) => `${value} ${count}`);
  const more = column.counts.length > SHOWN_VALUES ? `, … ${column.counts.length - SHOWN_VALUES} more values` : '';
  return `${column.kind}: ${shown.join(', ')}${more}`;
}

/**
 * The label of every row that has one: with `positive`, 1 where the value equals it and 0 elsewhere (one-vs-rest);
 * else the column's numbers. A categorical column needs `positive`; every choice needs two classes among the rows used.
 */
export function labelRows(dataset: Dataset, choice: LabelChoice, limit = Infinity): LabelledRows {
  const column = requireColumn(dataset, choice.column);
  const label = labelReader(dataset, column, choice);
  const texts: string[] = [];
  const labels: number[] = [];
  let missing = 0;
  for (const row of dataset.rows) {
    if (texts.length === limit) break;
    const value = row.labels[column.name];
    if (!isPresent(value)) {
      missing++;
      continue;
    }
    texts.push(row.text);
    labels.push(label(value));
  }
  requireTwoClasses(dataset, choice, labels);
  return { texts, labels: Float64Array.from(labels), missing };
}

function requireColumn(dataset: Dataset, name: string): LabelColumn {
  const file = basename(dataset.info.path);
  if (name === dataset.info.textColumn) throw new InputError(`'${name}' is the text column of ${file}; pick a label column.`, dataset.info.path);
  const columns = describeLabelColumns(dataset);
  const column = columns.find((candidate) => candidate.name === name);
  if (column) return column;
  const listed = columns.length ? columns.map((candidate) => `'${candidate.name}' (${candidate.kind})`).join(', ') : 'none';
  throw new InputError(`${file} has no label column '${name}'; its label columns are ${listed}.`, dataset.info.path);
}

function labelReader(dataset: Dataset, column: LabelColumn, choice: LabelChoice): (value: LabelValue) => number {
  const positive = choice.positive;
  if (positive !== undefined) {
    if (!column.counts.some(([value]) => value === positive)) {
      throw new InputError(`The column '${column.name}' has no value '${positive}'; its values are ${listValues(column)}.`, dataset.info.path);
    }
    return (value) => (String(value) === positive ? 1 : 0);
  }
  if (column.kind === 'categorical') {
    const message = `The column '${column.name}' is categorical: name the positive class with --positive VALUE (values: ${listValues(column)}).`;
    throw new InputError(message, dataset.info.path);
  }
  return (value) => asNumber(value)!;
}

function requireTwoClasses(dataset: Dataset, choice: LabelChoice, labels: number[]): void {
  const first = labels[0];
  if (labels.length > 0 && labels.some((value) => value !== first)) return;
  const described = choice.positive === undefined ? `'${choice.column}'` : `'${choice.column}' one-vs-rest for '${choice.positive}'`;
  const only = labels.length === 0 ? 'has no labelled rows' : `has one class only (every row used is ${first})`;
  throw new InputError(`The label ${described} ${only} in ${basename(dataset.info.path)}; a correlation needs two.`, dataset.info.path);
}

function listValues(column: LabelColumn): string {
  const shown = column.counts.slice(0, SHOWN_VALUES).map(([value]) => `'${value}'`);
  return column.counts.length > SHOWN_VALUES ? `${shown.join(', ')}, …` : shown.join(', ');
}

function countValues(values: LabelValue[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function isPresent(value: LabelValue | undefined): value is string | number | boolean {
  return value !== null && value !== undefined && value !== '';
}

/** Numbers, booleans and numeric text (CSV keeps every field as text). */
function asNumber(value: LabelValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === 'false') return text === 'true' ? 1 : 0;
  const number = Number(text);
  return text !== '' && Number.isFinite(number) ? number : undefined;
}
