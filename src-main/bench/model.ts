import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ParsedOptions } from '../cli/command.js';
import { choiceOption } from '../cli/command.js';
import { CONFIG_FILE } from '../engine/model/folder.js';
import { openModel } from '../engine/model/open.js';
import { DEVICES, type LanguageModel, type ModelConfig } from '../engine/model/types.js';
import type { ExecutionProvider } from '../engine/onnx/devices.js';
import { GraphBuilder } from '../engine/onnx/graph.js';
import { ALLOCATOR_ENV, createSession, floatTensor } from '../engine/onnx/session.js';

/** GPT-2 small's shape, with random weights. */
const MODEL_SETTINGS = { layers: 12, width: 768, heads: 12, context: 1024, seed: 7 };
const MODEL_FOLDER = join(tmpdir(), 'sae-studio-bench-gpt2-small');
/** Windows per forward at each context, so each forward sees about a thousand tokens. */
const RUNS = [
  { context: 128, batch: 8 },
  { context: 1024, batch: 1 },
];
const TIMED_REPEATS = 5;
const PEAK_MATMUL_SIZE = 2048;
const ALLOCATOR_HINT = `Note: this process lacks ALLOCATOR_ENV (${Object.entries(ALLOCATOR_ENV).map(([name, value]) => `${name}=${value}`).join(' ')}); with it, glibc hands freed intermediates back.`;

/** Prints forward throughput, its share of the machine's MatMul peak, and peak memory against the weight bytes. */
export async function runBenchmark(options: ParsedOptions): Promise<void> {
  ensureModel();
  const device = choiceOption(options, 'device', DEVICES, 'auto');
  const { model } = await openModel(MODEL_FOLDER, { device, ablation: 'none', onDeviceReport: (line) => console.log(line) });
  const peak = await peakMatMul(model.device as ExecutionProvider);
  try {
    for (const run of RUNS) await timeForward(model, { ...run, peak });
  } finally {
    await Promise.all([model.dispose(), peak.release()]);
  }
  const weightBytes = parameterCount(model.config) * 4;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(`Peak memory: ${megabytes(peakRss)} MB RSS for ${megabytes(weightBytes)} MB of float32 weights (${(peakRss / weightBytes).toFixed(2)}×; target < 2×)`);
  if (Object.keys(ALLOCATOR_ENV).some((name) => process.env[name] === undefined)) console.log(ALLOCATOR_HINT);
}

/** Writes the model in a child process, so its generation does not count toward this process's peak memory. */
function ensureModel(): void {
  if (existsSync(join(MODEL_FOLDER, CONFIG_FILE))) return;
  console.log(`Writing a GPT-2-small-shaped model with random weights to ${MODEL_FOLDER} …`);
  const generator = pathToFileURL(join(import.meta.dirname, '..', 'engine', 'demo', 'model.ts')).href;
  const code = `import { writeDemoModel } from ${JSON.stringify(generator)}; writeDemoModel(${JSON.stringify(MODEL_FOLDER)}, ${JSON.stringify(MODEL_SETTINGS)});`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('Could not write the benchmark model.');
}

/** Times the forward and the peak MatMul in turn, so both see the same load from other processes. */
async function timeForward(model: LanguageModel, run: { context: number; batch: number; peak: PeakMatMul }): Promise<void> {
  const ids = Int32Array.from({ length: run.context * run.batch }, (_, index) => (index * 7919) % model.config.vocabSize);
  const batch = { ids, batch: run.batch, sequence: run.context };
  const options = { capture: [], losses: true };
  await model.forward(batch, options);
  let forwardSeconds = Infinity;
  let peakSeconds = Infinity;
  for (let repeat = 0; repeat < TIMED_REPEATS; repeat++) {
    peakSeconds = Math.min(peakSeconds, await seconds(run.peak.run));
    forwardSeconds = Math.min(forwardSeconds, await seconds(() => model.forward(batch, options)));
  }
  const tokens = run.context * run.batch;
  const achieved = (forwardFlops(model.config, run.context) * tokens) / forwardSeconds / 1e9;
  const peak = run.peak.flops / peakSeconds / 1e9;
  console.log(`Context ${run.context}, batch ${run.batch}, losses on: ${(tokens / forwardSeconds).toFixed(0)} tokens/s, ${achieved.toFixed(1)} GFLOP/s`);
  console.log(`  peak MatMul ${peak.toFixed(1)} GFLOP/s (${PEAK_MATMUL_SIZE}³ in onnxruntime on ${model.device}): forward at ${((100 * achieved) / peak).toFixed(0)}% of peak`);
}

/** Multiply-adds per token: the block matrices (24·d²), attention over the full window (4·context·d), the unembedding. */
function forwardFlops(config: ModelConfig, context: number): number {
  const { layerCount, modelWidth, vocabSize } = config;
  return layerCount * (24 * modelWidth ** 2 + 4 * context * modelWidth) + 2 * modelWidth * vocabSize;
}

interface PeakMatMul {
  flops: number;
  run(): Promise<unknown>;
  release(): Promise<void>;
}

async function peakMatMul(provider: ExecutionProvider): Promise<PeakMatMul> {
  const size = PEAK_MATMUL_SIZE;
  const graph = new GraphBuilder('peak');
  const input = graph.input('x', 'float', [size, size]);
  const values = Float32Array.from({ length: size * size }, (_, index) => ((index % 97) - 48) / 97);
  graph.node('MatMul', [input, graph.weight('w', [size, size], () => values)], undefined, { output: 'y' });
  graph.output('y', 'float', [size, size]);
  const session = await createSession(graph.toBytes(), provider);
  const feeds = { x: floatTensor(values, [size, size]) };
  await session.run(feeds);
  return { flops: 2 * size ** 3, run: () => session.run(feeds), release: () => session.release() };
}

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

/** GPT-2's tensors: embeddings, 12·d² + 13·d per block, and ln_f. */
function parameterCount(config: ModelConfig): number {
  const { vocabSize, contextLength, layerCount, modelWidth } = config;
  return (vocabSize + contextLength) * modelWidth + layerCount * (12 * modelWidth ** 2 + 13 * modelWidth) + 2 * modelWidth;
}

function megabytes(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

