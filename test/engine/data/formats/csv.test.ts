import { describe, expect, it } from 'vitest';
import { parseDelimited } from '../../../../src-main/engine/data/formats/csv.js';

const csv = (text: string) => parseDelimited(text, { path: 'rows.csv', delimiter: ',' });

describe('parseDelimited', () => {
  it('trims header names and fills short rows with nulls', () => {
    expect(csv(' text , topic\nalpha\nbeta,b\n')).toEqual({
      columns: ['text', 'topic'],
      records: [{ text: 'alpha', topic: null }, { text: 'beta', topic: 'b' }],
    });
  });

  it('keeps a quoted empty field empty and a quoted newline inside the field', () => {
    expect(csv('text,topic\n"",x\n"one\r\ntwo",y').records).toEqual([{ text: null, topic: 'x' }, { text: 'one\r\ntwo', topic: 'y' }]);
  });

  it('counts lines inside quoted fields when naming a later row', () => {
    expect(() => csv('text\n"a\nb\nc"\nd,e\n')).toThrow('rows.csv line 5 has 2 fields but the header names 1 columns.');
  });

  it('gives no columns for an empty file', () => {
    expect(csv('')).toEqual({ columns: [], records: [] });
  });
});
