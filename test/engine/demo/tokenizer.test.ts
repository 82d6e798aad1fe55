import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGpt2TokenizerJson, byteToUnicode } from '../../../src-main/engine/demo/tokenizer.js';
import { loadTokenizer } from '../../../src-main/engine/model/tokenizer.js';
import { GPT2_TOKENIZER_FOLDER, TEXT_SAMPLES } from '../model/text-samples.js';

interface BpeJson {
  model: { vocab: Record<string, number>; merges: (string | string[])[] };
}

describe('byteToUnicode', () => {
  it('maps bytes to distinct printable characters as GPT-2 does', () => {
    const characters = byteToUnicode();
    expect(new Set(characters).size).toBe(256);
    expect(characters[65]).toBe('A');
    expect(characters[32]).toBe('Ġ');
    expect(characters[10]).toBe('Ċ');
    expect(characters[0]).toBe('Ā');
  });
});

describe('the generated GPT-2 tokenizer.json', () => {
  const generated = buildGpt2TokenizerJson() as unknown as BpeJson;
  const file = join(mkdtempSync(join(tmpdir(), 'demo-tokenizer-')), 'tokenizer.json');
  writeFileSync(file, JSON.stringify(generated));
  const tokenizer = loadTokenizer(file);
  const real = loadTokenizer(GPT2_TOKENIZER_FOLDER);

  it.each(TEXT_SAMPLES.map((text) => [text]))('encodes like the real GPT-2 tokenizer: %j', (text) => {
    const ids = tokenizer.encode(text);
    expect(ids).toEqual(real.encode(text));
    expect(tokenizer.decode(ids)).toBe(text);
  });

  it('has the real vocabulary and merges in the same order', () => {
    const published = JSON.parse(readFileSync(join(GPT2_TOKENIZER_FOLDER, 'tokenizer.json'), 'utf8')) as BpeJson;
    const mergeText = (merge: string | string[]) => (Array.isArray(merge) ? merge.join(' ') : merge);
    expect(generated.model.vocab).toEqual(published.model.vocab);
    expect(generated.model.merges).toEqual(published.model.merges.map(mergeText));
  });
});
