import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../../../src-main/engine/model/open.js';
import { silentProgress } from '../../../src-main/engine/progress.js';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import { openSae } from '../../../src-main/engine/sae/registry.js';
import type { SaeParams } from '../../../src-main/engine/sae/types.js';
import { runStatistics } from '../../../src-main/engine/stats/run.js';
import { MemoryStatsStore } from '../../../src-main/engine/stats/stats-store.js';
import { contextOf, examplesOf, type Example } from '../../../src-main/engine/stats/top-examples.js';
import { DEFAULT_RUN_SETTINGS, type RunSettings } from '../../../src-main/shared/settings/run-settings.js';
import { openDataset } from '../../../src-main/engine/data/registry.js';
import { SAE_SPECS, writeSpecSae, writeTinyModel, writeWordDataset } from './fixtures.js';

const CONTEXT = 16;

let base: RunSettings;
let run: Promise<MemoryStatsStore>;

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'feature-pages-'));
  base = {
    ...DEFAULT_RUN_SETTINGS,
    model: writeTinyModel(root),
    saes: SAE_SPECS.map((spec, index) => writeSpecSae(join(root, `sae-${index}`), spec, 30 + index)),
    dataset: writeWordDataset(join(root, 'words.jsonl'), 200),
    samples: 24,
    context: CONTEXT,
    device: 'cpu',
  };
  run = streamed(base);
});

/** An active value over P as the brute force keeps it, with the token it sits on and the feature at p − 8 … p + 8 (0 outside). */
interface Activation extends Example {
  token: number;
  context: number[];
}

/** Brute force: windows cut here from the token stream as statistics.md says, every activation of every feature held in memory. */
async function allActivations(settings: RunSettings, saeIndex: number): Promise<Activation[][]> {
  const { model, tokenizer } = await openModel(settings.model, { device: 'cpu', ablation: 'none' });
  try {
    const dataset = await openDataset(settings.dataset, {});
    const stream = dataset.rows.flatMap((row) => [...tokenizer.encode(row.text), model.config.eosTokenId]);
    const windows = Array.from({ length: settings.samples }, (_, window) => [
      model.config.bosTokenId,
      ...stream.slice(window * (CONTEXT - 1), (window + 1) * (CONTEXT - 1)),
    ]);
    const params: SaeParams = openSae(settings.saes[saeIndex]);
    const ids = Int32Array.from(windows.flat());
    const forward = await model.forward({ ids, batch: windows.length, sequence: CONTEXT }, { capture: [params.hook] });
    const encoded = await referenceEncoder(params).encode(forward.activations.get(params.hook)!, ids.length);
    const perFeature: Activation[][] = Array.from({ length: params.featureCount }, () => []);
    let feature = 0;
    const around = (firstRow: number, position: number) =>
      Array.from({ length: 17 }, (_, k) => {
        const at = position - 8 + k;
        return at >= 0 && at < CONTEXT ? encoded.features[(firstRow + at) * params.featureCount + feature] : 0;
      });
    windows.forEach((tokens, window) => {
      for (let position = 1; position < CONTEXT; position++) {
        const row = window * CONTEXT + position;
        for (feature = 0; feature < params.featureCount; feature++) {
          const value = encoded.features[row * params.featureCount + feature];
          if (value > 0) perFeature[feature].push({ window, position, value, token: tokens[position], context: around(row - position, position) });
        }
      }
    });
    return perFeature;
  } finally {
    await model.dispose();
  }
}

async function streamed(settings: RunSettings): Promise<MemoryStatsStore> {
  const store = new MemoryStatsStore();
  const createEncoder = async (params: SaeParams) => referenceEncoder(params);
  await runStatistics(settings, { progress: silentProgress, store, createEncoder });
  return store;
}

function bruteForceTop(values: Activation[], keep: number): Activation[] {
  return [...values].sort((a, b) => b.value - a.value || a.window - b.window || a.position - b.position).slice(0, keep);
}

