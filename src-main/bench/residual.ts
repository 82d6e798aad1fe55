import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoDataset } from '../engine/demo/dataset.js';
import { writeDemoModel } from '../engine/demo/model.js';
import { CONFIG_FILE } from '../engine/model/folder.js';
import type { ResidualBenchConfiguration, ResidualBenchMeasurement } from './residual-child.js';
import { countList, deviceOption, measureInChild, megabytes, type BenchOptions } from './shared.js';

/** GPT-2 small's shape with random weights, at the context the statistics benchmark uses. */
const MODEL_SETTINGS = { layers: 12, width: 768, heads: 12, context: 128, seed: 11 };
const BENCH_FOLDER = join(tmpdir(), 'sae-studio-bench-residual');
const DATASET_PARAGRAPHS = 1200;
const MODES: ResidualBenchConfiguration['mode'][] = ['forward', 'residual', 'lens'];

/** Prints the residual job's tokens/s beside the forward alone's, with and without the logit lens, and peak memory per sample count. */
export async function runBenchmark(options: BenchOptions): Promise<void> {
  const device = deviceOption(options);
  const { model, dataset } = prepareInputs();
  for (const samples of countList(options, 'samples')) {
    const results: ResidualBenchMeasurement[] = [];
    for (const mode of MODES) {
      const configuration: ResidualBenchConfiguration = { model, dataset, samples, context: MODEL_SETTINGS.context, device, mode };
      results.push(await measureInChild(join(import.meta.dirname, 'residual-child.ts'), configuration, `${mode}, ${samples} samples`));
    }
    printMeasurements(results);
  }
}

function prepareInputs(): { model: string; dataset: string } {
  const model = join(BENCH_FOLDER, 'model');
  if (!existsSync(join(model, CONFIG_FILE))) {
    console.log(`Writing a GPT-2-small-shaped model to ${model} …`);
    writeDemoModel(model, MODEL_SETTINGS);
  }
  const dataset = join(BENCH_FOLDER, 'text.jsonl');
  if (!existsSync(dataset)) writeDemoDataset(dataset, { paragraphs: DATASET_PARAGRAPHS, seed: 5, sentences: [4, 7] });
  return { model, dataset };
}

function printMeasurements(results: ResidualBenchMeasurement[]): void {
  const [forward, residual, lens] = results as [ResidualBenchMeasurement, ResidualBenchMeasurement, ResidualBenchMeasurement];
  const share = (measurement: ResidualBenchMeasurement) => `${((100 * measurement.tokensPerSecond) / forward.tokensPerSecond).toFixed(0)}% of the forward alone`;
  console.log(
    [
      `${forward.samples} windows of ${MODEL_SETTINGS.context} on ${forward.device}:`,
      `  forward alone: ${forward.tokensPerSecond.toFixed(0)} tokens/s, peak RSS ${megabytes(forward.peakRss)} MB`,
      `  residual job, no logit lens: ${residual.tokensPerSecond.toFixed(0)} tokens/s = ${share(residual)} (target ≥ 90%), peak RSS ${megabytes(residual.peakRss)} MB`,
      `  residual job with the logit lens: ${lens.tokensPerSecond.toFixed(0)} tokens/s = ${share(lens)}, peak RSS ${megabytes(lens.peakRss)} MB`,
    ].join('\n'),
  );
}
