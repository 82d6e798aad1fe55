import { describe, expect, it } from 'vitest';
import { isInputError } from '../../../src-main/shared/errors.js';
import { decodeUtf8 } from '../../../src-main/engine/data/text.js';

function messageFor(bytes: number[]): string {
  try {
    decodeUtf8(Uint8Array.from(bytes), '/data/rows.txt');
  } catch (error) {
    expect(isInputError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('decodeUtf8 accepted invalid UTF-8');
}

describe('decodeUtf8', () => {
  it('decodes multi-byte text and drops a byte-order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('naïve café — 東京 🌧', 'utf8')]);
    expect(decodeUtf8(bytes, 'x.txt')).toBe('naïve café — 東京 🌧');
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x0a, 0x62, 0x80], 'byte 0x80 at offset 3 (line 2)'],
    ['an overlong slash', [0x61, 0xc0, 0xaf], 'byte 0xC0 at offset 1 (line 1)'],
    ['an encoded surrogate', [0x0a, 0x0a, 0xed, 0xa0, 0x80], 'byte 0xED at offset 2 (line 3)'],
    ['a sequence cut off at the end', [0x61, 0x62, 0xe2, 0x82], 'byte 0xE2 at offset 2 (line 1)'],
    ['a Latin-1 letter', [0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b], 'byte 0xE9 at offset 3 (line 1)'],
  ])('names the first bad byte of %s', (_name, bytes, where) => {
    expect(messageFor(bytes)).toBe(`rows.txt is not UTF-8 text: ${where} is invalid.`);
  });
});