describe('feature examples kept during a statistics run', () => {
  it.each([0, 1, 2, 3])('equal the brute-force top 20 of SAE %i: values, windows, positions and highlighted tokens', async (saeIndex) => {
    const [store, all] = await Promise.all([run, allActivations(base, saeIndex)]);
    const examples = store.pages[saeIndex].examples!;
    expect(store.windows!.perFeature).toBe(20);
    let full = 0;
    all.forEach((values, feature) => {
      const expected = bruteForceTop(values, 20);
      const kept = examplesOf(examples, feature);
      expect(kept).toEqual(expected.map(({ window, position, value }) => ({ window, position, value })));
      const tokens = kept.map((example) => store.windows!.windows.get(example.window)![example.position]);
      expect(tokens).toEqual(expected.map((example) => example.token));
      expected.forEach((example, rank) => {
        const context = contextOf(examples, examples.offsets[feature] + rank);
        context.forEach((value, k) => expect(Math.abs(value - example.context[k])).toBeLessThanOrEqual(1e-3 * example.context[k] + 1e-7));
      });
      if (values.length > 20) full++;
    });
    expect(full).toBeGreaterThan(5);
  });

  it('keep fewer when asked, and nothing but the histograms when examples are off', async () => {
    const settings = { ...base, saes: base.saes.slice(0, 1) };
    const few = await streamed({ ...settings, examples: 3 });
    const off = await streamed({ ...settings, examples: 0 });
    const all = await allActivations(settings, 0);
    all.forEach((values, feature) => expect(examplesOf(few.pages[0].examples!, feature).map((e) => e.value)).toEqual(bruteForceTop(values, 3).map((e) => e.value)));
    expect(off.pages[0].examples).toBeUndefined();
    expect(off.windows).toEqual({ perFeature: 0, windows: new Map() });
    expect(Array.from(off.pages[0].histograms)).toEqual(Array.from(few.pages[0].histograms));
  });

  it('refuse a negative or fractional number of examples', async () => {
    await expect(streamed({ ...base, examples: -1 })).rejects.toThrow('Examples per feature must be a whole number from 0 to 1000, not -1.');
    await expect(streamed({ ...base, examples: 2.5 })).rejects.toThrow('not 2.5.');
  });
});

/** The contract's bin of a value: edges log10-spaced from 1e-3 × max to max, values below the first edge in bin 0. */
function contractBin(value: number, edges: number[]): number {
  let bin = 0;
  while (bin < 31 && value >= edges[bin + 1]) bin++;
  return bin;
}

describe('feature histograms', () => {
  it('count every active value in its log10 bin, up to values within the quantile accuracy of an edge', async () => {
    const [store, all] = await Promise.all([run, allActivations(base, 2)]);
    const histograms = store.pages[2].histograms;
    const accuracy = 0.009;
    let checked = 0;
    all.forEach((values, feature) => {
      if (values.length === 0) return expect(Array.from(histograms.subarray(feature * 32, feature * 32 + 32))).toEqual(new Array(32).fill(0));
      const max = Math.max(...values.map((entry) => entry.value));
      const edges = Array.from({ length: 33 }, (_, k) => max * 10 ** (-3 + (3 * k) / 32));
      const expected = new Array(32).fill(0);
      const nearEdge = new Array(33).fill(0);
      for (const { value } of values) {
        expected[contractBin(value, edges)]++;
        edges.forEach((edge, k) => Math.abs(value - edge) <= accuracy * value * 1.0001 && nearEdge[k]++);
      }
      const actual = Array.from(histograms.subarray(feature * 32, feature * 32 + 32));
      expect(actual.reduce((a, b) => a + b, 0)).toBe(values.length);
      actual.forEach((count, bin) => expect(Math.abs(count - expected[bin])).toBeLessThanOrEqual(nearEdge[bin] + nearEdge[bin + 1]));
      checked += values.length;
    });
    expect(checked).toBeGreaterThan(1000);
  });
});
