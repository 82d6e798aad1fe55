import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { InputError } from '../../shared/errors.js';
import { isDirectory, readJsonFile } from '../files.js';
import type { TextTokenizer } from './types.js';

export const TOKENIZER_FILE = 'tokenizer.json';

/** Loads a Hugging Face tokenizer.json (or the folder holding one); encoding adds no special tokens. */
export function loadTokenizer(path: string): TextTokenizer {
  const file = isDirectory(path) ? join(path, TOKENIZER_FILE) : path;
  if (!existsSync(file)) throw new InputError(`There is no ${basename(file)} at ${file}.`, file);
  return new HuggingFaceTokenizer(buildTokenizer(file));
}

function buildTokenizer(file: string): Tokenizer {
  const json = readJsonFile(file, `The tokenizer ${basename(file)} is not valid JSON.`);
  try {
    // Decoding must give back the exact text, so the tokenizer's space clean-up stays off.
    return new Tokenizer(json as object, { clean_up_tokenization_spaces: false });
  } catch (error) {
    const reason = (error as Error).message.replace(/\.$/, '');
    throw new InputError(`The tokenizer ${basename(file)} does not load: ${reason}.`, file);
  }
}

class HuggingFaceTokenizer implements TextTokenizer {
  #tokenizer: Tokenizer;

  constructor(tokenizer: Tokenizer) {
    this.#tokenizer = tokenizer;
  }

  encode(text: string): number[] {
    return this.#tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    return ids.length ? this.#tokenizer.decode([...ids]) : '';
  }
}
