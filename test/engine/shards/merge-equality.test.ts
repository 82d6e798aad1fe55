import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../../../src-main/engine/progress.js';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import type { SaeParams } from '../../../src-main/engine/sae/types.js';
import { checkShardSet } from '../../../src-main/engine/shards/merge-check.js';
import { ShardFile } from '../../../src-main/engine/shards/shard-file.js';
import { mergeStatisticsShards } from '../../../src-main/engine/stats/merge.js';
import { runStatistics } from '../../../src-main/engine/stats/run.js';
import { runStatisticsShard } from '../../../src-main/engine/stats/shard-run.js';
import { MemoryStatsStore } from '../../../src-main/engine/stats/stats-store.js';
import { DEFAULT_RUN_SETTINGS, type RunSettings } from '../../../src-main/shared/settings/run-settings.js';
import type { NullableSeries, SaeStats } from '../../../src-main/shared/stats.js';
import { SAE_SPECS, writeSpecSae, writeTinyModel, writeWordDataset } from '../stats/fixtures.js';

const createEncoder = async (params: SaeParams) => referenceEncoder(params);

let root: string;
let base: RunSettings;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'shard-merge-'));
  base = {
    ...DEFAULT_RUN_SETTINGS,
    model: writeTinyModel(root),
    saes: SAE_SPECS.slice(0, 3).map((spec, index) => writeSpecSae(join(root, `sae-${index}`), spec, 40 + index)),
    dataset: writeWordDataset(join(root, 'words.jsonl'), 80),
    batchSize: 3,
    examples: 4,
    device: 'cpu',
  };
});

async function singleRun(settings: RunSettings): Promise<MemoryStatsStore> {
  const store = new MemoryStatsStore();
  await runStatistics(settings, { progress: silentProgress, store, createEncoder });
  return store;
}

/** Runs shard K of N for every K, merges the files in a shuffled order and returns what the merge stored. */
async function shardedRun(settings: RunSettings, count: number, tag: string): Promise<MemoryStatsStore> {
  const paths: string[] = [];
  for (let index = 0; index < count; index++) {
    const path = join(root, `${tag}-${index}-of-${count}.shard`);
    await runStatisticsShard(settings, { shard: { index, count }, path }, { progress: silentProgress, createEncoder });
    paths.push(path);
  }
  // Reversed, then the odd ones first: any order must merge to the same run.
  const shuffled = [...paths.reverse().filter((_, k) => k % 2 === 1), ...paths.filter((_, k) => k % 2 === 0)];
  const files = shuffled.map((path) => ShardFile.open(path));
  const store = new MemoryStatsStore();
  try {
    mergeStatisticsShards(checkShardSet(files), { store, progress: silentProgress });
  } finally {
    files.forEach((file) => file.close());
  }
  return store;
}

function expectWithin(actual: NullableSeries, expected: NullableSeries, relative = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [actual[i], expected[i]];
    if (b === null || a === null) expect(a).toBe(b);
    else expect(Math.abs(a - b)).toBeLessThanOrEqual(relative * Math.abs(b) + 1e-300);
  }
}

const exact = (series: NullableSeries) => Array.from(series);

function expectSameSae(actual: SaeStats, expected: SaeStats): void {
  expect({ hook: actual.hook, d_in: actual.d_in, d_sae: actual.d_sae }).toEqual({ hook: expected.hook, d_in: expected.d_in, d_sae: expected.d_sae });
  for (const name of ['count', 'density', 'max'] as const) expect(exact(actual.features[name])).toEqual(exact(expected.features[name]));
  for (const name of ['mean', 'std', 'mean_all'] as const) expectWithin(actual.features[name], expected.features[name]);
  expect(actual.features.quantiles.levels).toEqual(expected.features.quantiles.levels);
  actual.features.quantiles.values.forEach((values, level) => expect(exact(values)).toEqual(exact(expected.features.quantiles.values[level])));
  for (const name of ['n', 'l0', 'density'] as const) expect(exact(actual.positions[name])).toEqual(exact(expected.positions[name]));
  for (const name of Object.keys(expected.positions) as (keyof SaeStats['positions'])[]) expectWithin(actual.positions[name]!, expected.positions[name]!);
  const { dead, dense, tokens, ...moments } = expected.summary;
  expect({ dead: actual.summary.dead, dense: actual.summary.dense, tokens: actual.summary.tokens }).toEqual({ dead, dense, tokens });
  expect(Object.keys(actual.summary).sort()).toEqual(Object.keys(expected.summary).sort());
  for (const [name, value] of Object.entries(moments)) expectWithin([actual.summary[name as keyof typeof moments]!], [value]);
}

