import { describe, expect, it } from 'vitest';
import { PayloadReader } from '../../../src-main/shared/settings/payload-reader.js';
import { readRunSettings, RUN_SETTINGS_SCHEMA } from '../../../src-main/shared/settings/run-settings.js';
import { defaultsOf, flagOf, labelNaming, readSettings, type SettingsOf, type SettingsSchema } from '../../../src-main/shared/settings/schema.js';

const TOY = {
  layers: { type: 'integer', min: 1, max: 48, default: 12, label: 'Layers', hint: 'How many layers' },
  scale: { type: 'number', min: 0.5, max: 4, optional: true, label: 'Scale', hint: 'How large' },
  mode: { type: 'choice', choices: ['fast', 'exact'], default: 'exact', label: 'Mode', hint: 'Which way' },
  name: { type: 'text', label: 'Name', hint: 'What to call it' },
  tags: { type: 'texts', flag: 'tag', label: 'Tags', hint: 'Labels' },
  loud: { type: 'boolean', default: false, label: 'Loud', hint: 'Say more' },
} as const satisfies SettingsSchema;

const read = (value: unknown) => readSettings(TOY, new PayloadReader('toy', value));

describe('readSettings', () => {
  it('fills absent fields from their defaults and leaves optional ones absent', () => {
    const settings: SettingsOf<typeof TOY> = read({ name: 'a', tags: ['x'] });
    expect(settings).toEqual({ layers: 12, mode: 'exact', name: 'a', tags: ['x'], loud: false });
  });

  it('keeps what was given', () => {
    const given = { layers: 3, scale: 2.5, mode: 'fast', name: 'b', tags: ['x', 'y'], loud: true };
    expect(read(given)).toEqual(given);
  });

  it.each([
    [{ name: 'a', tags: ['x'], layers: 49 }, 'toy: layers must be a whole number from 1 to 48, not 49.'],
    [{ name: 'a', tags: ['x'], layers: 2.5 }, 'toy: layers must be a whole number from 1 to 48, not 2.5.'],
    [{ name: 'a', tags: ['x'], scale: 0.1 }, 'toy: scale must be a number from 0.5 to 4, not 0.1.'],
    [{ name: 'a', tags: ['x'], mode: 'slow' }, 'toy: mode must be one of fast, exact, not "slow".'],
    [{ tags: ['x'] }, 'toy: name must be a non-empty string, not nothing.'],
    [{ name: 'a' }, 'toy: tags must be a non-empty list of non-empty strings, not nothing.'],
    [{ name: 'a', tags: ['x'], loud: 'yes' }, 'toy: loud must be true or false, not "yes".'],
    [{ name: 'a', tags: ['x'], layer: 3 }, "toy: unknown field 'layer'."],
  ])('refuses %j', (value, message) => {
    expect(() => read(value)).toThrow(message);
  });

  it('names fields by label for a form', () => {
    const reader = new PayloadReader('toy', { name: 'a', tags: ['x'], layers: 0 }, '', labelNaming(TOY));
    expect(() => readSettings(TOY, reader)).toThrow('Layers must be a whole number from 1 to 48, not 0.');
  });

  it('gives every default and kebab-case flag names unless a row names its flag', () => {
    expect(defaultsOf(TOY)).toEqual({ layers: 12, mode: 'exact', loud: false });
    expect(Object.entries(TOY).map(([key, field]) => flagOf(key, field))).toEqual(['layers', 'scale', 'mode', 'name', 'tag', 'loud']);
  });
});

describe('RUN_SETTINGS_SCHEMA', () => {
  const base = { model: '/m', saes: ['/s'], dataset: '/d.jsonl' };

  it('derives the analyze flags the README documents', () => {
    const flags = Object.entries(RUN_SETTINGS_SCHEMA).map(([key, field]) => flagOf(key, field));
    expect(flags.sort()).toEqual(
      ['ablate', 'batch-size', 'ce', 'context', 'dataset', 'device', 'examples', 'model', 'packing', 'quantile-accuracy', 'quantile-buckets', 'sae', 'samples', 'text-column'].sort(),
    );
  });

  it('resolves the documented defaults once', () => {
    expect(readRunSettings(new PayloadReader('run', base))).toEqual({
      ...base,
      samples: 400,
      packing: 'packed',
      batchSize: 8,
      ablate: 'none',
      device: 'auto',
      quantileBuckets: 1024,
      quantileAccuracy: 0.009,
      ce: false,
      examples: 20,
    });
  });

  it('has one range for quantile buckets: 2 to 8192', () => {
    expect(() => readRunSettings(new PayloadReader('run', { ...base, quantileBuckets: 1 }))).toThrow('quantileBuckets must be a whole number from 2 to 8192, not 1.');
    expect(readRunSettings(new PayloadReader('run', { ...base, quantileBuckets: 2 })).quantileBuckets).toBe(2);
  });
});
