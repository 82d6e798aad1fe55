import { InputError } from '../shared/errors.js';
import { throwIfCancelled } from '../engine/progress.js';
import type { JobHandler } from './jobs.js';

export const PROBE_BEHAVIOURS = ['finish', 'fail', 'crash', 'hang'] as const;
export type ProbeBehaviour = (typeof PROBE_BEHAVIOURS)[number];

/** A job that only reports progress, used to check the job machinery; it can fail, crash or hang on request. */
export interface ProbePayload {
  steps: number;
  delayMs: number;
  behaviour: ProbeBehaviour;
  /** An environment variable whose value the result reports, to check what a job process starts with. */
  variable?: string;
}

export const PROBE_CRASH_EXIT_CODE = 70;

function readPayload(payload: unknown): ProbePayload {
  const value = (payload ?? {}) as Partial<ProbePayload>;
  const steps = value.steps ?? 3;
  const delayMs = value.delayMs ?? 0;
  const behaviour = value.behaviour ?? 'finish';
  const variable = value.variable;
  if (!Number.isInteger(steps) || steps < 1) throw new InputError(`The probe needs a whole number of steps, not '${steps}'.`);
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new InputError(`The probe delay must be zero or more milliseconds, not '${delayMs}'.`);
  if (!PROBE_BEHAVIOURS.includes(behaviour)) {
    throw new InputError(`The probe behaviour must be one of ${PROBE_BEHAVIOURS.join(', ')}, not '${behaviour}'.`);
  }
  if (variable !== undefined && typeof variable !== 'string') throw new InputError(`The probe variable must be a name, not '${variable}'.`);
  return { steps, delayMs, behaviour, variable };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function misbehave(behaviour: ProbeBehaviour): Promise<never> | void {
  if (behaviour === 'crash') process.exit(PROBE_CRASH_EXIT_CODE);
  if (behaviour === 'fail') throw new InputError('The probe was asked to fail.');
  // A hang ignores cancel on purpose: only killing the process ends it.
  if (behaviour === 'hang') return new Promise(() => setInterval(() => {}, 60_000));
}

export const probeJob: JobHandler = async (payload, context) => {
  const { steps, delayMs, behaviour, variable } = readPayload(payload);
  for (let step = 1; step <= steps; step += 1) {
    throwIfCancelled(context.cancel);
    await pause(delayMs);
    context.progress.bar('probe', step, steps);
    if (step === Math.ceil(steps / 2)) await misbehave(behaviour);
  }
  context.progress.stage(`Probe - Finished ${steps} steps`);
  return { steps, pid: process.pid, variableValue: variable && process.env[variable] };
};
