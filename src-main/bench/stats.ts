import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoDataset } from '../engine/demo/dataset.js';
import { writeDemoModel } from '../engine/demo/model.js';
import { normalSampler } from '../engine/demo/random.js';
import { CONFIG_FILE } from '../engine/model/folder.js';
import { writeSaeLensSae } from '../engine/sae/formats/saelens.js';
import type { SaeParams } from '../engine/sae/types.js';
import { countList, deviceOption, measureInChild, megabytes, type BenchOptions } from './shared.js';
import type { BenchConfiguration, BenchMeasurement } from './stats-child.js';

/** GPT-2 small's shape with random weights, and SAEs the size of gpt2-small-res-jb's. */
const MODEL_SETTINGS = { layers: 12, width: 768, heads: 12, context: 128, seed: 11 };
const FEATURE_COUNT = 24_576;
const BENCH_FOLDER = join(tmpdir(), 'sae-studio-bench-stats');
/** Enough text for 400 windows of 128 tokens. */
const DATASET_PARAGRAPHS = 1200;
/** With inputs rescaled to norm √d and unit-variance pre-activations, this bias leaves about 0.2% of features active. */
const ENCODER_BIAS = -2.9;

/** Prints tokens/s, where the time goes and peak memory per configuration, each measured in its own process. */
export async function runBenchmark(options: BenchOptions): Promise<void> {
  const device = deviceOption(options);
  const sampleCounts = countList(options, 'samples');
  const layerCounts = countList(options, 'layers');
  const inputs = prepareInputs(Math.max(...layerCounts));
  for (const layers of layerCounts) {
    const results: BenchMeasurement[] = [];
    for (const samples of sampleCounts) {
      // The last `layers` layers, so every configuration runs the whole model.
      const saes = inputs.saes.slice(inputs.saes.length - layers);
      results.push(await measureConfiguration({ model: inputs.model, saes, dataset: inputs.dataset, samples, device }));
      printMeasurement(layers, results.at(-1)!);
    }
    printMemoryGrowth(results);
  }
}

/** Writes the model, dataset and SAEs once into the temp folder; later runs reuse them. */
function prepareInputs(layers: number): { model: string; dataset: string; saes: string[] } {
  const model = join(BENCH_FOLDER, 'model');
  if (!existsSync(join(model, CONFIG_FILE))) {
    console.log(`Writing a GPT-2-small-shaped model to ${model} …`);
    writeDemoModel(model, MODEL_SETTINGS);
  }
  const dataset = join(BENCH_FOLDER, 'text.jsonl');
  if (!existsSync(dataset)) writeDemoDataset(dataset, { paragraphs: DATASET_PARAGRAPHS, seed: 5, sentences: [4, 7] });
  const saes = Array.from({ length: layers }, (_, index) => {
    const layer = MODEL_SETTINGS.layers - layers + index;
    return ensureSae(join(BENCH_FOLDER, `sae-${layer}`), layer);
  });
  return { model, dataset, saes };
}

function ensureSae(folder: string, layer: number): string {
  if (existsSync(join(folder, 'cfg.json'))) return folder;
  console.log(`Writing a ${FEATURE_COUNT}-feature SAE for layer ${layer} …`);
  mkdirSync(folder, { recursive: true });
  writeSaeLensSae(folder, benchSaeParams(layer));
  return folder;
}

function benchSaeParams(layer: number): SaeParams {
  const { width } = MODEL_SETTINGS;
  const random = normalSampler(100 + layer);
  const matrix = (scale: number) => Float32Array.from({ length: width * FEATURE_COUNT }, () => scale * random());
  return {
    format: 'saelens',
    architecture: 'standard',
    source: 'bench',
    hook: `blocks.${layer}.hook_resid_pre`,
    inputSize: width,
    featureCount: FEATURE_COUNT,
    encoderWeights: matrix(1 / Math.sqrt(width)),
    encoderBias: new Float32Array(FEATURE_COUNT).fill(ENCODER_BIAS),
    decoderWeights: matrix(1 / Math.sqrt(FEATURE_COUNT)),
    decoderBias: new Float32Array(width),
    subtractDecoderBias: true,
    normalization: 'constant_norm_rescale',
    rescaleByDecoderNorm: false,
    centerInput: true,
    contextSize: MODEL_SETTINGS.context,
  };
}

function measureConfiguration(configuration: BenchConfiguration): Promise<BenchMeasurement> {
  return measureInChild(join(import.meta.dirname, 'stats-child.ts'), configuration, `${configuration.samples} samples`);
}

function printMeasurement(layers: number, result: BenchMeasurement): void {
  const percent = (ms: number) => `${((100 * ms) / result.milliseconds).toFixed(0)}%`;
  const phases = Object.values(result.phases).reduce((sum, ms) => sum + ms, 0);
  const shares = Object.entries(result.phases).map(([phase, ms]) => `${phase} ${percent(ms)}`);
  shares.push(`opening and tokenizing ${percent(result.milliseconds - phases)}`);
  // FLOP/s over the streaming phases only: opening files is a fixed cost, not throughput.
  const streaming = (result.phases.model + result.phases.encode + result.phases.accumulate) / 1000;
  const gflops = result.flops / streaming / 1e9;
  const tokens = result.tokensPerSecond * (result.milliseconds / 1000);
  console.log(
    [
      `${layers} SAE(s) × ${FEATURE_COUNT} features, ${result.samples} windows of ${MODEL_SETTINGS.context} on ${result.device}:`,
      `  ${result.tokensPerSecond.toFixed(0)} tokens/s over the whole run, ${(tokens / streaming).toFixed(0)} tokens/s while streaming`,
      `  time in ${shares.join(', ')}`,
      `  ${gflops.toFixed(1)} GFLOP/s = ${((100 * gflops) / result.peakGflops).toFixed(0)}% of the MatMul peak`,
      `  (${result.peakGflops.toFixed(1)} GFLOP/s; target ≥ 50%)`,
      `  peak RSS ${megabytes(result.peakRss)} MB`,
    ].join('\n'),
  );
}

function printMemoryGrowth(results: BenchMeasurement[]): void {
  if (results.length < 2) return;
  const [first, last] = [results[0], results.at(-1)!];
  const growth = (100 * (last.peakRss - first.peakRss)) / first.peakRss;
  console.log(`Peak RSS at ${last.samples} vs ${first.samples} windows: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)}% (target within 10%)`);
}
