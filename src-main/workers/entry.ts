import type Database from 'better-sqlite3';
import { CancelledError } from '../engine/progress.js';
import { describeError } from '../shared/errors.js';
import { openDatabase } from '../store/database.js';
import type { JobContext } from './handler.js';
import { jobKind, registerTestJobKinds } from './kinds.js';
import { readJobInput, type ParentMessage, type WorkerMessage } from './protocol.js';

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

/** Opens the studio database the first time a job asks for it, so jobs that store nothing never do. */
class LazyDatabase {
  #db: Database.Database | undefined;

  open(path: string): Database.Database {
    this.#db ??= openDatabase(path);
    return this.#db;
  }

  close(): void {
    this.#db?.close();
  }
}

interface JobLink {
  jobId: string;
  link: ParentLink;
  cancel: { cancelled: boolean };
}

function contextFor({ jobId, link, cancel }: JobLink, database: () => Database.Database): JobContext {
  const log = (line: string) => link.send({ type: 'log', jobId, line });
  return {
    cancel,
    log,
    progress: { bar: (label, done, total) => link.send({ type: 'progress', jobId, label, done, total }), stage: log },
    database,
  };
}

async function runJob(message: Extract<ParentMessage, { type: 'start' }>, job: JobLink) {
  const database = new LazyDatabase();
  try {
    await registerTestJobKinds();
    const kind = jobKind(message.kind);
    const input = readJobInput(message.kind, kind, message.payload);
    const handler = await kind.loadHandler();
    const result = await handler(input, contextFor(job, () => database.open(input.databasePath)));
    job.link.send({ type: 'result', jobId: job.jobId, result });
  } catch (error) {
    const described = error instanceof CancelledError ? { message: error.message } : describeError(error);
    job.link.send({ type: 'error', jobId: job.jobId, ...described });
  } finally {
    database.close();
  }
}

function serve(): void {
  const link = connectToParent();
  // Ctrl-C reaches the whole process group; the parent decides what a stopped run becomes and ends this process.
  process.on('SIGINT', () => {});
  const cancel = { cancelled: false };
  link.onMessage((message) => {
    if (message.type === 'cancel') cancel.cancelled = true;
    else void runJob(message, { jobId: message.jobId, link, cancel });
  });
}

serve();
