import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Device } from '../engine/model/types.js';
import { chooseDevice, type ExecutionProvider } from '../engine/onnx/devices.js';
import { GraphBuilder } from '../engine/onnx/graph.js';
import { createSession, floatTensor } from '../engine/onnx/session.js';
import { silentProgress } from '../engine/progress.js';
import { PhaseClock, type RunPhase } from '../engine/stats/phase-clock.js';
import { runStatistics } from '../engine/stats/run.js';
import { DEFAULT_RUN_SETTINGS, type RunDescription, type RunSettings } from '../engine/stats/types.js';
import { openDatabase } from '../store/database.js';
import { createRun } from '../store/runs.js';
import { createStatsStore } from '../store/statistics.js';

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

/** Rows per SAE-shaped MatMul when measuring the peak: one batch of 8 windows of 128 tokens. */
const PEAK_ROWS = 1024;
const PEAK_REPEATS = 3;
/** GPT-2 small's width and the SAE's feature count, the MatMul that dominates a run. */
const PEAK_SHAPE = { inner: 768, outer: 24_576 };

/** One benchmark configuration in this process, so its peak RSS is its own. */
async function measure(configuration: BenchConfiguration): Promise<BenchMeasurement> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-stats-db-'));
  const db = openDatabase(join(folder, 'studio.db'));
  const settings: RunSettings = { ...DEFAULT_RUN_SETTINGS, ...configuration, context: 128 };
  const clock = new PhaseClock();
  const started = performance.now();
  const run = await runStatistics(settings, { progress: silentProgress, store: createStatsStore(db, createRun(db, settings).id), clock });
  const milliseconds = performance.now() - started;
  const peakRss = process.resourceUsage().maxRSS * 1024;
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
    peakGflops: await peakMatMul(provider),
    peakRss,
  };
}

/** Forward FLOPs of GPT-2 small's blocks (24·d² + 4·context·d per layer and token) plus encode and decode (4·d·d_sae per SAE). */
function runFlops(run: RunDescription, saeCount: number): number {
  const { inner: width, outer: features } = PEAK_SHAPE;
  const perToken = 12 * (24 * width ** 2 + 4 * run.context * width) + saeCount * 4 * width * features;
  return perToken * run.samples * run.context;
}

/** The best of a few [1024, 768] × [768, 24576] MatMuls: the SAE encoder's own shape. */
async function peakMatMul(provider: ExecutionProvider): Promise<number> {
  const { inner, outer } = PEAK_SHAPE;
  const graph = new GraphBuilder('peak');
  const input = graph.input('x', 'float', [PEAK_ROWS, inner]);
  const weights = Float32Array.from({ length: inner * outer }, (_, index) => ((index % 97) - 48) / 97);
  graph.node('MatMul', [input, graph.weight('w', [inner, outer], () => weights)], undefined, { output: 'y' });
  graph.output('y', 'float', [PEAK_ROWS, outer]);
  const session = await createSession(graph.toBytes(), provider);
  const feeds = { x: floatTensor(weights.subarray(0, PEAK_ROWS * inner), [PEAK_ROWS, inner]) };
  await session.run(feeds);
  let best = Infinity;
  for (let repeat = 0; repeat < PEAK_REPEATS; repeat++) {
    const start = performance.now();
    await session.run(feeds);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  await session.release();
  return (2 * PEAK_ROWS * inner * outer) / best / 1e9;
}

const configuration = JSON.parse(process.argv[2]) as BenchConfiguration;
process.send?.(await measure(configuration));
process.disconnect?.();
