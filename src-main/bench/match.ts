import { join } from 'node:path';
import type { MatchBenchConfiguration, MatchBenchMeasurement } from './match-child.js';
import { modelShape } from './model.js';
import { countList, deviceOption, measureInChild, megabytes, type BenchOptions } from './shared.js';

/** Prints the pass's share of the MatMul peak, the whole pair's time and the memory beyond the weights, measured in a child process. */
export async function runBenchmark(options: BenchOptions): Promise<void> {
  const device = deviceOption(options);
  const [features] = countList(options, 'features');
  const { width } = modelShape(options);
  const configuration: MatchBenchConfiguration = { features: features!, width, device };
  console.log(`Matching two ${features} × ${width} SAEs (70% of B a perturbed copy of A) …`);
  const result = await measureInChild<MatchBenchMeasurement>(join(import.meta.dirname, 'match-child.ts'), configuration, 'match');
  const passGflops = result.passFlops / result.neighbourSeconds / 1e9;
  console.log(
    [
      `on ${result.device}:`,
      `  cosines + top-k (rows and columns): ${result.neighbourSeconds.toFixed(1)} s, ${passGflops.toFixed(1)} GFLOP/s = ${((100 * passGflops) / result.peakGflops).toFixed(0)}% of the MatMul peak (${result.peakGflops.toFixed(1)} GFLOP/s; target ≥ 60%)`,
      `  assignment: ${result.roundSeconds.length} solve + certificate round(s) of ${result.roundSeconds.map((time) => time.toFixed(1)).join(', ')} s; ${result.optimal ? 'proven optimal' : 'NOT proven optimal'}`,
      `  whole pair: ${result.pairSeconds.toFixed(1)} s (target < 120 s)`,
      `  peak memory beyond the directions: ${megabytes(result.extraBytes)} MB (directions and runtime ${megabytes(result.baseBytes)} MB; target < 1 GB)`,
    ].join('\n'),
  );
}
