import type { FieldNaming, PayloadReader } from './payload-reader.js';

/** What every field says about itself: the form's label and hint, the CLI flag, and where the form shows it. */
interface FieldFacts {
  label: string;
  /** One sentence: the form's hint and the flag's --help description. */
  hint: string;
  /** The CLI flag without dashes; the key in kebab-case when absent. */
  flag?: string;
  /** The flag's --help text when it differs from the hint, as for a negated flag. */
  flagHint?: string;
  /** The flag's value placeholder in --help, e.g. DIR. */
  value?: string;
  /** The form's fieldset. */
  group?: string;
}

export interface IntegerField extends FieldFacts {
  type: 'integer';
  min: number;
  max?: number;
  default?: number;
  optional?: true;
}

export interface NumberField extends FieldFacts {
  type: 'number';
  min: number;
  max?: number;
  default?: number;
  optional?: true;
}

export interface BooleanField extends FieldFacts {
  type: 'boolean';
  default: boolean;
  /** The flag sets the field false, e.g. --independent-axes for shareAxes. */
  negated?: true;
}

export interface ChoiceField<C extends string = string> extends FieldFacts {
  type: 'choice';
  choices: readonly C[];
  default: C;
}

export interface TextField extends FieldFacts {
  type: 'text';
  optional?: true;
  /** A file or folder: the CLI resolves it against the working folder. */
  path?: true;
}

export interface TextListField extends FieldFacts {
  type: 'texts';
  path?: true;
}

export type SettingField = IntegerField | NumberField | BooleanField | ChoiceField | TextField | TextListField;

/** One row per setting, in form order: a kind's settings type, validator, CLI flags and form all come from it. */
export type SettingsSchema = Record<string, SettingField>;

type ValueOf<F> = F extends { type: 'integer' | 'number' }
  ? number
  : F extends { type: 'boolean' }
    ? boolean
    : F extends ChoiceField<infer C>
      ? C
      : F extends { type: 'texts' }
        ? string[]
        : string;

type OptionalKeys<S> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The settings a schema describes: fields marked optional (and without a default) may be absent. */
export type SettingsOf<S extends SettingsSchema> = Flatten<
  { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: ValueOf<S[K]> } & { -readonly [K in OptionalKeys<S>]?: ValueOf<S[K]> }
>;

export function flagOf(key: string, field: SettingField): string {
  return field.flag ?? key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function fieldFlags(key: string, field: SettingField, value: unknown): string[] {
  const flag = `--${flagOf(key, field)}`;
  if (value === undefined) return [];
  if (field.type === 'boolean') return value === !field.negated ? [flag] : [];
  if (field.type === 'texts') return (value as string[]).flatMap((item) => [flag, item]);
  return [flag, String(value)];
}

/** The command-line flags that give back these settings when read through the same schema: every present field, in schema order. */
export function flagsOf<S extends SettingsSchema>(schema: S, settings: SettingsOf<S>): string[] {
  const values = settings as Record<string, unknown>;
  return Object.entries(schema).flatMap(([key, field]) => fieldFlags(key, field, values[key]));
}

export function defaultOf(field: SettingField): unknown {
  return 'default' in field ? field.default : undefined;
}

/** Every field's default, for a form's first values. */
export function defaultsOf<S extends SettingsSchema>(schema: S): Partial<SettingsOf<S>> {
  const defaults = Object.entries(schema).flatMap(([key, field]) => (defaultOf(field) === undefined ? [] : [[key, defaultOf(field)]]));
  return Object.fromEntries(defaults) as Partial<SettingsOf<S>>;
}

function readField(reader: PayloadReader, key: string, field: SettingField): unknown {
  switch (field.type) {
    case 'integer':
      return reader.integer(key, field.min, field.max);
    case 'number':
      return reader.number(key, field.min, field.max);
    case 'boolean':
      return reader.boolean(key);
    case 'choice':
      return reader.choice(key, field.choices);
    case 'text':
      return reader.string(key);
    case 'texts':
      return reader.strings(key);
  }
}

/** Checks every field, fills absent ones from their defaults (the one place defaults are resolved) and refuses unknown ones. */
export function readSettings<S extends SettingsSchema>(schema: S, reader: PayloadReader): SettingsOf<S> {
  const settings: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    const absent = !reader.has(key);
    if (absent && (defaultOf(field) !== undefined || ('optional' in field && field.optional))) {
      if (defaultOf(field) !== undefined) settings[key] = defaultOf(field);
      continue;
    }
    settings[key] = readField(reader, key, field);
  }
  reader.finish();
  return settings as SettingsOf<S>;
}

/** Sentences that name fields by their labels, as a form (or the engine, checking on its own) shows them. */
export function labelNaming(schema: SettingsSchema): FieldNaming {
  return {
    field: (key) => schema[key]?.label ?? key,
    value: (raw) => (raw === undefined ? 'nothing' : JSON.stringify(raw)),
  };
}
