import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InputError } from '../../shared/errors.js';
import type { Device } from '../../shared/settings/run-settings.js';
import { probeInChildProcess } from './probe.js';

export type ExecutionProvider = Exclude<Device, 'auto'>;

/** The provider that runs, and for auto, one line per provider that was passed over. */
export interface DeviceChoice {
  provider: ExecutionProvider;
  report: string[];
}

/** The choice as one stage line: "Running on cpu (skipped cuda: …; skipped webgpu: …)." */
export function deviceLine(choice: DeviceChoice): string {
  const skipped = choice.report.filter((line) => line.startsWith('Skipped ')).map((line) => line.replace(/^Skipped/, 'skipped').replace(/\.$/, ''));
  return skipped.length === 0 ? `Running on ${choice.provider}.` : `Running on ${choice.provider} (${skipped.join('; ')}).`;
}

const AUTO_ORDER: readonly ExecutionProvider[] = ['cuda', 'webgpu', 'cpu'];
const SETUP_HINT = "an NVIDIA GPU is present: run 'npm run setup:cuda' to fetch onnxruntime's CUDA provider";

const cache = new Map<ExecutionProvider, Promise<string | undefined>>();

/** Picks the execution provider; an explicit one that cannot run is the user's mistake, said in one sentence. */
export async function chooseDevice(requested: Device): Promise<DeviceChoice> {
  if (requested !== 'auto') {
    const problem = await unavailableReason(requested);
    if (problem) throw new InputError(`Device '${requested}' is not available: ${problem}.`);
    return { provider: requested, report: [`Running on ${requested}.`] };
  }
  const report: string[] = [];
  for (const provider of AUTO_ORDER) {
    const problem = await unavailableReason(provider);
    if (!problem) return { provider, report: [...report, `Running on ${provider}.`] };
    report.push(`Skipped ${provider}: ${problem}.`);
  }
  throw new Error('No execution provider can run, not even the CPU.');
}

/** Why a provider cannot run here, or undefined when a probe session runs on it; probed once per process. */
export function unavailableReason(provider: ExecutionProvider): Promise<string | undefined> {
  let pending = cache.get(provider);
  if (!pending) {
    pending = probe(provider);
    cache.set(provider, pending);
  }
  return pending;
}

async function probe(provider: ExecutionProvider): Promise<string | undefined> {
  const listed = ort.listSupportedBackends().find((backend) => backend.name === provider);
  if (!listed) return `this onnxruntime-node build has no ${provider} provider`;
  if (provider === 'cuda' && !existsSync(join(nativeFolder(), 'libonnxruntime_providers_cuda.so'))) {
    return hasNvidiaGpu() ? `its provider libraries are not installed; ${SETUP_HINT}` : 'no NVIDIA GPU or CUDA provider libraries were found';
  }
  if (provider === 'cpu') return undefined;
  try {
    await probeInChildProcess(provider);
    return undefined;
  } catch (error) {
    return lastSentence(error);
  }
}

function nativeFolder(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

export function hasNvidiaGpu(): boolean {
  return existsSync('/proc/driver/nvidia') || existsSync('/dev/nvidia0') || existsSync('/usr/bin/nvidia-smi');
}

/** onnxruntime prefixes its messages with source locations and assertions; the last sentence is the reason. */
function lastSentence(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
  const sentences = text.split(/\.\s+/).filter(Boolean);
  return (sentences.at(-1) ?? 'unknown failure').replace(/\.$/, '');
}
