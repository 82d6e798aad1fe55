import { resolve } from 'node:path';
import { InputError } from '../shared/errors.js';
import { PayloadReader, type FieldNaming } from '../shared/settings/payload-reader.js';
import { defaultOf, flagOf, readSettings, type SettingField, type SettingsOf, type SettingsSchema } from '../shared/settings/schema.js';
import type { Command, OptionSpec, ParsedOptions } from './command.js';

export interface FlagSelection<S extends SettingsSchema> {
  /** The fields that get a flag; every field when absent. */
  only?: readonly (keyof S & string)[];
  /** Defaults that differ from the schema's for this command, e.g. the demo's fewer samples. */
  defaults?: Partial<SettingsOf<S>>;
}

function keysOf<S extends SettingsSchema>(schema: S, only?: readonly (keyof S & string)[]): (keyof S & string)[] {
  return only ? [...only] : (Object.keys(schema) as (keyof S & string)[]);
}

function placeholderOf(field: SettingField): string {
  if (field.value) return field.value;
  if (field.type === 'choice') return field.choices.join('|');
  return field.type === 'integer' ? 'N' : field.type === 'number' ? 'X' : 'VALUE';
}

function flagSpec(field: SettingField, fallback: unknown): OptionSpec {
  const description = field.flagHint ?? field.hint;
  if (field.type === 'boolean') return { type: 'boolean', description };
  const spec: OptionSpec = { type: 'string', value: placeholderOf(field), description };
  if (field.type === 'texts') spec.multiple = true;
  if (fallback !== undefined) spec.default = String(fallback);
  return spec;
}

/** One flag per field of a settings schema, named, described and defaulted by its row. */
export function settingFlags<S extends SettingsSchema>(schema: S, selection: FlagSelection<S> = {}): Record<string, OptionSpec> {
  return Object.fromEntries(
    keysOf(schema, selection.only).map((key) => {
      const field = schema[key];
      return [flagOf(key, field), flagSpec(field, selection.defaults?.[key] ?? defaultOf(field))];
    }),
  );
}

function numeric(raw: string): number | string {
  const value = Number(raw);
  return raw.trim() !== '' && Number.isFinite(value) ? value : raw;
}

/** A flag's text as the field's type; paths resolve against the working folder, and what is not a number stays text for the message. */
function flagValue(field: SettingField, raw: ParsedOptions[string]): unknown {
  if (raw === undefined) return undefined;
  if (field.type === 'boolean') return raw === true ? !field.negated : undefined;
  if (field.type === 'integer' || field.type === 'number') return numeric(String(raw));
  const path = (text: string) => ('path' in field && field.path ? resolve(text) : text);
  if (field.type === 'texts') return (raw as string[]).map(path);
  return path(String(raw));
}

function flagNaming(schema: SettingsSchema): FieldNaming {
  return {
    field: (key) => `--${flagOf(key, schema[key])}`,
    value: (raw) => `'${Array.isArray(raw) ? raw.join(' ') : String(raw)}'`,
  };
}

function requirePresent(schema: SettingsSchema, raw: Record<string, unknown>, command: Command): void {
  for (const [key, field] of Object.entries(schema)) {
    const needed = defaultOf(field) === undefined && !('optional' in field && field.optional);
    const empty = raw[key] === undefined || (Array.isArray(raw[key]) && raw[key].length === 0);
    if (needed && empty) throw new InputError(`--${flagOf(key, field)} is required. See 'sae-studio ${command.name} --help'.`);
  }
}

export interface FlagReading<S extends SettingsSchema> extends FlagSelection<S> {
  command: Command;
  /** Fields the command fills itself rather than from flags. */
  given?: Partial<SettingsOf<S>>;
  /** The schema's own reader when it checks more than each field alone; readSettings when absent. */
  read?: (reader: PayloadReader) => SettingsOf<S>;
}

/** The settings the flags describe, checked by the schema's one validator; a mistake names the flag. */
export function settingsFromFlags<S extends SettingsSchema>(schema: S, options: ParsedOptions, reading: FlagReading<S>): SettingsOf<S> {
  const raw: Record<string, unknown> = { ...reading.given };
  for (const key of keysOf(schema, reading.only)) {
    const value = flagValue(schema[key], options[flagOf(key, schema[key])]);
    if (value !== undefined) raw[key] = value;
  }
  requirePresent(schema, raw, reading.command);
  const reader = new PayloadReader(reading.command.name, raw, '', flagNaming(schema));
  return reading.read ? reading.read(reader) : readSettings(schema, reader);
}
