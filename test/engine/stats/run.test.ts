import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, silentProgress, type ProgressSink } from '../../../src-main/engine/progress.js';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import type { SaeParams } from '../../../src-main/engine/sae/types.js';
import { referenceStatistics } from './reference.js';
import { runStatistics, type RunContext } from '../../../src-main/engine/stats/run.js';
import { MemoryStatsStore } from '../../../src-main/engine/stats/stats-store.js';
import { DEFAULT_RUN_SETTINGS, type RunSettings } from '../../../src-main/shared/settings/run-settings.js';
import { type SaeStats, type Series } from '../../../src-main/shared/stats.js';
import { sampleSaeParams, writeSaeLensFolder } from '../../helpers/sae-files.js';
import { perfectSaeParams, SAE_SPECS, TINY_MODEL, writeSpecSae, writeTinyModel, writeWordDataset } from './fixtures.js';

let root: string;
let base: RunSettings;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stats-run-'));
  base = {
    ...DEFAULT_RUN_SETTINGS,
    model: writeTinyModel(root),
    saes: SAE_SPECS.map((spec, index) => writeSpecSae(join(root, `sae-${index}`), spec, 10 + index)),
    dataset: writeWordDataset(join(root, 'words.jsonl'), 400),
    samples: 80,
    device: 'cpu',
  };
});

async function streamed(settings: RunSettings, context: Partial<RunContext> = {}) {
  const store = new MemoryStatsStore();
  const createEncoder = async (params: SaeParams) => referenceEncoder(params);
  const description = await runStatistics(settings, { progress: silentProgress, store, createEncoder, ...context });
  return { description, stats: store.toExport() };
}

function expectClose(actual: Series | ArrayLike<number | null>, expected: ArrayLike<number | null>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [actual[i], expected[i]];
    if (b === null) expect(a).toBeNull();
    else expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(tolerance * Math.abs(b) + 1e-9);
  }
}

function expectSameStats(actual: SaeStats, expected: SaeStats): void {
  expect(actual.hook).toBe(expected.hook);
  expect(Array.from(actual.features.count)).toEqual(Array.from(expected.features.count));
  expect(Array.from(actual.features.density)).toEqual(Array.from(expected.features.density));
  expect(Array.from(actual.features.max)).toEqual(Array.from(expected.features.max));
  for (const name of ['mean', 'std', 'mean_all'] as const) expectClose(actual.features[name], expected.features[name]);
  for (const name of Object.keys(expected.positions) as (keyof SaeStats['positions'])[]) {
    expectClose(actual.positions[name]!, expected.positions[name]!);
  }
  const summary = (stats: SaeStats) => Object.values(stats.summary);
  expect(Object.keys(actual.summary)).toEqual(Object.keys(expected.summary));
  expectClose(summary(actual), summary(expected));
}

/** The largest relative error of any quantile of a feature with at least 1,000 active values, and how many such features there are. */
function quantileErrors(actual: SaeStats, expected: SaeStats): { busy: number; largest: number } {
  const busy = Array.from(expected.features.count).flatMap((count, feature) => (count >= 1000 ? [feature] : []));
  const errors = expected.features.quantiles.values.flatMap((values, level) =>
    busy.map((feature) => Math.abs(actual.features.quantiles.values[level][feature] - values[feature]) / values[feature]),
  );
  return { busy: busy.length, largest: Math.max(0, ...errors) };
}

/** Quantiles within 1% wherever a feature has at least 1,000 active values; returns how many features qualified. */
function expectQuantilesClose(actual: SaeStats, expected: SaeStats): number {
  const { busy, largest } = quantileErrors(actual, expected);
  expect(largest).toBeLessThanOrEqual(0.01);
  return busy;
}

async function expectReferenceEqual(settings: RunSettings): Promise<number> {
  const [{ stats }, reference] = await Promise.all([streamed(settings), referenceStatistics(settings)]);
  expect(stats.run).toEqual(reference.run);
  let busy = 0;
  stats.saes.forEach((sae, index) => {
    expectSameStats(sae, reference.saes[index]);
    busy += expectQuantilesClose(sae, reference.saes[index]);
  });
  return busy;
}

