import { fileURLToPath } from 'node:url';
import { throwIfCancelled } from '../../src-main/engine/progress.js';
import { InputError } from '../../src-main/shared/errors.js';
import type { PayloadReader } from '../../src-main/shared/settings/payload-reader.js';
import type { JobHandler } from '../../src-main/workers/handler.js';
import { registerJobKind, TEST_JOB_KINDS_VARIABLE, type JobKind } from '../../src-main/workers/kinds.js';

export const PROBE_BEHAVIOURS = ['finish', 'fail', 'crash', 'hang'] as const;
export type ProbeBehaviour = (typeof PROBE_BEHAVIOURS)[number];

/** A job that only reports progress, used to check the job machinery; it can fail, crash or hang on request. */
export interface ProbeSettings {
  steps: number;
  delayMs: number;
  behaviour: ProbeBehaviour;
  /** An environment variable whose value the result reports, to check what a job process starts with. */
  variable?: string;
}

export const PROBE_CRASH_EXIT_CODE = 70;

function readProbeSettings(reader: PayloadReader): ProbeSettings {
  const settings: ProbeSettings = {
    steps: reader.optional('steps', (key) => reader.integer(key, 1)) ?? 3,
    delayMs: reader.optional('delayMs', (key) => reader.number(key, 0)) ?? 0,
    behaviour: reader.optional('behaviour', (key) => reader.choice(key, PROBE_BEHAVIOURS)) ?? 'finish',
  };
  const variable = reader.optional('variable', (key) => reader.string(key));
  reader.finish();
  return variable ? { ...settings, variable } : settings;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function misbehave(behaviour: ProbeBehaviour): Promise<never> | void {
  if (behaviour === 'crash') process.exit(PROBE_CRASH_EXIT_CODE);
  if (behaviour === 'fail') throw new InputError('The probe was asked to fail.');
  // A hang ignores cancel on purpose: only killing the process ends it.
  if (behaviour === 'hang') return new Promise(() => setInterval(() => {}, 60_000));
}

const probeJob: JobHandler<ProbeSettings> = async ({ settings }, context) => {
  const { steps, delayMs, behaviour, variable } = settings;
  for (let step = 1; step <= steps; step += 1) {
    throwIfCancelled(context.cancel);
    await pause(delayMs);
    context.progress.bar('probe', step, steps);
    if (step === Math.ceil(steps / 2)) await misbehave(behaviour);
  }
  context.progress.stage(`Probe - Finished ${steps} steps`);
  return { steps, pid: process.pid, variableValue: variable && process.env[variable] };
};

const probeKind: JobKind<ProbeSettings> = { readSettings: readProbeSettings, loadHandler: async () => probeJob };

/** What the job process registers when the test variable names this module. */
export const jobKinds: Record<string, JobKind<ProbeSettings>> = { probe: probeKind };

/** Makes 'probe' a job kind here and in every job process started from now on. */
export function enableProbeJobs(): void {
  process.env[TEST_JOB_KINDS_VARIABLE] = fileURLToPath(import.meta.url);
  registerJobKind('probe', probeKind);
}

/** A probe job's payload, with a run id and database path nobody opens. */
export function probeInput(settings: Partial<ProbeSettings> = {}) {
  return { runId: 'probe', databasePath: ':memory:', settings };
}
