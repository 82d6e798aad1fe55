import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { InputError } from '../shared/errors.js';
import { DEVICES, type Device } from '../shared/settings/run-settings.js';
import type { ExecutionProvider } from '../engine/onnx/devices.js';
import { GraphBuilder } from '../engine/onnx/graph.js';
import { createSession, floatTensor } from '../engine/onnx/session.js';
import { jobEnvironment } from '../workers/process-adapter.js';

/** [rows, inner] × [inner, outer]. */
export interface MatMulShape {
  rows: number;
  inner: number;
  outer: number;
}

/** One warmed-up MatMul session, timed beside a workload to give the machine's peak on the same provider. */
export interface PeakMatMul {
  flops: number;
  run(): Promise<unknown>;
  release(): Promise<void>;
}

export async function openPeakMatMul(provider: ExecutionProvider, shape: MatMulShape): Promise<PeakMatMul> {
  const { rows, inner, outer } = shape;
  const graph = new GraphBuilder('peak');
  const input = graph.input('x', 'float', [rows, inner]);
  graph.node('MatMul', [input, graph.weight('w', [inner, outer], () => pattern(inner * outer))], undefined, { output: 'y' });
  graph.output('y', 'float', [rows, outer]);
  const session = await createSession(graph.toBytes(), provider);
  const feeds = { x: floatTensor(pattern(rows * inner), [rows, inner]) };
  await session.run(feeds);
  return { flops: 2 * rows * inner * outer, run: () => session.run(feeds), release: () => session.release() };
}

/** Varied values, none zero-heavy, so no kernel takes a shortcut. */
function pattern(length: number): Float32Array {
  return Float32Array.from({ length }, (_, index) => ((index % 97) - 48) / 97);
}

export async function seconds(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

/** This process's peak resident memory in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function megabytes(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

/** Parsed flags; main.ts declares every one with its default. */
export type BenchOptions = Record<string, string | undefined>;

/** A whole-number flag, at least `minimum`. */
export function countOption(options: BenchOptions, name: string, minimum = 1): number {
  const raw = options[name] ?? '';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new InputError(`--${name} must be a whole number of at least ${minimum}, not '${raw}'.`);
  return value;
}

/** --device, checked against the execution providers. */
export function deviceOption(options: BenchOptions): Device {
  const raw = options.device ?? 'auto';
  if (!DEVICES.includes(raw as Device)) throw new InputError(`--device must be one of ${DEVICES.join(', ')}, not '${raw}'.`);
  return raw as Device;
}

/** A flag of comma-separated whole numbers, e.g. --samples 100,400. */
export function countList(options: BenchOptions, name: string): number[] {
  const raw = String(options[name] ?? '');
  const counts = raw.split(',').map(Number);
  if (counts.some((count) => !Number.isInteger(count) || count < 1)) {
    throw new InputError(`--${name} must be comma-separated whole numbers, not '${raw}'.`);
  }
  return counts;
}

/** Runs `entry` on `configuration` in its own process, so the peak RSS it reports is that measurement's alone. */
export function measureInChild<T>(entry: string, configuration: unknown, label: string): Promise<T> {
  const child = fork(entry, [JSON.stringify(configuration)], { env: jobEnvironment(), execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The benchmark process for ${label} exited with code ${code}.`)));
  });
}

/** The child's side of measureInChild: measures the configuration it was given and sends the result back. */
export async function replyToParent<C, T>(measure: (configuration: C) => Promise<T>): Promise<void> {
  const configuration = JSON.parse(process.argv[2]) as C;
  process.send?.(await measure(configuration));
  process.disconnect?.();
}
