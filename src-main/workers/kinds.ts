import { pathToFileURL } from 'node:url';
import { InputError } from '../shared/errors.js';
import type { JobKindName, JobSettings } from '../shared/jobs.js';
import type { PayloadReader } from '../shared/settings/payload-reader.js';
import { readCorrelationSettings } from '../shared/settings/correlation-settings.js';
import { readInspectSettings, readResidualSettings } from '../shared/settings/residual-settings.js';
import { readMatchSettings } from '../shared/settings/match-settings.js';
import { readRunSettings } from '../shared/settings/run-settings.js';
import { readGenerateSettings, readSteerSettings } from '../shared/settings/steer-settings.js';
import type { JobHandler } from './handler.js';

/** One kind of job: how its settings are checked, and what runs it (loaded only in the job process). */
export interface JobKind<S> {
  /** Checks settings field by field, refusing unknown ones; optional fields stay absent. */
  readSettings(reader: PayloadReader): S;
  loadHandler(): Promise<JobHandler<S>>;
}

/** Every kind the app runs; a new kind is one entry here plus its line in shared/jobs.ts. */
const JOB_KINDS: { [K in JobKindName]: JobKind<JobSettings[K]> } = {
  statistics: {
    readSettings: readRunSettings,
    loadHandler: async () => (await import('./statistics-job.js')).statisticsJob,
  },
  correlate: {
    readSettings: readCorrelationSettings,
    loadHandler: async () => (await import('./correlate-job.js')).correlateJob,
  },
  generate: {
    readSettings: readGenerateSettings,
    loadHandler: async () => (await import('./steer-job.js')).generateJob,
  },
  steer: {
    readSettings: readSteerSettings,
    loadHandler: async () => (await import('./steer-job.js')).steerJob,
  },
  residual: {
    readSettings: readResidualSettings,
    loadHandler: async () => (await import('./residual-job.js')).residualJob,
  },
  'inspect-text': {
    readSettings: readInspectSettings,
    loadHandler: async () => (await import('./residual-job.js')).inspectJob,
  },
  match: {
    readSettings: readMatchSettings,
    loadHandler: async () => (await import('./match-job.js')).matchJob,
  },
};

// Settings types are erased here: every payload is checked by its own kind before its handler sees it.
const registry = new Map(Object.entries(JOB_KINDS) as [string, JobKind<unknown>][]);

/** Adds a kind outside the app's own list, such as the machinery's test probe. */
export function registerJobKind<S>(name: string, kind: JobKind<S>): void {
  registry.set(name, kind as JobKind<unknown>);
}

export function jobKind(name: string): JobKind<unknown> {
  const kind = registry.get(name);
  if (!kind) throw new InputError(`There is no job kind '${name}'; the kinds are ${jobKindNames().join(', ')}.`);
  return kind;
}

export function jobKindNames(): string[] {
  return [...registry.keys()];
}

/** Read only under test: a module whose `jobKinds` export adds kinds to job processes (the machinery's probe lives in test/). */
export const TEST_JOB_KINDS_VARIABLE = 'SAE_STUDIO_TEST_JOB_KINDS';

export async function registerTestJobKinds(): Promise<void> {
  const path = process.env[TEST_JOB_KINDS_VARIABLE];
  if (!path || process.env.NODE_ENV !== 'test') return;
  const module = (await import(pathToFileURL(path).href)) as { jobKinds: Record<string, JobKind<unknown>> };
  for (const [name, kind] of Object.entries(module.jobKinds)) registerJobKind(name, kind);
}
