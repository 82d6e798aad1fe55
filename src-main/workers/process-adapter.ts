import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { utilityProcess } from 'electron';
import { ALLOCATOR_ENV } from '../engine/onnx/allocator.js';
import { CancelledError } from '../engine/progress.js';
import type { JobInput } from './handler.js';
import type { ParentMessage, WorkerMessage } from './protocol.js';

/** One job process as the launcher sees it, whichever kind of process carries it. */
export interface WorkerProcess {
  send(message: ParentMessage): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  /** Called once when the process ends, with a phrase such as 'exit code 70' or 'signal SIGKILL'. */
  onExit(listener: (how: string) => void): void;
  kill(): void;
}

export type SpawnWorker = () => WorkerProcess;

export interface JobListener {
  progress?(label: string, done: number, total: number): void;
  log?(line: string): void;
}

export interface JobHandle {
  readonly jobId: string;
  /** Settles with the job's result; rejects with CancelledError or JobFailedError. */
  readonly result: Promise<unknown>;
  cancel(): void;
}

export interface JobLauncher {
  launch(kind: string, input: JobInput<unknown>, listener?: JobListener): JobHandle;
}

export class JobFailedError extends Error {
  readonly details: string | undefined;

  constructor(message: string, details?: string) {
    super(message);
    this.name = 'JobFailedError';
    this.details = details;
  }
}

/** The job process's main module: the TypeScript source when running from sources, the bundled worker otherwise. */
export function workerEntryPath(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? './entry.ts' : './worker.js', import.meta.url));
}

function sourceLoaderArgs(entry: string): string[] {
  if (!entry.endsWith('.ts')) return [];
  const loader = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(loader).href];
}

/** This process's environment plus ALLOCATOR_ENV, which glibc reads only when a job (or benchmark) process starts. */
export function jobEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, ...ALLOCATOR_ENV };
}

/** A job process through child_process.fork, for the CLI, the browser host and tests. */
export function spawnForkedWorker(entry = workerEntryPath()): WorkerProcess {
  const child = fork(entry, [], { env: jobEnvironment(), execArgv: sourceLoaderArgs(entry), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    send: (message) => child.connected && child.send(message),
    onMessage: (listener) => child.on('message', (message) => listener(message as WorkerMessage)),
    onExit: (listener) => {
      child.once('exit', (code, signal) => listener(signal ? `signal ${signal}` : `exit code ${code}`));
      // A process that cannot start reports 'error' and perhaps never 'exit'; unheard, it would crash the parent.
      child.once('error', (error) => listener(error.message));
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** A job process through Electron's utilityProcess; the Electron main hands over its fork function. */
export function utilityWorkerSpawner(forkUtility: typeof utilityProcess.fork, entry = workerEntryPath()): SpawnWorker {
  return () => {
    const child = forkUtility(entry, [], { serviceName: 'SAE Studio job', env: jobEnvironment(), stdio: 'inherit' });
    return {
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', (message) => listener(message as WorkerMessage)),
      onExit: (listener) => {
        child.once('exit', (code) => listener(`exit code ${code}`));
        child.once('error', (type, location) => listener(`${type} at ${location}`));
      },
      kill: () => void child.kill(),
    };
  };
}

/** How long a cancelled job may take to stop by itself before its process is killed. */
export const DEFAULT_CANCEL_GRACE_MS = 5_000;

interface Settle {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface RunningJobOptions {
  jobId: string;
  kind: string;
  worker: WorkerProcess;
  listener: JobListener;
  cancelGraceMs: number;
}

/** One job in its own process: forwards progress, settles once, and never outlives its result. */
class RunningJob implements JobHandle {
  readonly jobId: string;
  readonly result: Promise<unknown>;
  readonly #options: RunningJobOptions;
  #settle: Settle | undefined;
  #cancelRequested = false;
  #killTimer: NodeJS.Timeout | undefined;

  constructor(options: RunningJobOptions) {
    this.jobId = options.jobId;
    this.#options = options;
    this.result = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    options.worker.onMessage((message) => this.#receive(message));
    options.worker.onExit((how) => this.#exited(how));
  }

  cancel(): void {
    if (!this.#settle || this.#cancelRequested) return;
    this.#cancelRequested = true;
    this.#options.worker.send({ type: 'cancel', jobId: this.jobId });
    // Unref'd: a parent that exits meanwhile takes its job processes with it anyway.
    this.#killTimer = setTimeout(() => this.#options.worker.kill(), this.#options.cancelGraceMs).unref();
  }

  #receive(message: WorkerMessage): void {
    const { listener } = this.#options;
    if (message.type === 'progress') listener.progress?.(message.label, message.done, message.total);
    else if (message.type === 'log') listener.log?.(message.line);
    else if (message.type === 'result') this.#finish((settle) => settle.resolve(message.result));
    else this.#finish((settle) => settle.reject(this.#failure(message.message, message.details)));
  }

  #exited(how: string): void {
    const message = `The ${this.#options.kind} job's process stopped unexpectedly (${how}).`;
    this.#finish((settle) => settle.reject(this.#failure(message)));
  }

  #failure(message: string, details?: string): Error {
    return this.#cancelRequested ? new CancelledError() : new JobFailedError(message, details);
  }

  #finish(outcome: (settle: Settle) => void): void {
    const settle = this.#settle;
    if (!settle) return;
    this.#settle = undefined;
    clearTimeout(this.#killTimer);
    this.#options.worker.kill();
    outcome(settle);
  }
}

export interface ProcessJobLauncherOptions {
  spawn?: SpawnWorker;
  cancelGraceMs?: number;
}

/** Starts each job in a fresh process, so a crash or a leak takes down one job and never the app. */
export class ProcessJobLauncher implements JobLauncher {
  readonly #spawn: SpawnWorker;
  readonly #cancelGraceMs: number;

  constructor(options: ProcessJobLauncherOptions = {}) {
    this.#spawn = options.spawn ?? (() => spawnForkedWorker());
    this.#cancelGraceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
  }

  launch(kind: string, input: JobInput<unknown>, listener: JobListener = {}): JobHandle {
    const jobId = randomUUID();
    const worker = this.#spawn();
    const job = new RunningJob({ jobId, kind, worker, listener, cancelGraceMs: this.#cancelGraceMs });
    worker.send({ type: 'start', jobId, kind, payload: input });
    return job;
  }
}
