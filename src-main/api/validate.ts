import { InputError } from '../shared/errors.js';
import { EXPORT_SETTING_LIMITS, type FigureExportSettings, type SettingLimit } from '../shared/figures/export-settings.js';
import { FIGURE_FORMATS, type Channel, type RequestOf } from './contract.js';
import { PayloadReader } from '../shared/settings/payload-reader.js';
import { jobKind, jobKindNames } from '../workers/kinds.js';

type Validator<C extends Channel> = (reader: PayloadReader) => RequestOf<C>;

const empty = () => ({}) as Record<string, never>;

function readLimited(reader: PayloadReader, key: string, limit: SettingLimit): number {
  const value = limit.integer ? reader.integer(key, limit.min) : reader.number(key, limit.min);
  if (value > limit.max) throw new InputError(`figures.export: settings.${key} must be at most ${limit.max}, not ${value}.`);
  return value;
}

/** The figure settings of an export, each optional and within its range; unknown ones are refused. */
export function readExportSettings(reader: PayloadReader): FigureExportSettings {
  const settings: Record<string, number | boolean> = {};
  for (const [key, limit] of Object.entries(EXPORT_SETTING_LIMITS)) {
    const value = reader.optional(key, (name) => readLimited(reader, name, limit));
    if (value !== undefined) settings[key] = value;
  }
  const shareAxes = reader.optional('shareAxes', (key) => reader.boolean(key));
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
  const rasterize = reader.optional('rasterize', (key) => reader.boolean(key));
  const settings = reader.optional('settings', (key) => readExportSettings(reader.object(key)));
  return { ...request, ...(rasterize === undefined ? {} : { rasterize }), ...(settings ? { settings } : {}) };
}

function readMatchFigure(reader: PayloadReader): RequestOf<'matches.figure'> {
  const request = {
    runId: reader.string('runId'),
    family: reader.string('family'),
    format: reader.choice('format', FIGURE_FORMATS),
    fontScale: reader.number('fontScale', 0.1),
    scale: reader.number('scale', 0.1),
  };
  const pair = reader.optional('pair', (key) => readPair(reader.object(key)));
  const settings = reader.optional('settings', (key) => readExportSettings(reader.object(key)));
  return { ...request, ...(pair ? { pair } : {}), ...(settings ? { settings } : {}) };
}

function readPair(reader: PayloadReader): { k: number; l: number } {
  const pair = { k: reader.integer('k', 0), l: reader.integer('l', 1) };
  reader.finish();
  return pair;
}

/** A run to queue: statistics unless `kind` names another kind, its settings checked by that kind. */
function readStart(reader: PayloadReader): RequestOf<'runs.start'> {
  const kind = reader.optional('kind', (key) => reader.choice(key, jobKindNames())) ?? 'statistics';
  const settings = jobKind(kind).readSettings(reader.object('settings'));
  return { kind, settings } as RequestOf<'runs.start'>;
}

const VALIDATORS: { [C in Channel]: Validator<C> } = {
  'app.info': empty,
  'library.list': empty,
  'library.add': (reader) => ({ paths: reader.strings('paths') }),
  'library.remove': (reader) => ({ id: reader.string('id') }),
  'runs.list': empty,
  'runs.start': readStart,
  'runs.cancel': (reader) => ({ runId: reader.string('runId') }),
  'runs.stats': (reader) => ({ runId: reader.string('runId') }),
  'runs.residual': (reader) => ({ runId: reader.string('runId') }),
  'runs.correlation': (reader) => ({ runId: reader.string('runId') }),
  'runs.steering': (reader) => ({ runId: reader.string('runId') }),
  'runs.generation': (reader) => ({ runId: reader.string('runId') }),
  'figures.export': readFigureExport,
  'matches.get': (reader) => ({ runId: reader.string('runId') }),
  'matches.pair': (reader) => ({ runId: reader.string('runId'), k: reader.integer('k', 0), l: reader.integer('l', 1) }),
  'matches.figure': readMatchFigure,
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