describe('a streaming run', () => {
  it.each(['packed', 'per-row'] as const)('equals the brute-force reference for every SAE architecture (%s)', async (packing) => {
    const busy = await expectReferenceEqual({ ...base, packing });
    expect(busy).toBeGreaterThan(10);
  });

  it('equals the reference with LM losses on padded per-row windows', async () => {
    await expectReferenceEqual({ ...base, packing: 'per-row', ce: true, samples: 16, saes: [base.saes[0], base.saes[3]] });
  });
});

describe('run settings', () => {
  it('reports a bar per SAE layer and the stage lines after storing', async () => {
    const bars = new Map<string, [number, number]>();
    const stages: string[] = [];
    const progress: ProgressSink = { bar: (label, done, total) => bars.set(label, [done, total]), stage: (line) => stages.push(line) };
    const { description } = await streamed({ ...base, samples: 12, saes: base.saes.slice(1, 3) }, { progress });
    expect(description.samples).toBe(12);
    expect([...bars]).toEqual([
      ['Layer 0', [12, 12]],
      ['Layer 1', [12, 12]],
    ]);
    expect(stages.slice(0, 2)).toEqual(['Running on cpu.', `Using 12 windows of ${description.context} tokens.`]);
    expect(stages.slice(2)).toEqual([
      'Layer 0 - Computed and stored feature-level stats',
      'Layer 0 - Computed and stored position-level stats',
      'Layer 0 - Computed and stored summary stats',
      'Layer 1 - Computed and stored feature-level stats',
      'Layer 1 - Computed and stored position-level stats',
      'Layer 1 - Computed and stored summary stats',
      expect.stringMatching(/^Stored the tokens of \d+ example windows$/),
    ]);
  });

  it('names the hook where two SAEs share a layer, and uses the windows there are', async () => {
    const stages: string[] = [];
    const progress: ProgressSink = { bar() {}, stage: (line) => stages.push(line) };
    const { description } = await streamed({ ...base, samples: 100_000, context: 8, saes: base.saes.slice(0, 2) }, { progress });
    expect(stages[1]).toBe(`Warning: ${basename(base.dataset)} holds ${description.samples} windows of 8 tokens; using ${description.samples} of the 100000 requested.`);
    expect(stages[2]).toBe('Layer 0 (blocks.0.hook_resid_post) - Computed and stored feature-level stats');
    expect(description.context).toBe(8);
    expect(description.samples).toBeGreaterThan(100);
    expect(description.samples).toBeLessThan(100_000);
  });

  it('stops between batches when cancelled', async () => {
    let batches = 0;
    const cancel = { get cancelled() { return batches >= 2; } };
    const progress: ProgressSink = { bar: (label) => void (label === 'Layer 0' && batches++), stage() {} };
    await expect(streamed({ ...base, saes: base.saes.slice(0, 1) }, { progress, cancel })).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses two SAEs on one hook (a set plus a single SAE of its layer) at start, naming both', async () => {
    const set = join(root, 'set');
    writeSpecSae(join(set, 'layer-0'), SAE_SPECS[0], 50);
    const member = writeSpecSae(join(set, 'layer-1'), SAE_SPECS[2], 51);
    const single = writeSpecSae(join(root, 'single-layer-1'), SAE_SPECS[2], 52);
    const bars: string[] = [];
    const progress: ProgressSink = { bar: (label) => bars.push(label), stage() {} };
    const message = `Two SAEs read the same hook blocks.1.hook_resid_pre: ${member} and ${single}. Choose one SAE per hook.`;
    await expect(streamed({ ...base, saes: [set, single] }, { progress })).rejects.toThrow(message);
    expect(bars).toEqual([]);
  });

  it('refuses an SAE the model cannot feed before computing any window', async () => {
    const hook = 'blocks.1.hook_resid_pre';
    const wide = writeSaeLensFolder(join(root, 'wide'), sampleSaeParams({ inputSize: TINY_MODEL.width + 1, featureCount: 4, hook }));
    const bars: string[] = [];
    const progress: ProgressSink = { bar: (label) => bars.push(label), stage() {} };
    const message = `The SAE in ${wide} reads ${TINY_MODEL.width + 1}-wide activations but the model's ${hook} is ${TINY_MODEL.width} wide.`;
    await expect(streamed({ ...base, saes: [base.saes[0], wide] }, { progress })).rejects.toThrow(message);
    expect(bars).toEqual([]);
  });

  it("refuses a too-wide SAE listed second before reading the first SAE's weights", async () => {
    const hook = 'blocks.1.hook_resid_pre';
    const wide = writeSaeLensFolder(join(root, 'wide-second'), sampleSaeParams({ inputSize: TINY_MODEL.width + 1, featureCount: 4, hook }));
    const opened: string[] = [];
    const createEncoder = async (params: SaeParams) => (opened.push(params.source), referenceEncoder(params));
    const message = `The SAE in ${wide} reads ${TINY_MODEL.width + 1}-wide activations but the model's ${hook} is ${TINY_MODEL.width} wide.`;
    await expect(streamed({ ...base, saes: [base.saes[0], wide] }, { createEncoder })).rejects.toThrow(message);
    expect(opened).toEqual([]);
  });

  it('estimates quantiles to the accuracy asked for', async () => {
    const settings = { ...base, saes: base.saes.slice(0, 1), quantileAccuracy: 0.2 };
    const [{ stats }, reference] = await Promise.all([streamed(settings), referenceStatistics(settings)]);
    const { busy, largest } = quantileErrors(stats.saes[0], reference.saes[0]);
    expect(busy).toBeGreaterThan(0);
    expect(largest).toBeGreaterThan(0.01);
    expect(largest).toBeLessThanOrEqual(0.2);
  });

  it('refuses a quantile accuracy outside its range before opening any input', async () => {
    const settings = { ...base, model: join(root, 'missing-model'), quantileAccuracy: 0.5 };
    await expect(streamed(settings)).rejects.toThrow('Quantile accuracy must be a number from 0.001 to 0.25, not 0.5.');
  });

  it('rejects a context beyond the model, naming the model folder', async () => {
    const message = 'The context must be a whole number from 2 to 32 (the maximum of model), not 33.';
    await expect(streamed({ ...base, context: TINY_MODEL.context + 1 })).rejects.toThrow(message);
  });
});

