import type { CancelSignal, ProgressSink } from '../engine/progress.js';
import type { JobKind } from './protocol.js';

export interface JobContext {
  progress: ProgressSink;
  cancel: CancelSignal;
  log(line: string): void;
}

export type JobHandler = (payload: unknown, context: JobContext) => Promise<unknown>;

/** Loaded on demand, so a probe never pays for the model runtime. */
const JOB_HANDLERS: Record<JobKind, () => Promise<JobHandler>> = {
  analyze: async () => (await import('./analyze-job.js')).analyzeJob,
  probe: async () => (await import('./probe-job.js')).probeJob,
  match: async () => (await import('./match-job.js')).matchJob,
};

export function loadJob(kind: JobKind): Promise<JobHandler> {
  return JOB_HANDLERS[kind]();
}
