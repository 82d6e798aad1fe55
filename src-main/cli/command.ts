import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../shared/errors.js';
import { DEVICES, RUN_SETTINGS_SCHEMA, type Device } from '../shared/settings/run-settings.js';
import { defaultDatabasePath } from '../store/database.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in --help as the value's placeholder, e.g. DIR. */
  value?: string;
  default?: string | boolean;
  multiple?: boolean;
}

/** A flag that takes a number, shown as N (or `value`) in --help, with its default if it has one. */
export function numberFlag(description: string, fallback?: number, value = 'N'): OptionSpec {
  return fallback === undefined ? { type: 'string', value, description } : { type: 'string', value, description, default: String(fallback) };
}

/** The --db flag every command that reads or records runs takes. */
export function databaseFlag(): OptionSpec {
  return { type: 'string', value: 'FILE', description: 'Studio database (default: ~/.sae-studio/studio.db)' };
}

/** The --device flag every command that runs a model takes. */
export function deviceFlag(): OptionSpec {
  const { choices, hint, default: fallback } = RUN_SETTINGS_SCHEMA.device;
  return { type: 'string', value: choices.join('|'), description: hint, default: fallback };
}

export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  summary: string;
  /** Positional arguments shown in the usage line, e.g. 'RUN'. */
  positionals?: string;
  options: Record<string, OptionSpec>;
  run(options: ParsedOptions, positionals: string[]): Promise<number>;
}

export function parseCommandLine(command: Command, argv: string[]): { options: ParsedOptions; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false, default: spec.default }]),
  );
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { options: parsed.values as ParsedOptions, positionals: parsed.positionals };
  } catch (error) {
    throw new InputError(`${(error as Error).message.replace(/\.$/, '')}. See 'sae-studio ${command.name} --help'.`);
  }
}

export function commandHelp(command: Command): string {
  const usage = `Usage: sae-studio ${command.name}${command.positionals ? ` ${command.positionals}` : ''} [options]`;
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
    const fallback = spec.default === undefined || spec.default === false ? '' : ` (default: ${spec.default})`;
    return `  ${flag.padEnd(30)} ${spec.description}${fallback}`;
  });
  const verbose = `  ${'--verbose'.padEnd(30)} Let native libraries' own messages (GPU probing) through`;
  return [usage, '', command.summary, '', 'Options:', ...rows, verbose, `  ${'--help'.padEnd(30)} Show this help`].join('\n');
}

/** Reads a flag that must be a whole number within bounds, naming the flag when it is not. */
export function integerOption(options: ParsedOptions, name: string, minimum = 1): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    throw new InputError(`--${name} must be a whole number of at least ${minimum}, not '${raw}'.`);
  }
  return value;
}

/** Reads a flag that must be a positive number, whole or not, naming the flag when it is not. */
export function positiveNumberOption(options: ParsedOptions, name: string, fallback: number): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new InputError(`--${name} must be a positive number, not '${raw}'.`);
  return value;
}

/** Reads a flag that must be a number within inclusive bounds, naming the flag and the bounds when it is not. */
export function boundedNumberOption(options: ParsedOptions, name: string, limits: { min: number; max: number }): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!(value >= limits.min && value <= limits.max)) {
    throw new InputError(`--${name} must be a number from ${limits.min} to ${limits.max}, not '${raw}'.`);
  }
  return value;
}

/** Reads a flag that must be a whole number within inclusive bounds, naming the flag and the bounds when it is not. */
export function boundedIntegerOption(options: ParsedOptions, name: string, limits: { min: number; max: number }): number | undefined {
  const value = boundedNumberOption(options, name, limits);
  if (value !== undefined && !Number.isInteger(value)) {
    throw new InputError(`--${name} must be a whole number from ${limits.min} to ${limits.max}, not '${options[name]}'.`);
  }
  return value;
}

export function stringOption(options: ParsedOptions, name: string): string | undefined {
  const raw = options[name];
  return typeof raw === 'string' ? raw : undefined;
}

export function requiredString(options: ParsedOptions, name: string, command: Command): string {
  const value = stringOption(options, name);
  if (!value) throw new InputError(`--${name} is required. See 'sae-studio ${command.name} --help'.`);
  return value;
}

export function choiceOption<T extends string>(options: ParsedOptions, name: string, choices: readonly T[], fallback: T): T {
  const raw = stringOption(options, name) ?? fallback;
  if (!choices.includes(raw as T)) {
    throw new InputError(`--${name} must be one of ${choices.join(', ')}, not '${raw}'.`);
  }
  return raw as T;
}

/** --device, checked against the execution providers. */
export function deviceOption(options: ParsedOptions): Device {
  return choiceOption(options, 'device', DEVICES, RUN_SETTINGS_SCHEMA.device.default);
}

/** The absolute path of --db, or the default database. */
export function databaseOption(options: ParsedOptions): string {
  return resolve(stringOption(options, 'db') ?? defaultDatabasePath());
}