function expectSamePages(actual: MemoryStatsStore, expected: MemoryStatsStore): void {
  expect(actual.pages).toHaveLength(expected.pages.length);
  actual.pages.forEach((pages, index) => {
    expect(Array.from(pages.histograms)).toEqual(Array.from(expected.pages[index].histograms));
    const [mine, theirs] = [pages.examples!, expected.pages[index].examples!];
    for (const key of ['offsets', 'windows', 'positions', 'values', 'contexts'] as const) expect(Array.from(mine[key])).toEqual(Array.from(theirs[key]));
  });
  expect(actual.windows?.perFeature).toBe(expected.windows?.perFeature);
  const tokens = (store: MemoryStatsStore) => [...(store.windows?.windows ?? new Map())].sort(([a], [b]) => a - b).map(([window, ids]) => [window, Array.from(ids)]);
  expect(tokens(actual)).toEqual(tokens(expected));
}

function expectSameRun(actual: MemoryStatsStore, expected: MemoryStatsStore): void {
  const [mine, theirs] = [actual.toExport(), expected.toExport()];
  expect(mine.run).toEqual(theirs.run);
  expect(mine.saes).toHaveLength(theirs.saes.length);
  mine.saes.forEach((sae, index) => expectSameSae(sae, theirs.saes[index]));
  expectSamePages(actual, expected);
}

describe('merging the shards of a statistics run', () => {
  it('gives the single run over 9 windows for N = 1, 2 and 4, with LM losses, in any file order', async () => {
    const settings = { ...base, samples: 9, context: 16, ce: true };
    const single = await singleRun(settings);
    expect(single.toExport().run.samples).toBe(9);
    for (const count of [1, 2, 4]) expectSameRun(await shardedRun(settings, count, 'nine'), single);
  }, 600_000);

  it('gives the single run over 5 windows for N = 7, where two shards have no windows', async () => {
    const settings = { ...base, samples: 5, packing: 'per-row' as const, examples: 3 };
    const single = await singleRun(settings);
    expectSameRun(await shardedRun(settings, 7, 'five'), single);
  }, 600_000);

  it('keeps the tie rule across shards: among equal values the smaller (window, position) wins', async () => {
    // Every row the same text: equal windows give equal activations in every shard, so only the tie rule orders them.
    const dataset = writeWordDataset(join(root, 'same.jsonl'), 1);
    const repeated = join(root, 'repeated.txt');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const text = JSON.parse(readFileSync(dataset, 'utf8').trim().split('\n')[0]).text as string;
    writeFileSync(repeated, `${Array.from({ length: 8 }, () => text).join('\n')}\n`);
    const settings = { ...base, dataset: repeated, samples: 8, packing: 'per-row' as const, examples: 3 };
    const single = await singleRun(settings);
    const merged = await shardedRun(settings, 4, 'ties');
    expectSameRun(merged, single);
    const examples = merged.pages[0].examples!;
    const firstFeature = Array.from(examples.offsets).findIndex((offset, k) => examples.offsets[k + 1] - offset >= 2);
    const start = examples.offsets[firstFeature];
    // Identical rows: the kept examples of a feature are the earliest windows, since values tie across windows.
    expect(examples.values[start]).toBe(examples.values[start + 1]);
    expect(examples.windows[start]).toBeLessThanOrEqual(examples.windows[start + 1]);
    expect(examples.windows[start]).toBe(0);
  }, 600_000);
});
