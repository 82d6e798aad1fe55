import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../../src-main/engine/data/registry.js';
import { readModelFolder } from '../../../src-main/engine/model/folder.js';
import { CancelledError, silentProgress, type ProgressSink } from '../../../src-main/engine/progress.js';
import { runResidual } from '../../../src-main/engine/residual/run.js';
import type { ResidualStats, Series } from '../../../src-main/shared/residual.js';
import { DEFAULT_RESIDUAL_SETTINGS, type ResidualSettings } from '../../../src-main/shared/settings/residual-settings.js';
import { TINY_MODEL, writeTinyModel, writeWordDataset } from '../stats/fixtures.js';
import { argmax, bruteForceWindows, cosine, klDivergence, norm, type WindowPoints } from './brute-force.js';

const CONTEXT = 16;
const END_OF_TEXT = 50256;

let root: string;
let base: ResidualSettings;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'residual-run-'));
  const model = writeTinyModel(root);
  base = { ...DEFAULT_RESIDUAL_SETTINGS, model, dataset: writeWordDataset(join(root, 'words.jsonl'), 40), samples: 6, context: CONTEXT, batchSize: 4, device: 'cpu' };
});

/** The run's windows, cut here from the tokenized rows as statistics.md says. */
async function windowsOf(settings: ResidualSettings): Promise<number[][]> {
  const folder = readModelFolder(settings.model);
  folder.weights.close();
  const rows = (await openDataset(settings.dataset)).rows.map((row) => folder.tokenizer.encode(row.text));
  if (settings.packing === 'per-row') return rows.slice(0, settings.samples).map((row) => [END_OF_TEXT, ...row.slice(0, CONTEXT - 1)]);
  const stream = rows.flatMap((row) => [...row, END_OF_TEXT]);
  return Array.from({ length: settings.samples }, (_, s) => [END_OF_TEXT, ...stream.slice(s * (CONTEXT - 1), (s + 1) * (CONTEXT - 1))]);
}

function meanOf(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function stdOf(values: number[]): number {
  const mean = meanOf(values);
  return Math.sqrt(meanOf(values.map((value) => (value - mean) ** 2)));
}

/** Every statistic of residual.md straight from its definition, over float64 points. */
function expectedStats(windows: WindowPoints[]): Omit<ResidualStats, 'run' | 'layers' | 'massive'> {
  const pointCount = windows[0]!.points.length;
  const width = windows[0]!.points[0]![0]!.length;
  const at = (t: number) => windows.filter((window) => window.points[0]!.length > t);
  const overPositions = (count: number, value: (p: number, t: number) => number[]) =>
    Array.from({ length: count }, (_, p) => Array.from({ length: CONTEXT }, (_, t) => meanOf(value(p, t))));
  const tokens = windows.flatMap((window) => window.points[0]!.slice(1).map((_, index) => ({ window, t: index + 1 })));
  const dimMean = (p: number, rows: { window: WindowPoints; t: number }[]) =>
    Array.from({ length: width }, (_, d) => meanOf(rows.map(({ window, t }) => Math.abs(window.points[p]![t]![d]!))));
  const lens = (p: number, measure: (final: Float64Array, own: Float64Array) => number) =>
    windows[0]!.logProbabilities.length === 0 ? 0 : meanOf(tokens.map(({ window, t }) => measure(window.logProbabilities[pointCount - 1]![t]!, window.logProbabilities[p]![t]!)));
  return {
    norm_mean: overPositions(pointCount, (p, t) => at(t).map((window) => norm(window.points[p]![t]!))),
    norm_std: Array.from({ length: pointCount }, (_, p) => Array.from({ length: CONTEXT }, (_, t) => stdOf(at(t).map((window) => norm(window.points[p]![t]!))))),
    cos_next: overPositions(pointCount - 1, (p, t) => at(t).map((window) => cosine(window.points[p]![t]!, window.points[p + 1]![t]!))),
    cos_prev_position: overPositions(pointCount, (p, t) => (t === 0 ? [] : at(t).map((window) => cosine(window.points[p]![t]!, window.points[p]![t - 1]!)))),
    dim_mean_abs: Array.from({ length: pointCount }, (_, p) => dimMean(p, tokens)),
    dim_mean_abs_bos: Array.from({ length: pointCount }, (_, p) => dimMean(p, windows.map((window) => ({ window, t: 0 })))),
    logit_lens_kl: Array.from({ length: pointCount }, (_, p) => lens(p, klDivergence)),
    logit_lens_top1: Array.from({ length: pointCount }, (_, p) => lens(p, (final, own) => (argmax(final) === argmax(own) ? 1 : 0))),
  };
}

/** 1e-4 relative, with an absolute floor at 1e-4 of the series' scale for values that should be zero. */
function expectClose(actual: Series, expected: Series, scale: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(1e-4 * Math.abs(expected[i]!) + 1e-6 * scale);
}

function largest(rows: Series[]): number {
  return Math.max(...rows.flatMap((row) => Array.from(row, Math.abs)));
}

function expectRowsClose(actual: Series[], expected: Series[], scale = largest(expected)): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, index) => expectClose(row, expected[index]!, scale));
}

