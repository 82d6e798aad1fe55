import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInputError } from '../../../src-main/shared/errors.js';
import { inspectDataset, matchDataset, openDataset } from '../../../src-main/engine/data/registry.js';
import { writeParquet } from '../../helpers/parquet.js';
import { BROKEN_DATASETS } from './broken-datasets.js';

const scratch = mkdtempSync(join(tmpdir(), 'datasets-'));

function write(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

describe('openDataset', () => {
  it('reads the same rows from jsonl, csv, tsv, parquet and txt', async () => {
    const texts = ['The kettle boiled.', 'Rain, then "sun".', 'Line one\nline two'];
    const paths = [
      write('same.jsonl', texts.map((text) => JSON.stringify({ text })).join('\n')),
      write('same.csv', `text\n${texts.map((text) => `"${text.replaceAll('"', '""')}"`).join('\n')}\n`),
      write('same.tsv', `text\n${texts.map((text) => `"${text.replaceAll('"', '""')}"`).join('\r\n')}\r\n`),
      (writeParquet(join(scratch, 'same.parquet'), [{ name: 'text', type: 'string', values: texts }]), join(scratch, 'same.parquet')),
    ];
    for (const path of paths) expect((await openDataset(path)).rows.map((row) => row.text), path).toEqual(texts);
    const txt = await openDataset(write('same.txt', texts.join('\n\n')));
    expect(txt.rows.map((row) => row.text)).toEqual(['The kettle boiled.', 'Rain, then "sun".', 'Line one', 'line two']);
  });

  it('keeps other columns as labels and counts rows without text', async () => {
    const path = write('labelled.jsonl', ['{"text": "a", "topic": "cooking", "n": 2}', '{"topic": "none"}', '{"text": "b", "topic": "physics", "n": null}'].join('\n'));
    const dataset = await openDataset(path);
    expect(dataset.info).toEqual({ path, format: 'jsonl', columns: ['text', 'topic', 'n'], textColumn: 'text', rowCount: 2, skippedRows: 1 });
    expect(dataset.rows).toEqual([
      { text: 'a', labels: { topic: 'cooking', n: 2 } },
      { text: 'b', labels: { topic: 'physics', n: null } },
    ]);
  });

  it('detects the first string column when there is no text column, or takes the one asked for', async () => {
    const path = write('columns.csv', 'id,body,title\n1,first body,First\n2,second body,Second\n');
    expect((await openDataset(path)).info.textColumn).toBe('id');
    const titled = await openDataset(path, { textColumn: 'title' });
    expect(titled.rows[1]).toEqual({ text: 'Second', labels: { id: '2', body: 'second body' } });
  });

  it('turns Parquet integers into numbers and nulls into skipped rows', async () => {
    const path = join(scratch, 'typed.parquet');
    writeParquet(path, [
      { name: 'id', type: 'int64', values: [7, 8, 9] },
      { name: 'content', type: 'string', values: ['alpha', null, 'gamma'] },
      { name: 'score', type: 'double', values: [0.5, 1, null] },
    ]);
    const dataset = await openDataset(path);
    expect(dataset.info).toMatchObject({ format: 'parquet', textColumn: 'content', rowCount: 2, skippedRows: 1 });
    expect(dataset.rows).toEqual([
      { text: 'alpha', labels: { id: 7, score: 0.5 } },
      { text: 'gamma', labels: { id: 9, score: null } },
    ]);
  });

  it('parses quoted CSV fields with delimiters, newlines and doubled quotes', async () => {
    const path = write('quoted.csv', 'text,topic\r\n"a, b","x"\r\n"he said ""hi""\nand left",y\r\n\r\nplain,\r\n5" tall,z\r\n"quoted" tail,w');
    const dataset = await openDataset(path);
    expect(dataset.rows).toEqual([
      { text: 'a, b', labels: { topic: 'x' } },
      { text: 'he said "hi"\nand left', labels: { topic: 'y' } },
      { text: 'plain', labels: { topic: null } },
      { text: '5" tall', labels: { topic: 'z' } },
      { text: 'quoted tail', labels: { topic: 'w' } },
    ]);
    const tabs = await openDataset(write('tabs.tsv', 'text\ttopic\n"a\tb"\tx\nc, d\ty\n'));
    expect(tabs.rows).toEqual([
      { text: 'a\tb', labels: { topic: 'x' } },
      { text: 'c, d', labels: { topic: 'y' } },
    ]);
  });
});

describe('inspectDataset and matchDataset', () => {
  it('reports format, rows, columns and the text column', async () => {
    const path = write('inspect.csv', 'topic,text\nx,one\ny,\nz,three\n');
    const facts = { format: 'csv', rows: 2, skipped_rows: 1, columns: 'topic, text', text_column: 'text', 'label topic': 'categorical: x 1, z 1' };
    expect(await inspectDataset(path)).toEqual(facts);
    const txt = write('inspect.txt', 'one\n\ntwo\n');
    expect(await inspectDataset(txt)).toMatchObject({ format: 'txt', rows: 2, row_rule: 'one row per non-empty line' });
  });

  it('matches known formats by name, and Parquet by its magic bytes', () => {
    writeParquet(join(scratch, 'renamed.bin'), [{ name: 'text', type: 'string', values: ['a'] }]);
    expect(matchDataset(write('m.jsonl', '{}'))).toBe(true);
    expect(matchDataset(join(scratch, 'renamed.bin'))).toBe(true);
    expect(matchDataset(write('m.xlsx', 'PK'))).toBe(false);
    expect(matchDataset(join(scratch, 'missing.csv'))).toBe(false);
  });
});

describe('broken datasets', () => {
  it.each(BROKEN_DATASETS.map((fixture) => [fixture.name, fixture] as const))('%s', async (_name, fixture) => {
    const dir = join(scratch, 'broken', fixture.name.replaceAll(' ', '-'));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, fixture.file);
    writeFileSync(path, fixture.content);
    const error = await openDataset(path, { textColumn: fixture.textColumn }).then(() => undefined, (caught: unknown) => caught);
    expect(isInputError(error), String(error)).toBe(true);
    expect((error as Error).message).toBe(fixture.message);
  });

  it('names a missing path and a folder', async () => {
    await expect(openDataset(join(scratch, 'nope.jsonl'))).rejects.toThrow(`The dataset file ${join(scratch, 'nope.jsonl')} does not exist.`);
    await expect(openDataset(scratch)).rejects.toThrow(/is a folder; pick one dataset file/);
  });
});
