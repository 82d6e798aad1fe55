import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeLabelColumns, labelColumnSummary, labelRows } from '../../../src-main/engine/data/labels.js';
import { openDataset } from '../../../src-main/engine/data/registry.js';

const scratch = mkdtempSync(join(tmpdir(), 'labels-'));

/** EMGSD-like rows as CSV, where every field is text. */
const CSV = [
  'text,category,correct,score,empty',
  'The nurse was kind.,stereotype,1,0.5,',
  'The nurse was late.,neutral,0,2,',
  'Bananas are yellow.,unrelated,true,-1,',
  'The engineer was careful.,stereotype,false,3.25,',
  'The engineer was tall.,neutral,,7,',
].join('\n');

function dataset() {
  const path = join(scratch, 'emgsd.csv');
  writeFileSync(path, CSV);
  return openDataset(path);
}

let emgsd: Awaited<ReturnType<typeof dataset>>;

beforeAll(async () => {
  emgsd = await dataset();
});

describe('label columns', () => {
  it('tells binary, numeric and categorical columns apart, with value counts', async () => {
    const columns = describeLabelColumns(emgsd);
    expect(columns.map(({ name, kind, rows }) => ({ name, kind, rows }))).toEqual([
      { name: 'category', kind: 'categorical', rows: 5 },
      { name: 'correct', kind: 'binary', rows: 4 },
      { name: 'score', kind: 'numeric', rows: 5 },
      { name: 'empty', kind: 'binary', rows: 0 },
    ]);
    expect(columns[0]!.counts).toEqual([['neutral', 2], ['stereotype', 2], ['unrelated', 1]]);
    expect(labelColumnSummary(columns[0]!)).toBe('categorical: neutral 2, stereotype 2, unrelated 1');
    expect(labelColumnSummary(columns[2]!)).toBe('numeric: 5 rows, 5 distinct values');
  });

  it('labels one category against the rest, skipping rows without a value', async () => {
    const rows = labelRows(emgsd, { column: 'category', positive: 'stereotype' });
    expect(Array.from(rows.labels)).toEqual([1, 0, 0, 1, 0]);
    const binary = labelRows(emgsd, { column: 'correct' });
    expect(Array.from(binary.labels)).toEqual([1, 0, 1, 0]);
    expect(binary.missing).toBe(1);
    expect(binary.texts[2]).toBe('Bananas are yellow.');
  });

  it('takes the first rows that have a label, up to the limit', async () => {
    expect(Array.from(labelRows(emgsd, { column: 'score' }, 3).labels)).toEqual([0.5, 2, -1]);
  });

  it('asks for the positive class of a categorical column, listing its values', async () => {
    expect(() => labelRows(emgsd, { column: 'category' })).toThrow(
      "The column 'category' is categorical: name the positive class with --positive VALUE (values: 'neutral', 'stereotype', 'unrelated').",
    );
    expect(() => labelRows(emgsd, { column: 'category', positive: 'biased' })).toThrow(
      "The column 'category' has no value 'biased'; its values are 'neutral', 'stereotype', 'unrelated'.",
    );
  });

  it('refuses one class among the rows used, and the text column', async () => {
    expect(() => labelRows(emgsd, { column: 'category', positive: 'stereotype' }, 1)).toThrow(
      "The label 'category' one-vs-rest for 'stereotype' has one class only (every row used is 1) in emgsd.csv; a correlation needs two.",
    );
    expect(() => labelRows(emgsd, { column: 'empty' })).toThrow("The label 'empty' has no labelled rows in emgsd.csv; a correlation needs two.");
    expect(() => labelRows(emgsd, { column: 'text' })).toThrow("'text' is the text column of emgsd.csv; pick a label column.");
  });
});