describe('LM losses', () => {
  it('splicing a perfect SAE leaves the loss unchanged and recovers all of it', async () => {
    const perfect = writeSaeLensFolder(join(root, 'perfect'), perfectSaeParams('blocks.1.hook_resid_pre', TINY_MODEL.width));
    const { stats } = await streamed({ ...base, samples: 16, ce: true, saes: [perfect] });
    const [{ summary, positions }] = stats.saes;
    expect(summary.mse).toBeLessThan(1e-12);
    expect(summary.ce_spliced).toBeCloseTo(summary.ce_clean!, 5);
    expect(summary.ce_zero).not.toBeCloseTo(summary.ce_clean!, 2);
    expect(summary.ce_recovered).toBeCloseTo(1, 4);
    expectClose(positions.ce_loss_spliced!, positions.ce_loss!, 1e-4);
    expect(positions.ce_loss![TINY_MODEL.context - 1]).toBeNull();
  });
});

describe('the fast encoder', () => {
  it('agrees with the float64 reference encoder', async () => {
    const settings = { ...base, samples: 24, saes: base.saes.slice(0, 1) };
    const store = new MemoryStatsStore();
    await runStatistics(settings, { progress: silentProgress, store });
    const [fast] = store.toExport().saes;
    const [exact] = (await streamed(settings)).stats.saes;
    expectClose(fast.features.mean, exact.features.mean, 1e-3);
    expectClose([fast.summary.explained_variance, fast.summary.l0], [exact.summary.explained_variance, exact.summary.l0], 1e-3);
  });
});
