import r50kRanks from 'gpt-tokenizer/bpeRanks/r50k_base';

export const END_OF_TEXT = '<|endoftext|>';
export const END_OF_TEXT_ID = 50256;

/** GPT-2's reversible map from bytes to printable characters, so every byte sequence is a plain string. */
export function byteToUnicode(): string[] {
  const printable = (byte: number) => (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  const characters: string[] = [];
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    characters.push(String.fromCodePoint(printable(byte) ? byte : 256 + shifted++));
  }
  return characters;
}

/** GPT-2's tokens in rank order (rank = id), each as its byte-level string. */
function rankedTokens(): string[] {
  const characters = byteToUnicode();
  const encoder = new TextEncoder();
  return r50kRanks.map((token) => {
    const bytes = typeof token === 'string' ? encoder.encode(token) : token;
    return Array.from(bytes, (byte) => characters[byte]).join('');
  });
}

/**
 * The merge that creates a token is the last step of byte-pair encoding its own bytes
 * with only the lower-ranked merges allowed, which leaves exactly two parts.
 */
function mergeFor(token: string, rank: number, ranks: Map<string, number>): string {
  const parts = [...token];
  for (;;) {
    let best = -1;
    let bestRank = rank;
    for (let i = 0; i + 1 < parts.length; i++) {
      const candidate = ranks.get(parts[i] + parts[i + 1]);
      if (candidate !== undefined && candidate < bestRank) [best, bestRank] = [i, candidate];
    }
    if (best < 0) break;
    parts.splice(best, 2, parts[best] + parts[best + 1]);
  }
  if (parts.length !== 2) throw new Error(`The r50k_base token of rank ${rank} does not split into one merge.`);
  return `${parts[0]} ${parts[1]}`;
}

function bpeModel(vocab: Record<string, number>, merges: string[]): Record<string, unknown> {
  const options = { dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false };
  return { type: 'BPE', ...options, vocab, merges };
}

function byteLevel(): Record<string, unknown> {
  return { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
}

/** A Hugging Face ByteLevel BPE tokenizer.json equal to GPT-2's, built from gpt-tokenizer's r50k_base ranks. */
export function buildGpt2TokenizerJson(): Record<string, unknown> {
  return buildByteLevelTokenizerJson(rankedTokens(), [END_OF_TEXT]);
}

/**
 * A byte-level BPE with GPT-2's first `size` tokens (every byte, then the earliest merges, each built only from
 * lower ranks, so the cut vocabulary is a complete BPE) and the given special tokens after them.
 */
export function buildSmallTokenizerJson(size: number, specials: readonly string[]): Record<string, unknown> {
  if (size < 256) throw new Error(`A byte-level vocabulary needs all 256 bytes, not ${size} tokens.`);
  return buildByteLevelTokenizerJson(rankedTokens().slice(0, size), specials);
}

function buildByteLevelTokenizerJson(tokens: string[], specials: readonly string[]): Record<string, unknown> {
  const ranks = new Map(tokens.map((token, rank) => [token, rank]));
  const merges = tokens.flatMap((token, rank) => ([...token].length > 1 ? [mergeFor(token, rank, ranks)] : []));
  const specialIds = specials.map((content, index) => [content, tokens.length + index] as const);
  const vocab = Object.fromEntries([...ranks, ...specialIds]);
  const added = specialIds.map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel(),
    post_processor: { ...byteLevel(), trim_offsets: false },
    decoder: byteLevel(),
    model: bpeModel(vocab, merges),
  };
}
