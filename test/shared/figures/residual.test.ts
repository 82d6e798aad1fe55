import type { EChartsOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import { LAYER_PALETTE, POSITION_PALETTE } from '../../../src-main/shared/figures/palettes.js';
import { findResidualFamily, RESIDUAL_FIGURE_FAMILIES } from '../../../src-main/shared/figures/residual/families.js';
import { DEFAULT_FIGURE_SETTINGS, type FigureSettings } from '../../../src-main/shared/figures/settings.js';
import type { ResidualStats } from '../../../src-main/shared/residual.js';
import { sampleResidualStats } from '../../helpers/residual-runs.js';

type AnySeries = { type: string; name: string; xAxisIndex: number; data: unknown[]; itemStyle?: { color?: string } }[];
type Axes = { type: string; data?: string[]; min?: number; max?: number; startValue?: number }[];

function build(id: string, stats: ResidualStats = sampleResidualStats(), settings: Partial<FigureSettings> = {}): EChartsOption {
  return findResidualFamily(id)!.builder(stats, { ...DEFAULT_FIGURE_SETTINGS, ...settings });
}

const seriesOf = (option: EChartsOption) => option.series as AnySeries;

describe('residual figures', () => {
  it('draws the norm per position once per residual point in each panel, in viridis, on log axes, the second panel without BOS', () => {
    const option = build('residual-norm');
    const series = seriesOf(option);
    expect(series).toHaveLength(8);
    expect(series.map((each) => each.itemStyle?.color)).toEqual([...LAYER_PALETTE(4), ...LAYER_PALETTE(4)]);
    expect(series.map((each) => each.name).slice(0, 4)).toEqual(['Embeddings', 'Layer 1', 'Layer 2', 'Output']);
    expect(series[3]!.data[0]).toEqual([0, 400, 3]);
    expect(series[7]!.data[0]).toEqual([1, 11.5, 3]);
    const yAxes = option.yAxis as Axes;
    expect(yAxes.map((axis) => axis.type)).toEqual(['log', 'log']);
    expect(yAxes[0]).toMatchObject({ min: 1, max: 1000 });
    expect(yAxes[1]).toMatchObject({ min: 1, max: 100 });
  });

  it('colours the heatmap by log10 of the mean norm, one cell per point and position, with one colour bar', () => {
    const option = build('residual-norm-heatmap');
    const cells = seriesOf(option)[0]!.data as number[][];
    expect(cells).toHaveLength(4 * 6);
    expect(cells).toContainEqual([0, 3, Math.log10(400)]);
    expect(cells).toContainEqual([5, 0, Math.log10(7.5)]);
    const bar = option.visualMap as { min: number; max: number };
    expect(bar.min).toBeCloseTo(Math.log10(5.5), 12);
    expect(bar.max).toBeCloseTo(Math.log10(400), 12);
    expect((option.yAxis as Axes)[0]!.data).toEqual(['0', '1', '2', '3']);
  });

  it('averages the cosines over positions ≥ 1 and shows BOS apart, in flare', () => {
    const series = seriesOf(build('residual-cosines'));
    const [bos, rest] = POSITION_PALETTE(2);
    expect(series.map((each) => each.itemStyle?.color)).toEqual([rest, bos, rest]);
    // cos_next[p][t] = 0.9 − p/10 − t/100: over t = 1…5 the mean is 0.9 − p/10 − 0.03.
    series[0]!.data.forEach((value, p) => expect(value).toBeCloseTo(0.87 - p / 10, 12));
    series[1]!.data.forEach((value, p) => expect(value).toBeCloseTo(0.9 - p / 10, 12));
    series[2]!.data.forEach((value, p) => expect(value).toBeCloseTo(0.3 + p / 20, 12));
  });

  it('shows each point’s massive dims, then BOS’s, with bars from the log axis floor', () => {
    const option = build('residual-massive');
    const xAxes = option.xAxis as Axes;
    expect(xAxes[0]!.data).toEqual(['3', '9', '8', '7', '6', '5', '4', '2', '0', '1']);
    const series = seriesOf(option);
    expect(series).toHaveLength(8);
    expect(series[2]!.data.slice(0, 2)).toEqual([41, 1.9]);
    expect(series[3]!.data[3]).toBe(180);
    const yAxes = option.yAxis as Axes;
    expect(yAxes[0]).toMatchObject({ type: 'log', min: 1, max: 1000, startValue: 1 });
  });

  it('draws the logit lens across points, and says so when a run skipped it', () => {
    const series = seriesOf(build('residual-logit-lens'));
    expect(series.map((each) => each.data)).toEqual([[6.5, 3.25, 1.5, 0], [0.05, 0.25, 0.625, 1]]);
    const skipped = build('residual-logit-lens', { ...sampleResidualStats(), logit_lens_kl: [], logit_lens_top1: [] });
    expect(JSON.stringify(skipped.graphic)).toContain('This run skipped the logit lens');
  });

  it('names the run in every title and builds every family at twice the font size', () => {
    for (const family of RESIDUAL_FIGURE_FAMILIES) {
      const option = build(family.id, sampleResidualStats(), { fontScale: 2 });
      const title = (option.title as { id: string; text: string }[]).find((each) => each.id === 'title')!;
      expect(title.text).toContain('gpt2, 8 windows of 6 tokens');
    }
  });
});
