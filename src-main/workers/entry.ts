import { describeError } from '../shared/errors.js';
import { CancelledError } from '../engine/progress.js';
import { loadJob, type JobContext } from './jobs.js';
import type { ParentMessage, WorkerMessage } from './protocol.js';

/** The two ways a job process talks to its parent: Electron's parentPort, or Node's IPC channel. */
interface ParentLink {
  send(message: WorkerMessage): void;
  onMessage(listener: (message: ParentMessage) => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function connectToParent(): ParentLink {
  const parentPort = (process as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as ParentMessage)),
    };
  }
  if (!process.send) throw new Error('The job worker must be started by SAE Studio, not run directly.');
  // An orphaned worker has nobody to report to.
  process.on('disconnect', () => process.exit(0));
  return {
    send: (message) => process.send?.(message),
    onMessage: (listener) => process.on('message', (message) => listener(message as ParentMessage)),
  };
}

function contextFor(jobId: string, link: ParentLink, cancel: { cancelled: boolean }): JobContext {
  const log = (line: string) => link.send({ type: 'log', jobId, line });
  return {
    cancel,
    log,
    progress: { bar: (label, done, total) => link.send({ type: 'progress', jobId, label, done, total }), stage: log },
  };
}

async function runJob(message: Extract<ParentMessage, { type: 'start' }>, link: ParentLink, cancel: { cancelled: boolean }) {
  const { jobId } = message;
  try {
    const handler = await loadJob(message.kind);
    const result = await handler(message.payload, contextFor(jobId, link, cancel));
    link.send({ type: 'result', jobId, result });
  } catch (error) {
    const described = error instanceof CancelledError ? { message: error.message } : describeError(error);
    link.send({ type: 'error', jobId, ...described });
  }
}

function serve(): void {
  const link = connectToParent();
  const cancel = { cancelled: false };
  link.onMessage((message) => {
    if (message.type === 'cancel') cancel.cancelled = true;
    else void runJob(message, link, cancel);
  });
}

serve();