async function expectBruteForceEqual(settings: ResidualSettings): Promise<ResidualStats> {
  const stats = await runResidual(settings, { progress: silentProgress });
  const expected = expectedStats(bruteForceWindows(settings.model, await windowsOf(settings), { ablation: settings.ablate, lens: settings.logitLens }));
  for (const key of ['norm_mean', 'cos_next', 'cos_prev_position', 'dim_mean_abs', 'dim_mean_abs_bos'] as const) expectRowsClose(stats[key], expected[key]);
  // A spread that should be zero is measured against the norms themselves.
  expectRowsClose(stats.norm_std, expected.norm_std, largest(expected.norm_mean));
  if (settings.logitLens) {
    expectClose(stats.logit_lens_kl, expected.logit_lens_kl, 1);
    expect(Array.from(stats.logit_lens_top1)).toEqual(expected.logit_lens_top1);
  }
  return stats;
}

describe('residual run', () => {
  it('computes every statistic of residual.md as float64 loops do, on packed windows', async () => {
    const stats = await expectBruteForceEqual(base);
    expect(stats.run).toEqual({ model: base.model, samples: 6, context: CONTEXT, packing: 'packed', ablate: 'none' });
    expect(stats.layers).toEqual(['blocks.0.hook_resid_pre', 'blocks.1.hook_resid_pre', 'blocks.1.hook_resid_post']);
    expect(stats.logit_lens_kl[2]).toBe(0);
    expect(stats.logit_lens_top1[2]).toBe(1);
  });

  it('never lets per-row padding into a statistic', async () => {
    const stats = await expectBruteForceEqual({ ...base, packing: 'per-row', logitLens: false });
    expect(stats.logit_lens_kl).toHaveLength(0);
  });

  it('names as massive the largest dims by mean |x|, and by |x| at BOS', async () => {
    const stats = await runResidual({ ...base, logitLens: false }, { progress: silentProgress });
    stats.massive.forEach((massive, point) => {
      const byValue = (values: Series) => Array.from(values, (value, dim) => ({ value, dim })).sort((a, b) => b.value - a.value).slice(0, 8);
      expect(massive.dims).toEqual(byValue(stats.dim_mean_abs[point]!).map((entry) => entry.dim));
      expect(massive.bos_values).toEqual(byValue(stats.dim_mean_abs_bos[point]!).map((entry) => entry.value));
    });
  });

  it('with positions-only ablation every window has the same stream: no spread, and the embeddings are the position rows', async () => {
    const stats = await expectBruteForceEqual({ ...base, ablate: 'positions-only', logitLens: false });
    const folder = readModelFolder(base.model);
    const positions = folder.weights.read('wpe.weight');
    folder.weights.close();
    const width = TINY_MODEL.width;
    const rowNorms = Array.from({ length: CONTEXT }, (_, t) => norm(Float64Array.from(positions.subarray(t * width, (t + 1) * width))));
    expectClose(stats.norm_mean[0]!, rowNorms, 1);
    for (const spread of stats.norm_std) expect(Math.max(...Array.from(spread))).toBeLessThan(1e-5);
    const clean = await runResidual({ ...base, logitLens: false }, { progress: silentProgress });
    expect(Math.max(...Array.from(clean.norm_std[0]!).slice(1))).toBeGreaterThan(1e-3);
  });

  it('reports one bar over windows, stops when cancelled, and names a missing dataset', async () => {
    const bars: number[] = [];
    const progress: ProgressSink = { bar: (_, done) => bars.push(done), stage() {} };
    await runResidual({ ...base, logitLens: false }, { progress });
    expect(bars).toEqual([4, 6]);
    await expect(runResidual(base, { progress: silentProgress, cancel: { cancelled: true } })).rejects.toBeInstanceOf(CancelledError);
    await expect(runResidual({ ...base, dataset: join(root, 'none.jsonl') }, { progress: silentProgress })).rejects.toThrow(`The dataset file ${join(root, 'none.jsonl')} does not exist.`);
  });
});
