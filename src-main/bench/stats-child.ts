import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_RUN_SETTINGS, type Device, type RunSettings } from '../shared/settings/run-settings.js';
import { chooseDevice, type ExecutionProvider } from '../engine/onnx/devices.js';
import { silentProgress } from '../engine/progress.js';
import { PhaseClock, type RunPhase } from '../engine/stats/phase-clock.js';
import { runStatistics } from '../engine/stats/run.js';
import type { RunDescription } from '../shared/stats.js';
import { openDatabase } from '../store/database.js';
import { createRun } from '../store/runs.js';
import { createStatsStore } from '../store/statistics.js';
import { openPeakMatMul, peakRss, replyToParent, seconds, type MatMulShape } from './shared.js';

export interface BenchConfiguration {
  model: string;
  saes: string[];
  dataset: string;
  samples: number;
  device: Device;
}

export interface BenchMeasurement {
  samples: number;
  device: string;
  milliseconds: number;
  tokensPerSecond: number;
  phases: Record<RunPhase, number>;
  flops: number;
  peakGflops: number;
  peakRss: number;
}

const PEAK_REPEATS = 3;
/** The SAE encoder's own shape, the MatMul that dominates a run: one batch of 8 windows of 128 tokens, GPT-2 small's width, 24,576 features. */
const PEAK_SHAPE: MatMulShape = { rows: 1024, inner: 768, outer: 24_576 };

/** One benchmark configuration in this process, so its peak RSS is its own. */
async function measure(configuration: BenchConfiguration): Promise<BenchMeasurement> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-stats-db-'));
  const db = openDatabase(join(folder, 'studio.db'));
  const settings: RunSettings = { ...DEFAULT_RUN_SETTINGS, ...configuration, context: 128 };
  const clock = new PhaseClock();
  const started = performance.now();
  const run = await runStatistics(settings, { progress: silentProgress, store: createStatsStore(db, createRun(db, 'statistics', settings).id), clock });
  const milliseconds = performance.now() - started;
  const peakBytes = peakRss();
  db.close();
  rmSync(folder, { recursive: true, force: true });
  const tokens = run.samples * run.context;
  const { provider } = await chooseDevice(configuration.device);
  return {
    samples: run.samples,
    device: provider,
    milliseconds,
    tokensPerSecond: tokens / (milliseconds / 1000),
    phases: clock.totals,
    flops: runFlops(run, configuration.saes.length),
    peakGflops: await peakGflops(provider),
    peakRss: peakBytes,
  };
}

/** Forward FLOPs of GPT-2 small's blocks (24·d² + 4·context·d per layer and token) plus encode and decode (4·d·d_sae per SAE). */
function runFlops(run: RunDescription, saeCount: number): number {
  const { inner: width, outer: features } = PEAK_SHAPE;
  const perToken = 12 * (24 * width ** 2 + 4 * run.context * width) + saeCount * 4 * width * features;
  return perToken * run.samples * run.context;
}

/** The best of a few encoder-shaped MatMuls. */
async function peakGflops(provider: ExecutionProvider): Promise<number> {
  const peak = await openPeakMatMul(provider, PEAK_SHAPE);
  let best = Infinity;
  for (let repeat = 0; repeat < PEAK_REPEATS; repeat++) best = Math.min(best, await seconds(peak.run));
  await peak.release();
  return peak.flops / best / 1e9;
}

await replyToParent(measure);
