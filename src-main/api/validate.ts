import { FIGURE_FORMATS, readFigureSettings, readFormatOptions } from '../shared/figures/settings.js';
import { readClusterSettings } from '../shared/settings/cluster-settings.js';
import { PayloadReader } from '../shared/settings/payload-reader.js';
import { readRunSettings } from '../shared/settings/run-settings.js';
import { jobKind, jobKindNames } from '../workers/kinds.js';
import type { Channel, RequestOf } from './contract.js';

type Validator<C extends Channel> = (reader: PayloadReader) => RequestOf<C>;

const empty = () => ({}) as Record<string, never>;

/** One figure: the settings and the file's options are each optional, absent fields taking the schemas' defaults. */
function readFigureExport(reader: PayloadReader): RequestOf<'figures.export'> {
  const part = (key: string) => (reader.has(key) ? reader.object(key) : new PayloadReader('', {}));
  return {
    runId: reader.string('runId'),
    family: reader.string('family'),
    format: reader.choice('format', FIGURE_FORMATS),
    settings: readFigureSettings(part('settings')),
    output: readFormatOptions(part('output')),
  };
}

function readFeatureRequest(reader: PayloadReader): RequestOf<'features.page'> {
  return { runId: reader.string('runId'), sae: reader.integer('sae', 0), feature: reader.integer('feature', 0) };
}

function readMatchFigure(reader: PayloadReader): RequestOf<'matches.figure'> {
  const pair = reader.optional('pair', (key) => readPair(reader.object(key)));
  return { ...readFigureExport(reader), ...(pair ? { pair } : {}) };
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

function readClusterWrite(reader: PayloadReader): RequestOf<'cluster.write'> {
  return { settings: readRunSettings(reader.object('settings')), cluster: readClusterSettings(reader.object('cluster')), folder: reader.string('folder') };
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
  'runs.inspection': (reader) => ({ runId: reader.string('runId') }),
  'runs.correlation': (reader) => ({ runId: reader.string('runId') }),
  'runs.steering': (reader) => ({ runId: reader.string('runId') }),
  'runs.generation': (reader) => ({ runId: reader.string('runId') }),
  'figures.export': readFigureExport,
  'features.saes': (reader) => ({ runId: reader.string('runId') }),
  'features.table': (reader) => ({ runId: reader.string('runId'), sae: reader.integer('sae', 0) }),
  'features.page': readFeatureRequest,
  'features.search': (reader) => ({ runId: reader.string('runId'), sae: reader.integer('sae', 0), token: reader.string('token') }),
  'features.figure': (reader) => ({ ...readFeatureRequest(reader), fontScale: reader.number('fontScale', 0.1) }),
  'matches.get': (reader) => ({ runId: reader.string('runId') }),
  'matches.pair': (reader) => ({ runId: reader.string('runId'), k: reader.integer('k', 0), l: reader.integer('l', 1) }),
  'matches.figure': readMatchFigure,
  'cluster.write': readClusterWrite,
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
