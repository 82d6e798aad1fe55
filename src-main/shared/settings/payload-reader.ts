import { InputError } from '../errors.js';

function quote(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** How a reader's sentences name a field and quote its value: the API says `runs.start: settings.samples`, the CLI `--samples`. */
export interface FieldNaming {
  field(key: string): string;
  value(raw: unknown): string;
}

/** Reads one request object field by field, so every mistake is a sentence naming the channel and the field. */
export class PayloadReader {
  readonly #channel: string;
  readonly #prefix: string;
  readonly #fields: Record<string, unknown>;
  readonly #seen = new Set<string>();
  readonly #naming: FieldNaming;

  /** name is the dotted path of a nested object, e.g. 'settings'; empty for the request itself. */
  constructor(channel: string, value: unknown, name = '', naming?: FieldNaming) {
    this.#channel = channel;
    this.#prefix = name ? `${name}.` : '';
    this.#naming = naming ?? { field: (key) => `${channel}: ${this.#prefix}${key}`, value: quote };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(`${channel}: ${name || 'the request'} must be an object, not ${quote(value)}.`);
    }
    this.#fields = value as Record<string, unknown>;
  }

  #fail(key: string, expected: string): never {
    throw new InputError(`${this.#naming.field(key)} must be ${expected}, not ${this.#naming.value(this.#fields[key])}.`);
  }

  #read(key: string): unknown {
    this.#seen.add(key);
    return this.#fields[key];
  }

  has(key: string): boolean {
    return this.#fields[key] !== undefined;
  }

  /** read(key) when the field is present, else undefined. */
  optional<T>(key: string, read: (key: string) => T): T | undefined {
    return this.has(key) ? read(key) : undefined;
  }

  string(key: string): string {
    const value = this.#read(key);
    if (typeof value !== 'string' || value.trim() === '') this.#fail(key, 'a non-empty string');
    return value;
  }

  strings(key: string): string[] {
    const value = this.#read(key);
    const valid = Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item.trim() !== '');
    if (!valid) this.#fail(key, 'a non-empty list of non-empty strings');
    return value as string[];
  }

  integer(key: string, minimum: number, maximum = Infinity): number {
    const value = this.#read(key);
    const within = Number.isInteger(value) && (value as number) >= minimum && (value as number) <= maximum;
    if (!within) this.#fail(key, maximum === Infinity ? `a whole number of at least ${minimum}` : `a whole number from ${minimum} to ${maximum}`);
    return value as number;
  }

  number(key: string, minimum: number, maximum = Infinity): number {
    const value = this.#read(key);
    const within = typeof value === 'number' && Number.isFinite(value) && value >= minimum && value <= maximum;
    if (!within) this.#fail(key, maximum === Infinity ? `a number of at least ${minimum}` : `a number from ${minimum} to ${maximum}`);
    return value as number;
  }

  numbers(key: string, minimum: number, maximum: number): number[] {
    const value = this.#read(key);
    const valid = Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number' && item >= minimum && item <= maximum);
    if (!valid) this.#fail(key, `a non-empty list of numbers from ${minimum} to ${maximum}`);
    return value as number[];
  }

  boolean(key: string): boolean {
    const value = this.#read(key);
    if (typeof value !== 'boolean') this.#fail(key, 'true or false');
    return value;
  }

  choice<T extends string>(key: string, choices: readonly T[]): T {
    const value = this.#read(key);
    if (!choices.includes(value as T)) this.#fail(key, `one of ${choices.join(', ')}`);
    return value as T;
  }

  /** A list of objects, each read by a reader of its own. */
  list(key: string): PayloadReader[] {
    const value = this.#read(key);
    if (!Array.isArray(value)) this.#fail(key, 'a list');
    return value.map((item, index) => new PayloadReader(this.#channel, item, `${this.#prefix}${key}[${index}]`));
  }

  /** Refuses a field that is well-formed but wrong beside the others. */
  fail(key: string, expected: string): never {
    this.#fail(key, expected);
  }

  object(key: string): PayloadReader {
    return new PayloadReader(this.#channel, this.#read(key), `${this.#prefix}${key}`);
  }

  /** Refuses fields nobody read, which are nearly always typos; a field set to undefined counts as absent. */
  finish(): void {
    const unknown = Object.keys(this.#fields).filter((key) => !this.#seen.has(key) && this.#fields[key] !== undefined);
    if (unknown.length > 0) {
      throw new InputError(`${this.#channel}: unknown field ${unknown.map((key) => `'${this.#prefix}${key}'`).join(', ')}.`);
    }
  }
}
