import type { CancelSignal, ProgressSink } from '../engine/progress.js';
import type { JobKind } from './protocol.js';

export interface JobContext {
  progress: ProgressSink;
  cancel: CancelSignal;
  log(line: string): void;
}

export type JobHandler = (payload: unknown, context: JobContext) => Promise<unknown>;

/** Loaded on demand, so a probe never pays for the model runtime. */
const JOB_MODULES = {
  analyze: () => import('./analyze-job.js'),
  probe: () => import('./probe-job.js'),
} as const;

export async function loadJob(kind: JobKind): Promise<JobHandler> {
  switch (kind) {
    case 'analyze':
      return (await JOB_MODULES.analyze()).analyzeJob;
    case 'probe':
      return (await JOB_MODULES.probe()).probeJob;
  }
}
