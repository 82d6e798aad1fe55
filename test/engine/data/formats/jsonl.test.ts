import { describe, expect, it } from 'vitest';
import { parseJsonLines } from '../../../../src-main/engine/data/formats/jsonl.js';

describe('parseJsonLines', () => {
  it('collects columns in first-seen order across rows, ignoring blank and CRLF endings', () => {
    const table = parseJsonLines('{"text": "a", "topic": "x"}\r\n\r\n{"score": 2, "text": "b"}\r\n', 'rows.jsonl');
    expect(table.columns).toEqual(['text', 'topic', 'score']);
    expect(table.records).toEqual([{ text: 'a', topic: 'x' }, { score: 2, text: 'b' }]);
  });

  it('reads a bare JSON string as a row of text', () => {
    expect(parseJsonLines('"just words"\n{"text": "more"}', 'rows.jsonl').records).toEqual([{ text: 'just words' }, { text: 'more' }]);
  });
});
