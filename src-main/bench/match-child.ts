import { performance } from 'node:perf_hooks';
import { blockRows } from '../engine/compare/cosine-pass.js';
import type { Directions } from '../engine/compare/directions.js';
import { matchDirections, openSessions } from '../engine/compare/match.js';
import { DEFAULT_MATCH_SETTINGS } from '../engine/compare/types.js';
import { normalSampler, uniformSampler } from '../engine/demo/random.js';
import { chooseDevice } from '../engine/onnx/devices.js';
import type { Device } from '../shared/settings/run-settings.js';
import { openPeakMatMul, peakRss, replyToParent, seconds } from './shared.js';

export interface MatchBenchConfiguration {
  features: number;
  width: number;
  device: Device;
}

export interface MatchBenchMeasurement {
  device: string;
  /** Seconds of the cosine + top-k pass, of each certificate pass with its solve, and of the whole pair. */
  neighbourSeconds: number;
  roundSeconds: number[];
  pairSeconds: number;
  passFlops: number;
  peakGflops: number;
  optimal: boolean;
  /** Peak RSS beyond what the process held once both SAEs' directions were in memory. */
  extraBytes: number;
  baseBytes: number;
}

const PEAK_REPEATS = 3;
/** Two training runs of one hook, roughly: 70% of B's features are A's, perturbed; the rest are new. */
const SHARED_FRACTION = 0.7;
const NOISE = 0.7;

/** Unit directions of a random SAE A and of B, a perturbed, shuffled copy of most of A. */
function benchDirections(count: number, width: number): [Directions, Directions] {
  const random = normalSampler(5);
  const uniform = uniformSampler(6);
  const a = Float32Array.from({ length: count * width }, () => random());
  const b = new Float32Array(count * width);
  for (let row = 0; row < count; row++) {
    const source = Math.floor(uniform() * count);
    const shared = uniform() < SHARED_FRACTION;
    for (let d = 0; d < width; d++) b[row * width + d] = shared ? a[source * width + d]! + NOISE * random() : random();
  }
  return [directions(a, count, width, 'bench-a'), directions(b, count, width, 'bench-b')];
}

function directions(unit: Float32Array, count: number, width: number, source: string): Directions {
  for (let row = 0; row < count; row++) {
    let squares = 0;
    for (let d = 0; d < width; d++) squares += unit[row * width + d]! ** 2;
    const scale = 1 / Math.sqrt(squares);
    for (let d = 0; d < width; d++) unit[row * width + d]! *= scale;
  }
  return { sae: { source, hook: 'blocks.6.hook_resid_pre', featureCount: count }, count, inputSize: width, unit, zeroNorm: new Uint8Array(count), zeroCount: 0 };
}

async function measure(configuration: MatchBenchConfiguration): Promise<MatchBenchMeasurement> {
  const [a, b] = benchDirections(configuration.features, configuration.width);
  const baseBytes = process.memoryUsage().rss;
  const { provider } = await chooseDevice(configuration.device);
  const settings = { ...DEFAULT_MATCH_SETTINGS, device: configuration.device };
  const marks: number[] = [];
  const started = performance.now();
  const sessions = await openSessions(b, provider, settings);
  const opened = performance.now();
  const match = await matchDirections(a, sessions, settings, { progress: { bar() {}, stage: () => void marks.push(performance.now()) } });
  const pairSeconds = (performance.now() - started) / 1000;
  await sessions.release();
  const extraBytes = peakRss() - baseBytes;
  const peakGflops = await peakMatMul(provider, a, b);
  const times = [opened, ...marks].map((mark) => mark / 1000);
  return {
    device: provider,
    neighbourSeconds: times[1]! - times[0]!,
    roundSeconds: times.slice(2, 2 + match.assignment.rounds).map((time, index) => time - times[index + 1]!),
    pairSeconds,
    passFlops: 2 * a.count * b.count * a.inputSize,
    peakGflops,
    optimal: match.assignment.optimal,
    extraBytes,
    baseBytes,
  };
}

/** The same MatMul shape as one block of the pass, alone, fastest of a few. */
async function peakMatMul(provider: Awaited<ReturnType<typeof chooseDevice>>['provider'], a: Directions, b: Directions): Promise<number> {
  const peak = await openPeakMatMul(provider, { rows: blockRows(a, b), inner: a.inputSize, outer: b.count });
  let best = Infinity;
  for (let repeat = 0; repeat < PEAK_REPEATS; repeat++) best = Math.min(best, await seconds(peak.run));
  await peak.release();
  return peak.flops / best / 1e9;
}

void replyToParent(measure);
