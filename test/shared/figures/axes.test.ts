import type { EChartsOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import { FIGURE_FAMILIES, findFamily } from '../../../src-main/shared/figures/families.js';
import { formatLogTick } from '../../../src-main/shared/figures/numbers.js';
import { DEFAULT_FIGURE_SETTINGS, fontSizes, type FigureSettings } from '../../../src-main/shared/figures/settings.js';
import { syntheticStats } from '../../helpers/synthetic-stats.js';

// Few windows leave many features dead, as a short real run does.
const stats = syntheticStats({ layers: 4, features: 200, context: 24, samples: 8, seed: 3 });

type Axis = { id?: string; min?: number; max?: number };
type Title = { id?: string; top?: number };

function build(id: string, settings: Partial<FigureSettings> = {}): EChartsOption {
  return findFamily(id)!.builder(stats, { ...DEFAULT_FIGURE_SETTINGS, ...settings });
}

function firstRanks(option: EChartsOption): number[] {
  return (option.series as { xAxisIndex: number; data: Float64Array }[]).map((series) => series.data[0]);
}

describe('log-axis ticks', () => {
  it('read as plain decades or powers of ten, never float noise', () => {
    expect(formatLogTick(0.0000999999999999)).toBe('1e-4');
    expect(formatLogTick(0.00001000000000001)).toBe('1e-5');
    expect(formatLogTick(0.0010000000000000002)).toBe('0.001');
    expect(formatLogTick(1)).toBe('1');
    expect(formatLogTick(10000)).toBe('10000');
    expect(formatLogTick(1e5)).toBe('1e5');
  });

  it('are formatted by the option itself, so screen and export print the same', () => {
    const axes = build('quantiles').yAxis as { axisLabel: { formatter?: (value: number) => string } }[];
    for (const axis of axes) expect(axis.axisLabel.formatter?.(0.0000999999999999)).toBe('1e-4');
  });
});

describe.each([true, false])('rank axes with shareAxes %s', (shareAxes) => {
  it('start at 0 and rank live features only, so every panel starts at rank 0', () => {
    const quantiles = build('quantiles', { shareAxes });
    const dead = Array.from(stats.saes[0].features.count).filter((count) => count === 0).length;
    expect(dead).toBeGreaterThan(0);
    for (const axis of (quantiles.xAxis as Axis[]).slice(0, 4)) expect(axis.min).toBe(0);
    expect(new Set(firstRanks(quantiles))).toEqual(new Set([0]));
    const combined = build('layers-combined', { shareAxes });
    expect((combined.xAxis as Axis[])[1].min).toBe(0);
    const ranked = (combined.series as { xAxisIndex: number; data: Float64Array }[]).filter((series) => series.xAxisIndex === 1);
    expect(ranked.map((series) => series.data[0])).toEqual([0, 0, 0, 0]);
  });

  it('end past the largest live count, not at a far round number', () => {
    const live = Math.max(...stats.saes.map((sae) => Array.from(sae.features.count).filter((count) => count > 0).length));
    const max = (build('quantiles', { shareAxes }).xAxis as Axis[])[0].max!;
    expect(max).toBeGreaterThanOrEqual(live);
    expect(max).toBeLessThanOrEqual(live * 1.25);
  });
});

describe('value axes of positive statistics', () => {
  it('never start below zero, even beside a large BOS spike', () => {
    for (const id of ['position-mean', 'position-mean-no-bos', 'position-mean-std']) {
      for (const shareAxes of [true, false]) {
        const option = build(id, { shareAxes });
        for (const axis of [...(option.xAxis as Axis[]), ...(option.yAxis as Axis[])]) if (axis.min !== undefined) expect(axis.min).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

describe.each(FIGURE_FAMILIES.map((family) => family.id))('%s layout', (id) => {
  it('keeps panel subtitles clear of the main title at any font scale', () => {
    for (const fontScale of [1, 2]) {
      const titles = build(id, { fontScale }).title as Title[];
      const main = titles.find((title) => title.id === 'title')!;
      const clear = main.top! + fontSizes({ ...DEFAULT_FIGURE_SETTINGS, fontScale }).title * 1.5;
      for (const subtitle of titles.filter((title) => title.id !== 'title')) expect(subtitle.top!).toBeGreaterThanOrEqual(clear);
    }
  });
});
