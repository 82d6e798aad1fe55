import { describe, expect, it } from 'vitest';
import { isInputError } from '../../../src-main/shared/errors.js';
import type { TextTokenizer } from '../../../src-main/engine/model/types.js';
import {
  batchWindows,
  countWindows,
  packedWindows,
  perRowWindows,
  windowBatches,
  type WindowPlan,
} from '../../../src-main/engine/stats/windows.js';

const BOS = 900;
const EOS = 901;
const plan = (overrides: Partial<WindowPlan> = {}): WindowPlan => ({
  context: 4,
  packing: 'packed',
  samples: 100,
  batchSize: 2,
  bosTokenId: BOS,
  eosTokenId: EOS,
  ...overrides,
});

/** Splits on spaces and reads each word as a number: token lists written by hand. */
const numberTokenizer: TextTokenizer = {
  encode: (text) => text.split(' ').filter(Boolean).map(Number),
  decode: (ids) => ids.join(' '),
};

describe('packed windows', () => {
  it('joins rows with EOS, prefixes each piece of context − 1 tokens with BOS and drops the short tail', () => {
    const windows = [...packedWindows([[1, 2], [3, 4, 5], [6]], plan())];
    // stream: 1 2 EOS 3 4 5 EOS 6 EOS → pieces of 3: [1 2 EOS] [3 4 5] [EOS 6 EOS]
    expect(windows.map((window) => [...window.ids])).toEqual([
      [BOS, 1, 2, EOS],
      [BOS, 3, 4, 5],
      [BOS, EOS, 6, EOS],
    ]);
    expect(windows.every((window) => window.length === 4)).toBe(true);
    expect([...packedWindows([[1, 2], [3]], plan())].map((window) => [...window.ids])).toEqual([[BOS, 1, 2, EOS]]);
  });

  it('cuts long rows across many windows without losing a token', () => {
    const row = Array.from({ length: 1000 }, (_, i) => i);
    const windows = [...packedWindows([row], plan({ context: 8 }))];
    expect(windows).toHaveLength(Math.floor(1001 / 7));
    expect(windows.flatMap((window) => [...window.ids.subarray(1)])).toEqual([...row, EOS].slice(0, windows.length * 7));
  });
});

describe('per-row windows', () => {
  it('takes BOS plus the first context − 1 tokens of each row and pads shorter rows', () => {
    const windows = [...perRowWindows([[1, 2, 3, 4, 5], [6]], plan())];
    expect(windows.map((window) => [...window.ids])).toEqual([
      [BOS, 1, 2, 3],
      [BOS, 6, EOS, EOS],
    ]);
    expect(windows.map((window) => window.length)).toEqual([4, 2]);
  });
});

describe('batches', () => {
  it('takes the first `samples` windows in order, batchSize at a time, with their lengths', () => {
    const rows = [[1], [2, 3], [4, 5, 6], [7]];
    const batches = [...batchWindows(perRowWindows(rows, plan()), plan({ samples: 3 }))];
    expect(batches.map((batch) => batch.batch)).toEqual([2, 1]);
    expect([...batches[0].ids]).toEqual([BOS, 1, EOS, EOS, BOS, 2, 3, EOS]);
    expect([...batches[0].lengths]).toEqual([2, 3]);
    expect([...batches[1].ids]).toEqual([BOS, 4, 5, 6]);
    expect(batches[1].sequence).toBe(4);
  });

  it('tokenizes the dataset without special tokens', () => {
    const batches = [...windowBatches({ path: 'rows.jsonl', texts: ['1 2', '3 4 5'] }, numberTokenizer, plan())];
    expect([...batches[0].ids]).toEqual([BOS, 1, 2, EOS, BOS, 3, 4, 5]);
  });

  it.each([
    [[], 'The dataset empty.jsonl has no rows of text.'],
    [['1'], 'The dataset empty.jsonl has too few tokens for one window of 4 tokens.'],
  ])('names the dataset file when it cannot fill a window (%j)', (texts, message) => {
    const read = () => [...windowBatches({ path: '/data/empty.jsonl', texts }, numberTokenizer, plan())];
    expect(read).toThrow(message);
    try {
      read();
    } catch (error) {
      expect(isInputError(error) && error.file).toBe('/data/empty.jsonl');
    }
  });
});

describe('countWindows', () => {
  const source = (texts: string[]) => ({ path: '/data/rows.jsonl', texts });

  it('counts the windows a dataset holds, up to the samples requested', () => {
    // stream: 1 2 EOS 3 4 5 EOS 6 EOS 7 8 EOS → pieces of 3: [1 2 EOS] [3 4 5] [EOS 6 EOS] [7 8 EOS]
    const rows = source(['1 2', '3 4 5', '6', '7 8']);
    expect(countWindows(rows, numberTokenizer, plan())).toBe(4);
    expect(countWindows(rows, numberTokenizer, plan({ samples: 3 }))).toBe(3);
    expect(countWindows(rows, numberTokenizer, plan({ packing: 'per-row' }))).toBe(4);
    expect(countWindows(rows, numberTokenizer, plan({ packing: 'per-row', samples: 2 }))).toBe(2);
  });

  it('stops tokenizing once it has the samples requested', () => {
    let encoded = 0;
    const counting: TextTokenizer = { ...numberTokenizer, encode: (text) => (encoded++, numberTokenizer.encode(text)) };
    countWindows(source(['1 2 3', '4 5 6', '7 8 9', '10 11 12']), counting, plan({ samples: 2 }));
    expect(encoded).toBe(2);
  });

  it('names the dataset when it holds no window at all', () => {
    expect(() => countWindows(source(['1']), numberTokenizer, plan())).toThrow('The dataset rows.jsonl has too few tokens for one window of 4 tokens.');
    expect(() => countWindows(source([]), numberTokenizer, plan())).toThrow('The dataset rows.jsonl has no rows of text.');
  });
});
