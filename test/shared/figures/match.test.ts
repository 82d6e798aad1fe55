import { describe, expect, it } from 'vitest';
import { DEFAULT_FIGURE_SETTINGS } from '../../../src-main/shared/figures/settings.js';
import type { PairFigureData, SetFigureData } from '../../../src-main/shared/figures/match-data.js';
import { buildSetHeatmapOption } from '../../../src-main/shared/figures/match-heatmap.js';
import { buildChildrenOption, buildTop1DensityOption, buildTop1HistogramOption, cosineHistogram } from '../../../src-main/shared/figures/match-histograms.js';
import { uniformSampler } from '../../../src-main/engine/demo/random.js';

const random = uniformSampler(7);
const values = (count: number) => Float32Array.from({ length: count }, () => random() * 1.2 - 0.2);

const pair: PairFigureData = {
  label: 'Layer 0 → Layer 1, decoder directions',
  aToB: { hook: 'blocks.0.hook_resid_pre', featureCount: 300, top1: values(300), topK: values(1200), density: Float32Array.from({ length: 300 }, (_, i) => (i % 10 === 0 ? 0 : 10 ** (-1 - 4 * random()))) },
  bToA: { hook: 'blocks.1.hook_resid_pre', featureCount: 500, top1: values(500), topK: values(2000) },
  thresholds: [0.5, 0.7, 0.9],
  assignmentCosine: values(300),
  splitThreshold: 0.7,
  childCount: Int32Array.from({ length: 300 }, (_, i) => i % 4),
};

type Series = { data: unknown[]; markLine?: { data: { xAxis: number }[] } };

describe('match histograms', () => {
  it('bins every cosine once, in 0.02-wide bins ending at 1', () => {
    const cosines = [-0.13, -0.02, 0, 0.019, 0.02, 0.5, 0.71, 0.999, 1];
    const histogram = cosineHistogram(cosines);
    expect(histogram.edges[0]).toBeCloseTo(-0.14, 9);
    expect(histogram.edges.at(-1)).toBeCloseTo(1, 9);
    const brute = histogram.counts.map((_, bin) => cosines.filter((value) => value >= histogram.edges[bin]! - 1e-12 && (value < histogram.edges[bin + 1]! - 1e-12 || (bin === histogram.counts.length - 1 && value <= 1))).length);
    expect(histogram.counts).toEqual(brute);
  });

  it('draws both directions with the thresholds marked', () => {
    const option = buildTop1HistogramOption(pair, DEFAULT_FIGURE_SETTINGS);
    const series = option.series as Series[];
    expect(series).toHaveLength(2);
    expect(series.map((each) => each.data.reduce((sum: number, bar) => sum + (bar as number[])[1]!, 0))).toEqual([300, 500]);
    expect(series[0]!.markLine!.data.map((line) => line.xAxis)).toEqual([0.5, 0.7, 0.9]);
  });

  it('counts parents per number of children', () => {
    const option = buildChildrenOption(pair, DEFAULT_FIGURE_SETTINGS);
    expect((option.series as Series[])[0]!.data).toEqual([75, 75, 75, 75]);
  });

  it('plots top-1 against log density only for live features of sides with a run', () => {
    const option = buildTop1DensityOption(pair, DEFAULT_FIGURE_SETTINGS);
    const series = option.series as { data: Float64Array }[];
    expect(series).toHaveLength(1);
    expect(series[0]!.data.length / 3).toBe(270);
  });
});

describe('layer × layer heatmap', () => {
  const set: SetFigureData = {
    label: '3 SAEs',
    hooks: ['blocks.0.hook_resid_pre', 'blocks.1.hook_resid_pre', 'blocks.2.hook_resid_pre'],
    assignmentAbove: [[1, 0.25, 0], [0.25, 1, 0.5], [0, 0.5, 1]],
    top1Median: [[1, 0.4, 0.2], [0.3, 1, 0.6], [0.1, 0.5, 1]],
    top1Geomean: [[1, 0.35, 0.15], [0.25, 1, 0.55], [0.05, 0.45, NaN]],
  };

  it('prints each value in its cell, row k at the top-k-th place, coloured by seaborn viridis', () => {
    const option = buildSetHeatmapOption(set, DEFAULT_FIGURE_SETTINGS);
    const cells = (option.series as { data: { value: [number, number, number | string]; itemStyle: { color: string }; label: { formatter: string } }[] }[])[1]!.data;
    const cell = (k: number, l: number) => cells.find((each) => each.value[0] === l && each.value[1] === 2 - k)!;
    expect(cell(1, 0).label.formatter).toBe('0.30');
    expect(cell(0, 2).label.formatter).toBe('0.20');
    expect(cell(0, 0).itemStyle.color).toBe('#fde725');
    const zero = (option.series as { data: { value: number[]; itemStyle: { color: string } }[] }[])[0]!.data.find((each) => each.value[0] === 2 && each.value[1] === 2)!;
    expect(zero.itemStyle.color).toBe('#440154');
    const missing = (option.series as { data: { value: unknown[]; label: { formatter: string } }[] }[])[2]!.data.find((each) => each.value[0] === 2 && each.value[1] === 0)!;
    expect(missing.label.formatter).toBe('–');
  });
});
