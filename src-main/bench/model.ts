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
import { chooseDevice, type ExecutionProvider } from '../engine/onnx/devices.js';
import { GraphBuilder } from '../engine/onnx/graph.js';
import { createSession, floatTensor } from '../engine/onnx/session.js';

/** GPT-2 small's shape, with random weights. */
const MODEL_SETTINGS = { layers: 12, width: 768, heads: 12, context: 1024, seed: 7 };
const MODEL_FOLDER = join(tmpdir(), 'sae-studio-bench-gpt2-small');
/** Windows per forward at each context, so each forward sees about a thousand tokens. */
const RUNS = [
  { context: 128, batch: 8 },
  { context: 1024, batch: 1 },
];
const TIMED_REPEATS = 3;
const PEAK_MATMUL_SIZE = 2048;

/** Prints forward throughput, its share of the machine's MatMul peak, and peak memory against the weight bytes. */
export async function runBenchmark(options: ParsedOptions): Promise<void> {
  ensureModel();
  const device = choiceOption(options, 'device', DEVICES, 'auto');
  const { model } = await openModel(MODEL_FOLDER, { device, ablation: 'none', onDeviceReport: (line) => console.log(line) });
  try {
    const peak = await peakMatMul((await chooseDevice(device)).provider);
    console.log(`Peak MatMul (${PEAK_MATMUL_SIZE}³, onnxruntime, ${model.device}): ${peak.toFixed(1)} GFLOP/s`);
    for (const run of RUNS) await timeForward(model, { ...run, peak });
  } finally {
    await model.dispose();
  }
  const weightBytes = parameterCount(MODEL_SETTINGS) * 4;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(`Peak memory: ${megabytes(peakRss)} MB RSS for ${megabytes(weightBytes)} MB of float32 weights (${(peakRss / weightBytes).toFixed(2)}×; target < 2×)`);
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

async function timeForward(model: LanguageModel, run: { context: number; batch: number; peak: number }): Promise<void> {
  const ids = Int32Array.from({ length: run.context * run.batch }, (_, index) => (index * 7919) % model.config.vocabSize);
  const batch = { ids, batch: run.batch, sequence: run.context };
  const options = { capture: [], losses: true };
  await model.forward(batch, options);
  const started = performance.now();
  for (let repeat = 0; repeat < TIMED_REPEATS; repeat++) await model.forward(batch, options);
  const seconds = (performance.now() - started) / 1000 / TIMED_REPEATS;
  const tokens = run.context * run.batch;
  const achieved = (forwardFlops(model.config, run.context) * tokens) / seconds / 1e9;
  const share = ((100 * achieved) / run.peak).toFixed(0);
  console.log(
    `Forward at context ${run.context} (batch ${run.batch}, losses on): ${(tokens / seconds).toFixed(0)} tokens/s, ${achieved.toFixed(1)} GFLOP/s = ${share}% of peak`,
  );
}

/** Multiply-adds per token: the block matrices (24·d²), attention over the full window (4·context·d), the unembedding. */
function forwardFlops(config: ModelConfig, context: number): number {
  const { layerCount, modelWidth, vocabSize } = config;
  return layerCount * (24 * modelWidth ** 2 + 4 * context * modelWidth) + 2 * modelWidth * vocabSize;
}

async function peakMatMul(provider: ExecutionProvider): Promise<number> {
  const size = PEAK_MATMUL_SIZE;
  const graph = new GraphBuilder('peak');
  const input = graph.input('x', 'float', [size, size]);
  const values = Float32Array.from({ length: size * size }, (_, index) => ((index % 97) - 48) / 97);
  graph.node('MatMul', [input, graph.weight('w', [size, size], () => values)], undefined, { output: 'y' });
  graph.output('y', 'float', [size, size]);
  const session = await createSession(graph.toBytes(), provider);
  const feeds = { x: floatTensor(values, [size, size]) };
  await session.run(feeds);
  let best = Infinity;
  for (let repeat = 0; repeat < TIMED_REPEATS; repeat++) {
    const started = performance.now();
    await session.run(feeds);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  await session.release();
  return (2 * size ** 3) / best / 1e9;
}

function parameterCount(settings: typeof MODEL_SETTINGS): number {
  const { layers, width, context } = settings;
  return 50257 * width + context * width + layers * (12 * width ** 2 + 13 * width) + 2 * width;
}

function megabytes(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

