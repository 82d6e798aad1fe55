import { PayloadReader } from '../shared/settings/payload-reader.js';
import type { JobInput } from './handler.js';
import type { JobKind } from './kinds.js';

/** The one message protocol between the main process and a job process, whichever process kind carries it. */
export type ParentMessage =
  | { type: 'start'; jobId: string; kind: string; payload: unknown }
  | { type: 'cancel'; jobId: string };

export type WorkerMessage =
  | { type: 'progress'; jobId: string; label: string; done: number; total: number }
  | { type: 'log'; jobId: string; line: string }
  | { type: 'result'; jobId: string; result: unknown }
  | { type: 'error'; jobId: string; message: string; details?: string };

/** Checks a job's payload as it arrives in the job process: run id, database path and the kind's settings. */
export function readJobInput<S>(name: string, kind: JobKind<S>, payload: unknown): JobInput<S> {
  const reader = new PayloadReader(`The ${name} job`, payload);
  const input = {
    runId: reader.string('runId'),
    databasePath: reader.string('databasePath'),
    settings: kind.readSettings(reader.object('settings')),
  };
  reader.finish();
  return input;
}
