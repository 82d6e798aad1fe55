import { InputError } from '../shared/errors.js';
import { EXPORT_SETTING_LIMITS, type FigureExportSettings, type SettingLimit } from '../shared/figures/export-settings.js';
import { DEVICES, EMBEDDING_ABLATIONS, PACKINGS, QUANTILE_ACCURACY_LIMITS, type RunSettings } from '../shared/settings/run-settings.js';
import { FIGURE_FORMATS, type Channel, type RequestOf } from './contract.js';
import { PayloadReader } from './payload-reader.js';

type Validator<C extends Channel> = (reader: PayloadReader) => RequestOf<C>;

const empty = () => ({}) as Record<string, never>;

function optional<T>(reader: PayloadReader, key: string, read: (key: string) => T): T | undefined {
  return reader.has(key) ? read(key) : undefined;
}

/** Every hyperparameter of a run, checked; optional fields stay absent rather than undefined. */
export function readRunSettings(reader: PayloadReader): RunSettings {
  const settings: RunSettings = {
    model: reader.string('model'),
    saes: reader.strings('saes'),
    dataset: reader.string('dataset'),
    samples: reader.integer('samples', 1),
    packing: reader.choice('packing', PACKINGS),
    ce: reader.boolean('ce'),
    ablate: reader.choice('ablate', EMBEDDING_ABLATIONS),
    device: reader.choice('device', DEVICES),
    batchSize: reader.integer('batchSize', 1),
  };
  const textColumn = optional(reader, 'textColumn', (key) => reader.string(key));
  const context = optional(reader, 'context', (key) => reader.integer(key, 2));
  const quantileBuckets = optional(reader, 'quantileBuckets', (key) => reader.integer(key, 2));
  const { min, max } = QUANTILE_ACCURACY_LIMITS;
  const quantileAccuracy = optional(reader, 'quantileAccuracy', (key) => reader.number(key, min, max));
  reader.finish();
  return {
    ...settings,
    ...(textColumn ? { textColumn } : {}),
    ...(context ? { context } : {}),
    ...(quantileBuckets ? { quantileBuckets } : {}),
    ...(quantileAccuracy ? { quantileAccuracy } : {}),
  };
}

function readLimited(reader: PayloadReader, key: string, limit: SettingLimit): number {
  const value = limit.integer ? reader.integer(key, limit.min) : reader.number(key, limit.min);
  if (value > limit.max) throw new InputError(`figures.export: settings.${key} must be at most ${limit.max}, not ${value}.`);
  return value;
}

/** The figure settings of an export, each optional and within its range; unknown ones are refused. */
export function readExportSettings(reader: PayloadReader): FigureExportSettings {
  const settings: Record<string, number | boolean> = {};
  for (const [key, limit] of Object.entries(EXPORT_SETTING_LIMITS)) {
    const value = optional(reader, key, (name) => readLimited(reader, name, limit));
    if (value !== undefined) settings[key] = value;
  }
  const shareAxes = optional(reader, 'shareAxes', (key) => reader.boolean(key));
  if (shareAxes !== undefined) settings.shareAxes = shareAxes;
  reader.finish();
  return settings as FigureExportSettings;
}

function readFigureExport(reader: PayloadReader): RequestOf<'figures.export'> {
  const request = {
    runId: reader.string('runId'),
    family: reader.string('family'),
    format: reader.choice('format', FIGURE_FORMATS),
    fontScale: reader.number('fontScale', 0.1),
    scale: reader.number('scale', 0.1),
  };
  const rasterize = optional(reader, 'rasterize', (key) => reader.boolean(key));
  const settings = optional(reader, 'settings', (key) => readExportSettings(reader.object(key)));
  return { ...request, ...(rasterize === undefined ? {} : { rasterize }), ...(settings ? { settings } : {}) };
}

const VALIDATORS: { [C in Channel]: Validator<C> } = {
  'app.info': empty,
  'library.list': empty,
  'library.add': (reader) => ({ paths: reader.strings('paths') }),
  'library.remove': (reader) => ({ id: reader.string('id') }),
  'runs.list': empty,
  'runs.start': (reader) => ({ settings: readRunSettings(reader.object('settings')) }),
  'runs.cancel': (reader) => ({ runId: reader.string('runId') }),
  'runs.stats': (reader) => ({ runId: reader.string('runId') }),
  'figures.export': readFigureExport,
};

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(VALIDATORS, name);
}

/** Checks a request as it arrives from a window; throws InputError with one sentence when it is malformed. */
export function validateRequest<C extends Channel>(channel: C, payload: unknown): RequestOf<C> {
  const reader = new PayloadReader(channel, payload ?? {});
  const request = (VALIDATORS[channel] as Validator<C>)(reader);
  reader.finish();
  return request;
}

export const CHANNELS = Object.keys(VALIDATORS) as Channel[];
