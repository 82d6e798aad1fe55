import type { ProgressSink } from '../progress.js';
import type { ShardFile } from '../shards/shard-file.js';
import { storeLayer } from './run.js';
import { SaeAccumulator } from './sae-accumulator.js';
import type { StatisticsShardDetails } from './shard-run.js';
import { readSaeState, readWindowTokens } from './shard-state.js';
import type { StatsStore } from './stats-store.js';
import type { RunDescription } from '../../shared/stats.js';
import type { RunSettings } from '../../shared/settings/run-settings.js';

/**
 * Stores the statistics of N checked shard files (in K order) as one run: one SAE at a time, each shard's accumulators
 * added in window order, so the result is the single run's (sums within float64 rounding, everything else exact).
 */
export function mergeStatisticsShards(files: readonly ShardFile[], context: { store: StatsStore; progress: ProgressSink }): RunDescription {
  const { header } = files[0];
  const settings = header.settings as RunSettings;
  const details = header.details as StatisticsShardDetails;
  const description = { model: settings.model, dataset: settings.dataset, samples: header.windows.total, context: details.context, packing: settings.packing };
  const devices = [...new Set(files.map((file) => (file.header.details as StatisticsShardDetails).device))];
  context.store.saveRun(description, { device: devices.join(', ') });
  const referenced = new Set<number>();
  details.saes.forEach((sae, index) => {
    const accumulator = new SaeAccumulator({ ...sae, context: details.context, quantileBuckets: settings.quantileBuckets, relativeAccuracy: settings.quantileAccuracy, withLosses: settings.ce, examples: 0 });
    files.forEach((file) => accumulator.merge(readSaeState(file, index)));
    storeLayer({ index, label: sae.label, accumulator }, context).forEach((window) => referenced.add(window));
  });
  const windows = new Map<number, Int32Array>();
  for (const file of files) readWindowTokens(file, referenced).forEach((tokens, window) => windows.set(window, tokens));
  context.store.saveExampleWindows({ perFeature: settings.examples, windows });
  return description;
}
