import { performance } from 'node:perf_hooks';
import { openModel } from '../engine/model/open.js';
import type { LanguageModel } from '../engine/model/types.js';
import { generateTokens } from '../engine/steer/generate.js';
import { greedyToken } from '../engine/steer/sampling.js';
import type { Device } from '../shared/settings/run-settings.js';
import { benchModelFolder, ensureModel, modelShape } from './model.js';
import { countOption, deviceOption, measureInChild, replyToParent, type BenchOptions } from './shared.js';

interface GenerateBenchConfiguration {
  folder: string;
  device: Device;
  promptTokens: number;
  newTokens: number;
}

interface GenerateMeasurement {
  device: string;
  /** Seconds of each cached step, the prompt's first. */
  cachedSteps: number[];
  /** Seconds of each full-recompute step, the prompt's first. */
  recomputeSteps: number[];
  sameTokens: boolean;
}

/** Bins of generated positions whose mean step time is printed, to show the cached cost stays flat. */
const REPORTED_BINS = 4;

/** Greedy generation of --new-tokens on the random GPT-2 of the model benchmark's shape, with the KV cache and by recomputing every step. */
export async function runBenchmark(options: BenchOptions): Promise<void> {
  const shape = modelShape(options);
  const configuration: GenerateBenchConfiguration = {
    folder: benchModelFolder(shape),
    device: deviceOption(options),
    promptTokens: countOption(options, 'prompt-tokens'),
    newTokens: countOption(options, 'new-tokens'),
  };
  ensureModel(configuration.folder, shape);
  printMeasurement(await measureInChild<GenerateMeasurement>(import.meta.filename, configuration, 'generation'), configuration);
}

function printMeasurement(measurement: GenerateMeasurement, configuration: GenerateBenchConfiguration): void {
  const total = (steps: number[]) => steps.reduce((sum, step) => sum + step, 0);
  const [cached, recompute] = [total(measurement.cachedSteps), total(measurement.recomputeSteps)];
  console.log(`Greedy generation of ${configuration.newTokens} tokens after a ${configuration.promptTokens}-token prompt on ${measurement.device}:`);
  console.log(`  KV cache:         ${cached.toFixed(2)} s (${((1000 * cached) / configuration.newTokens).toFixed(1)} ms/token)`);
  console.log(`  full recompute:   ${recompute.toFixed(2)} s (${((1000 * recompute) / configuration.newTokens).toFixed(1)} ms/token)`);
  console.log(`  speed-up:         ${(recompute / cached).toFixed(1)}× (target ≥ 5× at 256 tokens); same tokens: ${measurement.sameTokens ? 'yes' : 'NO'}`);
  console.log('  ms per new token, by position (cached | recompute):');
  const decode = (steps: number[]) => steps.slice(1);
  const bins = binMeans(decode(measurement.cachedSteps), REPORTED_BINS).map((bin, index) => ({ ...bin, recompute: binMeans(decode(measurement.recomputeSteps), REPORTED_BINS)[index]!.mean }));
  for (const { from, to, mean, recompute: full } of bins) {
    const positions = `${configuration.promptTokens + from + 1}–${configuration.promptTokens + to}`;
    console.log(`    positions ${positions.padEnd(9)} ${(1000 * mean).toFixed(1).padStart(7)} | ${(1000 * full).toFixed(1).padStart(7)}`);
  }
}

function binMeans(steps: number[], count: number): { from: number; to: number; mean: number }[] {
  const size = Math.ceil(steps.length / count);
  return Array.from({ length: count }, (_, bin) => {
    const slice = steps.slice(bin * size, (bin + 1) * size);
    return { from: bin * size, to: bin * size + slice.length, mean: slice.reduce((sum, step) => sum + step, 0) / Math.max(1, slice.length) };
  });
}

/** The child's side: the same greedy continuation twice, each forward timed. */
async function measureGeneration(configuration: GenerateBenchConfiguration): Promise<GenerateMeasurement> {
  const prompt = Array.from({ length: configuration.promptTokens }, (_, index) => (index * 7919 + 11) % 50000);
  const settings = { maxNewTokens: configuration.newTokens, temperature: 0, topP: 1, seed: 0 };
  const cached = (await openModel(configuration.folder, { device: configuration.device, ablation: 'none', cache: true })).model;
  const cachedSteps: number[] = [];
  let tokens: number[];
  try {
    await generateTokens(cached, prompt, { ...settings, maxNewTokens: 2 });
    let last = performance.now();
    tokens = await generateTokens(cached, prompt, settings, { edit: () => ((last = performance.now()), undefined), observe: () => void cachedSteps.push((performance.now() - last) / 1000) });
  } finally {
    await cached.dispose();
  }
  const plain = (await openModel(configuration.folder, { device: configuration.device, ablation: 'none' })).model;
  try {
    const { steps, tokens: recomputed } = await recomputeGreedy(plain, prompt, tokens.length);
    return { device: plain.device, cachedSteps: cachedSteps.slice(0, tokens.length), recomputeSteps: steps, sameTokens: recomputed.join() === tokens.join() };
  } finally {
    await plain.dispose();
  }
}

/** Greedy generation that runs the whole sequence so far through the model for every new token. */
async function recomputeGreedy(model: LanguageModel, prompt: number[], count: number): Promise<{ steps: number[]; tokens: number[] }> {
  const sequence = [...prompt];
  const steps: number[] = [];
  while (steps.length < count) {
    const started = performance.now();
    const { logits } = await model.forward({ ids: Int32Array.from(sequence), batch: 1, sequence: sequence.length }, { capture: [], logits: 'last' });
    sequence.push(greedyToken(logits!));
    steps.push((performance.now() - started) / 1000);
  }
  return { steps, tokens: sequence.slice(prompt.length) };
}

// Forked by runBenchmark, this module measures in a process that started with ALLOCATOR_ENV.
if (process.argv[1] === import.meta.filename) await replyToParent(measureGeneration);
