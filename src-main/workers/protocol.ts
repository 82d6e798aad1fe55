/** The one message protocol between the main process and a job process, whichever process kind carries it. */
export const JOB_KINDS = ['analyze', 'probe', 'match'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export type ParentMessage =
  | { type: 'start'; jobId: string; kind: JobKind; payload: unknown }
  | { type: 'cancel'; jobId: string };

export type WorkerMessage =
  | { type: 'progress'; jobId: string; label: string; done: number; total: number }
  | { type: 'log'; jobId: string; line: string }
  | { type: 'result'; jobId: string; result: unknown }
  | { type: 'error'; jobId: string; message: string; details?: string };
