import { describe, expect, it } from 'vitest';
import { parseLines } from '../../../../src-main/engine/data/formats/txt.js';

describe('parseLines', () => {
  it('makes one row per non-empty line, keeping each line as written', () => {
    expect(parseLines('First line.\r\n\n   \n  Indented second.\nthird').records).toEqual([
      { text: 'First line.' },
      { text: '  Indented second.' },
      { text: 'third' },
    ]);
  });
});
