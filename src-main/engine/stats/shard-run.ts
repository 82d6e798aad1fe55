import { hostname } from 'node:os';
import type { ShardSelection } from '../shards/block.js';
import { hashModelFolder, hashPath, hashSettings, type Fingerprint } from '../shards/fingerprint.js';
import { ShardWriter, type ShardHeader } from '../shards/shard-file.js';
import { collectWindowTokens, windowsOfExamples } from './example-windows.js';
import { foldStatistics, type FoldContext, type FoldedRun } from './run.js';
import { writeSaeState, writeWindowTokens } from './shard-state.js';
import type { RunSettings } from '../../shared/settings/run-settings.js';

/** Where a shard goes: its block, its file and the run it belongs to (undefined: one derived from the inputs). */
export interface ShardTarget {
  shard: ShardSelection;
  path: string;
  runId?: string;
}

/** What each SAE's accumulators are rebuilt from when shards merge. */
export interface StatisticsShardDetails extends Record<string, unknown> {
  context: number;
  device: string;
  saes: { hook: string; inputSize: number; featureCount: number; label: string }[];
}

/** Runs shard K's block of windows and writes every SAE's accumulators to one shard file; returns its header. */
export async function runStatisticsShard(settings: RunSettings, target: ShardTarget, context: Omit<FoldContext, 'shard'>): Promise<ShardHeader> {
  const started = Date.now();
  return await foldStatistics(settings, { ...context, shard: target.shard }, async (run) => {
    const fingerprint = statisticsFingerprint(settings, run.description.context);
    const header: ShardHeader = {
      kind: 'statistics',
      runId: target.runId ?? runIdOf(fingerprint),
      shard: target.shard,
      host: hostname(),
      elapsedMs: Date.now() - started,
      windows: { ...run.block, total: run.description.samples },
      settings: { ...settings },
      fingerprint,
      details: detailsOf(run),
    };
    writeShard(run, header, target.path);
    context.progress.stage(`Shard ${target.shard.index}/${target.shard.count}: wrote windows ${run.block.first}–${run.block.end - 1} to ${target.path}`);
    return header;
  });
}

/** The model's, each SAE's and the dataset's bytes, and the settings that define the windows and the accumulators. */
export function statisticsFingerprint(settings: RunSettings, context: number): Fingerprint {
  return [
    hashModelFolder(settings.model),
    ...settings.saes.map((path, index) => ({ input: `SAE ${index + 1} of ${settings.saes.length}`, sha256: hashPath(path) })),
    { input: 'the dataset', sha256: hashPath(settings.dataset) },
    { input: 'the window settings', sha256: hashSettings({ textColumn: settings.textColumn, samples: settings.samples, context, packing: settings.packing }) },
    {
      input: 'the statistics settings',
      sha256: hashSettings({ ablate: settings.ablate, ce: settings.ce, examples: settings.examples, buckets: settings.quantileBuckets, accuracy: settings.quantileAccuracy }),
    },
  ];
}

/** Shards of the same inputs agree on this id without talking to each other. */
export function runIdOf(fingerprint: Fingerprint): string {
  return hashSettings({ parts: fingerprint.map((part) => part.sha256) }).slice(0, 8);
}

function detailsOf({ inputs, layers, description }: FoldedRun): StatisticsShardDetails {
  const saes = layers.map(({ label, accumulator }) => ({
    hook: accumulator.options.hook,
    inputSize: accumulator.options.inputSize,
    featureCount: accumulator.options.featureCount,
    label,
  }));
  return { context: description.context, device: inputs.device.provider, saes };
}

/** One SAE's accumulators at a time, then the tokens of the windows their examples point at. */
function writeShard(run: FoldedRun, header: ShardHeader, path: string): void {
  const writer = new ShardWriter(path, header);
  try {
    const referenced = new Set<number>();
    run.layers.forEach((layer, index) => {
      const state = layer.accumulator.state();
      writeSaeState(writer, index, state);
      windowsOfExamples([state.examples]).forEach((window) => referenced.add(window));
    });
    writeWindowTokens(writer, collectWindowTokens(run.inputs, referenced));
    writer.close();
  } catch (error) {
    writer.abandon();
    throw error;
  }
}
