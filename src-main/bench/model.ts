import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_FAMILIES, writeFamilyModel } from '../engine/demo/families.js';
import { GPT2_VOCAB_SIZE, writeDemoModel, type DemoModelOptions } from '../engine/demo/model.js';
import { openWeights } from '../engine/model/weights.js';
import { InputError } from '../shared/errors.js';
import { CONFIG_FILE } from '../engine/model/folder.js';
import { openModel } from '../engine/model/open.js';
import type { Device } from '../shared/settings/run-settings.js';
import { type LanguageModel, type ModelConfig } from '../engine/model/types.js';
import type { ExecutionProvider } from '../engine/onnx/devices.js';
import { countList, countOption, deviceOption, measureInChild, megabytes, openPeakMatMul, peakRss, replyToParent, seconds, type BenchOptions, type PeakMatMul } from './shared.js';

/** What the benchmark's child process measures: a model with random weights, forwards of each size, the MatMul peak. */
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

const BENCH_FAMILIES = ['gpt2', ...GENERATED_FAMILIES] as const;
type BenchFamily = (typeof BENCH_FAMILIES)[number];

export interface BenchShape extends DemoModelOptions {
  family: BenchFamily;
  keyValueHeads: number;
}

/** GPT-2 small for gpt2; Llama 3.2 1B's shape (d 2048, 16 layers, 32 heads over 8 key-value heads) for the others. */
const SHAPE_DEFAULTS: Record<'gpt2' | 'decoder', Record<string, number>> = {
  gpt2: { layers: 12, width: 768, heads: 12, 'kv-heads': 12, context: 1024, vocab: GPT2_VOCAB_SIZE },
  decoder: { layers: 16, width: 2048, heads: 32, 'kv-heads': 8, context: 1024, vocab: 32000 },
};

/** Prints forward throughput, its share of the machine's MatMul peak, and peak memory against the weight bytes. */
export async function runBenchmark(options: BenchOptions): Promise<void> {
  const shape = modelShape(options);
  const configuration: ModelBenchConfiguration = {
    folder: benchModelFolder(shape),
    device: deviceOption(options),
    runs: forwardRuns(options, shape.context),
    repeats: countOption(options, 'repeats'),
    peakSize: countOption(options, 'peak-size'),
  };
  ensureModel(configuration.folder, shape);
  const target = shape.family === 'gpt2' ? GPT2_MEMORY_TARGET : DECODER_MEMORY_TARGET;
  printMeasurement(await measureInChild<ModelMeasurement>(import.meta.filename, configuration, 'the model'), { peakSize: configuration.peakSize, target });
}

/** Where the random model of a shape is written once and reused by later benchmarks. */
export function benchModelFolder(shape: BenchShape): string {
  const decoder = shape.family === 'gpt2' ? '' : `-kv${shape.keyValueHeads}-v${shape.vocabSize}`;
  return join(tmpdir(), `sae-studio-bench-${shape.family}-${shape.layers}x${shape.width}-h${shape.heads}${decoder}-c${shape.context}-s${shape.seed}`);
}

/** A whole-number flag that may be absent, for sizes whose default depends on the family. */
function optionalCount(options: BenchOptions, name: string): number | undefined {
  return options[name] === undefined ? undefined : countOption(options, name);
}

export function modelShape(options: BenchOptions): BenchShape {
  const family = (options.family ?? 'gpt2') as BenchFamily;
  if (!BENCH_FAMILIES.includes(family)) throw new InputError(`--family must be one of ${BENCH_FAMILIES.join(', ')}, not '${family}'.`);
  const defaults = SHAPE_DEFAULTS[family === 'gpt2' ? 'gpt2' : 'decoder'];
  const size = (name: string) => optionalCount(options, `model-${name}`) ?? defaults[name]!;
  const shape = { layers: size('layers'), width: size('width'), heads: size('heads'), context: size('context'), vocabSize: size('vocab') };
  return { family, ...shape, keyValueHeads: size('kv-heads'), seed: countOption(options, 'model-seed', 0) };
}

