import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedOptions } from '../cli/command.js';
import { choiceOption, integerOption } from '../cli/command.js';
import { writeDemoModel, type DemoModelOptions } from '../engine/demo/model.js';
import { InputError } from '../shared/errors.js';
import { CONFIG_FILE } from '../engine/model/folder.js';
import { openModel } from '../engine/model/open.js';
import { DEVICES, type Device } from '../shared/settings/run-settings.js';
import { type LanguageModel, type ModelConfig } from '../engine/model/types.js';
import type { ExecutionProvider } from '../engine/onnx/devices.js';
import { countList, measureInChild, megabytes, openPeakMatMul, peakRss, replyToParent, seconds, type PeakMatMul } from './shared.js';

/** What the benchmark's child process measures: a GPT-2 with random weights, forwards of each size, the MatMul peak. */
interface ModelBenchConfiguration {
  folder: string;
  device: Device;
  runs: ForwardRun[];
  repeats: number;
  peakSize: number;
}

interface ForwardRun {
  context: number;
  batch: number;
}

interface ForwardTiming extends ForwardRun {
  tokensPerSecond: number;
  gflops: number;
  peakGflops: number;
}

interface ModelMeasurement {
  device: string;
  forwards: ForwardTiming[];
  weightBytes: number;
  peakRss: number;
}

/** Prints forward throughput, its share of the machine's MatMul peak, and peak memory against the weight bytes. */
export async function runBenchmark(options: ParsedOptions): Promise<void> {
  const shape = modelShape(options);
  const configuration: ModelBenchConfiguration = {
    folder: join(tmpdir(), `sae-studio-bench-gpt2-${shape.layers}x${shape.width}-h${shape.heads}-c${shape.context}-s${shape.seed}`),
    device: choiceOption(options, 'device', DEVICES, 'auto'),
    runs: forwardRuns(options, shape.context),
    repeats: count(options, 'repeats'),
    peakSize: count(options, 'peak-size'),
  };
  ensureModel(configuration.folder, shape);
  printMeasurement(await measureInChild<ModelMeasurement>(import.meta.filename, configuration, 'the model'), configuration.peakSize);
}

/** A whole-number flag; the bench command declares every default. */
function count(options: ParsedOptions, name: string, minimum = 1): number {
  return integerOption(options, name, minimum) as number;
}

function modelShape(options: ParsedOptions): DemoModelOptions {
  const [layers, width, heads, context] = ['layers', 'width', 'heads', 'context'].map((name) => count(options, `model-${name}`));
  return { layers, width, heads, context, seed: count(options, 'model-seed', 0) };
}

/** --contexts paired with --batches (one batch serves them all); the defaults give each forward about a thousand tokens. */
function forwardRuns(options: ParsedOptions, modelContext: number): ForwardRun[] {
  const contexts = countList(options, 'contexts');
  const batches = countList(options, 'batches');
  if (batches.length !== 1 && batches.length !== contexts.length) {
    throw new InputError(`--batches needs one batch, or one per context in --contexts (${contexts.length}), not ${batches.length}.`);
  }
  const tooLong = contexts.find((context) => context > modelContext);
  if (tooLong) throw new InputError(`--contexts must stay within --model-context (${modelContext}), not ${tooLong}.`);
  return contexts.map((context, index) => ({ context, batch: batches[index] ?? batches[0] }));
}

/** Writes the model in this process, so its generation does not count toward the measuring child's peak memory. */
function ensureModel(folder: string, shape: DemoModelOptions): void {
  if (existsSync(join(folder, CONFIG_FILE))) return;
  console.log(`Writing a ${shape.layers}-layer, ${shape.width}-wide GPT-2 with random weights to ${folder} …`);
  writeDemoModel(folder, shape);
}

function printMeasurement(measurement: ModelMeasurement, peakSize: number): void {
  for (const { context, batch, tokensPerSecond, gflops, peakGflops } of measurement.forwards) {
    console.log(`Context ${context}, batch ${batch}, losses on: ${tokensPerSecond.toFixed(0)} tokens/s, ${gflops.toFixed(1)} GFLOP/s`);
    const share = `forward at ${((100 * gflops) / peakGflops).toFixed(0)}% of peak`;
    console.log(`  peak MatMul ${peakGflops.toFixed(1)} GFLOP/s (${peakSize}³ in onnxruntime on ${measurement.device}): ${share}`);
  }
  const { peakRss: rss, weightBytes } = measurement;
  console.log(`Peak memory: ${megabytes(rss)} MB RSS for ${megabytes(weightBytes)} MB of float32 weights (${(rss / weightBytes).toFixed(2)}×; target < 2×)`);
}

/** The child's side: opens the model and times every forward beside the peak MatMul. */
async function measureModel(configuration: ModelBenchConfiguration): Promise<ModelMeasurement> {
  const { model } = await openModel(configuration.folder, { device: configuration.device, ablation: 'none', onDeviceReport: (line) => console.log(line) });
  const size = configuration.peakSize;
  const peak = await openPeakMatMul(model.device as ExecutionProvider, { rows: size, inner: size, outer: size });
  try {
    const forwards: ForwardTiming[] = [];
    for (const run of configuration.runs) forwards.push(await timeForward(model, { run, peak, repeats: configuration.repeats }));
    return { device: model.device, forwards, weightBytes: parameterCount(model.config) * 4, peakRss: peakRss() };
  } finally {
    await Promise.all([model.dispose(), peak.release()]);
  }
}

/** Times the forward and the peak MatMul in turn, so both see the same load from other processes; the best of each counts. */
async function timeForward(model: LanguageModel, timing: { run: ForwardRun; peak: PeakMatMul; repeats: number }): Promise<ForwardTiming> {
  const { run, peak } = timing;
  const ids = Int32Array.from({ length: run.context * run.batch }, (_, index) => (index * 7919) % model.config.vocabSize);
  const batch = { ids, batch: run.batch, sequence: run.context };
  const options = { capture: [], losses: true };
  await model.forward(batch, options);
  let forwardSeconds = Infinity;
  let peakSeconds = Infinity;
  for (let repeat = 0; repeat < timing.repeats; repeat++) {
    peakSeconds = Math.min(peakSeconds, await seconds(peak.run));
    forwardSeconds = Math.min(forwardSeconds, await seconds(() => model.forward(batch, options)));
  }
  const tokens = run.context * run.batch;
  const gflops = (forwardFlops(model.config, run.context) * tokens) / forwardSeconds / 1e9;
  return { ...run, tokensPerSecond: tokens / forwardSeconds, gflops, peakGflops: peak.flops / peakSeconds / 1e9 };
}

/** Multiply-adds per token: the block matrices (24·d²), attention over the full window (4·context·d), the unembedding. */
function forwardFlops(config: ModelConfig, context: number): number {
  const { layerCount, modelWidth, vocabSize } = config;
  return layerCount * (24 * modelWidth ** 2 + 4 * context * modelWidth) + 2 * modelWidth * vocabSize;
}

/** GPT-2's tensors: embeddings, 12·d² + 13·d per block, and ln_f. */
function parameterCount(config: ModelConfig): number {
  const { vocabSize, contextLength, layerCount, modelWidth } = config;
  return (vocabSize + contextLength) * modelWidth + layerCount * (12 * modelWidth ** 2 + 13 * modelWidth) + 2 * modelWidth;
}

// Forked by runBenchmark, this module measures in a process that started with ALLOCATOR_ENV.
if (process.argv[1] === import.meta.filename) await replyToParent(measureModel);
