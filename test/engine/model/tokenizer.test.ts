import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as referenceEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../../src-main/engine/model/tokenizer.js';
import { TOKENIZER_FIXTURES } from './fixtures.js';
import { GPT2_TOKENIZER_FOLDER, TEXT_SAMPLES } from './text-samples.js';

describe('loadTokenizer with the real GPT-2 tokenizer.json', () => {
  const tokenizer = loadTokenizer(GPT2_TOKENIZER_FOLDER);

  it('encodes "Hello world" as GPT-2 does', () => {
    expect(tokenizer.encode('Hello world')).toEqual([15496, 995]);
  });

  it.each(TEXT_SAMPLES.map((text) => [text]))('matches r50k_base and round-trips: %j', (text) => {
    const ids = tokenizer.encode(text);
    expect(ids).toEqual(referenceEncode(text));
    expect(tokenizer.decode(ids)).toBe(text);
  });

  it('loads from the file path as well as the folder', () => {
    expect(loadTokenizer(join(GPT2_TOKENIZER_FOLDER, 'tokenizer.json')).encode(' the')).toEqual([262]);
  });

  it('adds no special tokens but recognises <|endoftext|> in text', () => {
    expect(tokenizer.encode('a<|endoftext|>b')).toEqual([64, 50256, 65]);
  });
});

describe('broken tokenizers', () => {
  it.each(TOKENIZER_FIXTURES)('$name', (fixture) => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenizer-'));
    const file = join(folder, 'tokenizer.json');
    if (fixture.text !== undefined) writeFileSync(file, fixture.text);
    expect(() => loadTokenizer(folder)).toThrowError(
      expect.objectContaining({ name: 'InputError', message: fixture.message.replace('FILE', file), file }),
    );
  });
});