/** --contexts paired with --batches (one batch serves them all); the defaults give each forward about a thousand tokens. */
function forwardRuns(options: BenchOptions, modelContext: number): ForwardRun[] {
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
export function ensureModel(folder: string, shape: BenchShape): void {
  if (existsSync(join(folder, CONFIG_FILE))) return;
  console.log(`Writing a ${shape.layers}-layer, ${shape.width}-wide ${shape.family} with random weights to ${folder} …`);
  if (shape.family === 'gpt2') writeDemoModel(folder, shape);
  else writeFamilyModel(folder, { ...shape, family: shape.family, vocabSize: Math.min(shape.vocabSize ?? GPT2_VOCAB_SIZE, GPT2_VOCAB_SIZE - 1) });
}

/** Peak RSS over float32 weight bytes: GPT-2's target from its issue, and the tighter one set for the rotary families. */
const GPT2_MEMORY_TARGET = 2;
const DECODER_MEMORY_TARGET = 1.3;

function printMeasurement(measurement: ModelMeasurement, limits: { peakSize: number; target: number }): void {
  const { peakSize } = limits;
  for (const { context, batch, tokensPerSecond, gflops, peakGflops } of measurement.forwards) {
    console.log(`Context ${context}, batch ${batch}, losses on: ${tokensPerSecond.toFixed(0)} tokens/s, ${gflops.toFixed(1)} GFLOP/s`);
    const share = `forward at ${((100 * gflops) / peakGflops).toFixed(0)}% of peak`;
    console.log(`  peak MatMul ${peakGflops.toFixed(1)} GFLOP/s (${peakSize}³ in onnxruntime on ${measurement.device}): ${share}`);
  }
  const { peakRss: rss, weightBytes } = measurement;
  console.log(`Peak memory: ${megabytes(rss)} MB RSS for ${megabytes(weightBytes)} MB of float32 weights (${(rss / weightBytes).toFixed(2)}×; target < ${limits.target}×)`);
}

/** The child's side: opens the model and times every forward beside the peak MatMul. */
async function measureModel(configuration: ModelBenchConfiguration): Promise<ModelMeasurement> {
  const { model } = await openModel(configuration.folder, { device: configuration.device, ablation: 'none', onDeviceReport: (line) => console.log(line) });
  const size = configuration.peakSize;
  const peak = await openPeakMatMul(model.device as ExecutionProvider, { rows: size, inner: size, outer: size });
  try {
    const forwards: ForwardTiming[] = [];
    const blockWeights = blockMatrixWeights(configuration.folder);
    for (const run of configuration.runs) forwards.push(await timeForward(model, { run, peak, repeats: configuration.repeats, blockWeights }));
    return { device: model.device, forwards, weightBytes: parameterCount(configuration.folder) * 4, peakRss: peakRss() };
  } finally {
    await Promise.all([model.dispose(), peak.release()]);
  }
}

/** Times the forward and the peak MatMul in turn, so both see the same load from other processes; the best of each counts. */
async function timeForward(model: LanguageModel, timing: { run: ForwardRun; peak: PeakMatMul; repeats: number; blockWeights: number }): Promise<ForwardTiming> {
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
  const gflops = (forwardFlops(model.config, run.context, timing.blockWeights) * tokens) / forwardSeconds / 1e9;
  return { ...run, tokensPerSecond: tokens / forwardSeconds, gflops, peakGflops: peak.flops / peakSeconds / 1e9 };
}

/** FLOPs per token: two per weight of every block matrix, attention over the full window (4·context·query width), the unembedding. */
function forwardFlops(config: ModelConfig, context: number, blockWeights: number): number {
  const { layerCount, modelWidth, vocabSize, headCount } = config;
  const queryWidth = headCount * (config.headSize ?? modelWidth / headCount);
  return 2 * blockWeights + layerCount * 4 * context * queryWidth + 2 * modelWidth * vocabSize;
}

/** Every stored tensor's values, read from the checkpoint's headers. */
function parameterCount(folder: string): number {
  const weights = openWeights(folder);
  try {
    return weights.names().reduce((total, name) => total + weights.shape(name).reduce((product, size) => product * size, 1), 0);
  } finally {
    weights.close();
  }
}

/** Values of the blocks' matrices (names with a layer number and two dimensions), what the forward multiplies by. */
function blockMatrixWeights(folder: string): number {
  const weights = openWeights(folder);
  try {
    const matrices = weights.names().filter((name) => /\.\d+\./.test(name) && weights.shape(name).length === 2);
    return matrices.reduce((total, name) => total + weights.shape(name).reduce((product, size) => product * size, 1), 0);
  } finally {
    weights.close();
  }
}

// Forked by runBenchmark, this module measures in a process that started with ALLOCATOR_ENV.
if (process.argv[1] === import.meta.filename) await replyToParent(measureModel);
