import { basename } from 'node:path';
import { InputError } from '../../../shared/errors.js';

/** Reads a Hugging Face config.json field by field, each mistake told with the key, the value and what was expected. */
export class ConfigReader {
  readonly file: string;
  #raw: Record<string, unknown>;

  constructor(raw: unknown, file: string) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new InputError(`${basename(file)} is not a JSON object.`, file);
    }
    this.#raw = raw as Record<string, unknown>;
    this.file = file;
  }

  has(key: string): boolean {
    return this.#raw[key] !== undefined && this.#raw[key] !== null;
  }

  count(key: string, fallback?: number): number {
    if (!this.has(key)) {
      if (fallback !== undefined) return fallback;
      throw new InputError(`${basename(this.file)} has no '${key}' field.`, this.file);
    }
    const value = this.#raw[key];
    if (!Number.isInteger(value) || (value as number) < 1) this.invalid(key, 'a positive whole number');
    return value as number;
  }

  positive(key: string, fallback: number): number {
    return this.optionalPositive(key) ?? fallback;
  }

  optionalPositive(key: string): number | undefined {
    if (!this.has(key)) return undefined;
    const value = this.#raw[key];
    if (typeof value !== 'number' || !(value > 0)) this.invalid(key, 'a positive number');
    return value as number;
  }

  fraction(key: string, fallback: number): number {
    const value = this.positive(key, fallback);
    if (value > 1) this.invalid(key, 'a number above 0 and at most 1');
    return value;
  }

  flag(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const value = this.#raw[key];
    if (typeof value !== 'boolean') this.invalid(key, 'true or false');
    return value as boolean;
  }

  /** A token id; Llama 3.1's instruct configs list several end-of-turn ids, of which the first is the text's end. */
  tokenId(key: string, fallback: number, vocabSize: number): number {
    if (!this.has(key)) return fallback;
    const raw = this.#raw[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!Number.isInteger(value) || (value as number) < 0) this.invalid(key, 'a token id');
    if ((value as number) >= vocabSize) {
      throw new InputError(`${basename(this.file)} needs ${key} below vocab_size ${vocabSize}, not ${value}.`, this.file);
    }
    return value as number;
  }

  object(key: string): ConfigReader | undefined {
    if (!this.has(key)) return undefined;
    const value = this.#raw[key];
    if (typeof value !== 'object' || Array.isArray(value)) this.invalid(key, 'an object');
    return new ConfigReader(value, this.file);
  }

  string(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.#raw[key];
    if (typeof value !== 'string') this.invalid(key, 'a string');
    return value as string;
  }

  /** Refuses a value the family's forward does not compute, listing the ones it does. */
  choice(key: string, allowed: readonly string[], fallback: string): string {
    const value = this.string(key) ?? fallback;
    if (!allowed.includes(value)) this.invalid(key, `one of ${allowed.join(', ')}`);
    return value;
  }

  invalid(key: string, expected: string): never {
    const value = JSON.stringify(this.#raw[key]);
    throw new InputError(`${basename(this.file)} field '${key}' must be ${expected}, not ${value}.`, this.file);
  }
}
