import type { EChartsOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import { FIGURE_FAMILIES, findFamily } from '../../../src-main/shared/figures/families.js';
import { gridShape } from '../../../src-main/shared/figures/grid.js';
import { LAYER_PALETTE, POSITION_PALETTE, QUANTILE_PALETTE } from '../../../src-main/shared/figures/palettes.js';
import { DEFAULT_FIGURE_SETTINGS, type FigureSettings } from '../../../src-main/shared/figures/settings.js';
import type { StatsExport } from '../../../src-main/shared/stats.js';
import { syntheticStats } from '../../helpers/synthetic-stats.js';

const stats = syntheticStats({ layers: 12, features: 512, context: 48, seed: 11, ce: true });

type Titles = { id?: string; text?: string }[];
type Grids = { left: number; top: number; width: number; height: number }[];
type AnySeries = { type: string; name?: string; xAxisIndex?: number; data: unknown; itemStyle?: { color?: string } }[];

function build(id: string, settings: Partial<FigureSettings> = {}, from: StatsExport = stats): EChartsOption {
  const family = findFamily(id);
  if (!family) throw new Error(`no family ${id}`);
  return family.builder(from, { ...DEFAULT_FIGURE_SETTINGS, ...settings });
}

function triples(data: unknown): number[][] {
  const flat = data as Float64Array;
  const rows: number[][] = [];
  for (let offset = 0; offset < flat.length; offset += 3) rows.push([flat[offset], flat[offset + 1], flat[offset + 2]]);
  return rows;
}

function distinct(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

const LAYER_FAMILIES = ['quantiles', 'position-mean-std', 'position-mean', 'position-mean-no-bos', 'density'];

describe('grid shape', () => {
  it('puts 12 panels in 3 rows of 4 and keeps grids near square', () => {
    expect(gridShape(12)).toEqual({ rows: 3, columns: 4 });
    expect(gridShape(2)).toEqual({ rows: 1, columns: 2 });
    expect(gridShape(6)).toEqual({ rows: 2, columns: 3 });
    expect(gridShape(1)).toEqual({ rows: 1, columns: 1 });
  });
});

describe.each(LAYER_FAMILIES)('%s', (id) => {
  const option = build(id);
  const grids = option.grid as Grids;

  it('draws one panel per layer in a 3 × 4 grid', () => {
    expect(grids).toHaveLength(12);
    expect(distinct(grids.map((grid) => grid.top))).toHaveLength(3);
    expect(distinct(grids.map((grid) => grid.left))).toHaveLength(4);
  });

  it('has one main title and subtitles that say only the layer', () => {
    const titles = option.title as Titles;
    expect(titles.filter((title) => title.id === 'title')).toHaveLength(1);
    expect(titles.filter((title) => title.id !== 'title').map((title) => title.text)).toEqual(Array.from({ length: 12 }, (_, layer) => `Layer ${layer}`));
  });

  it('shares the axes across layers when asked, and not otherwise', () => {
    const ranges = (settings: Partial<FigureSettings>) => (build(id, settings).yAxis as { max?: number }[]).map((axis) => axis.max);
    expect(new Set(ranges({ shareAxes: true })).size).toBe(1);
    expect(ranges({ shareAxes: true })[0]).toBeDefined();
    const labelled = (settings: Partial<FigureSettings>) => (build(id, settings).yAxis as { axisLabel: { show: boolean } }[]).filter((axis) => axis.axisLabel.show).length;
    expect(labelled({ shareAxes: true })).toBe(3);
    expect(labelled({ shareAxes: false })).toBe(12);
  });
});

describe('quantiles per feature', () => {
  const option = build('quantiles');
  const series = option.series as AnySeries;

  it('colours each quantile level with mako, one colour per level', () => {
    const palette = QUANTILE_PALETTE(7);
    const firstPanel = series.filter((each) => each.xAxisIndex === 0);
    expect(firstPanel.map((each) => each.name)).toEqual(['10%', '25%', '50%', '75%', '90%', '95%', '99%']);
    expect(firstPanel.map((each) => each.itemStyle?.color)).toEqual(palette);
  });

  it('orders features by median and keeps each feature index for the tooltip', () => {
    const sae = stats.saes[3];
    const medians = triples(series.find((each) => each.xAxisIndex === 3 && each.name === '50%')?.data);
    expect(medians.length).toBeGreaterThan(100);
    for (let row = 1; row < medians.length; row++) {
      expect(medians[row][0]).toBeGreaterThan(medians[row - 1][0]);
      expect(medians[row][1]).toBeGreaterThanOrEqual(medians[row - 1][1]);
    }
    for (const [, value, feature] of medians) expect(value).toBe(sae.features.quantiles.values[2][feature]);
  });

  it('uses a log y axis and leaves dead features out', () => {
    expect((option.yAxis as { type: string }[]).every((axis) => axis.type === 'log')).toBe(true);
    const dead = Array.from(stats.saes[0].features.count).filter((count) => count === 0).length;
    expect(dead).toBeGreaterThan(0);
    expect(triples(series[0].data)).toHaveLength(512 - dead);
  });

  it('draws in large mode so 24,576 features per layer stay interactive', () => {
    expect(series.every((each) => (each as { large?: boolean }).large === true)).toBe(true);
    expect(option.dataZoom).toBeDefined();
  });
});

describe('position mean vs std', () => {
  const option = build('position-mean-std');
  type Item = { value: number[]; label?: { show: boolean; formatter: string }; itemStyle: { color: string } };
  const all = option.series as { name: string; data: Item[] }[];
  const points = all.filter((each) => /^Layer \d+$/.test(each.name));
  const labels = all.filter((each) => each.name.endsWith(' labels'));

  it('annotates BOS and the planted outlier, and no ordinary position', () => {
    expect(labels).toHaveLength(12);
    for (const each of labels) {
      const labelled = each.data.filter((item) => item.label?.show).map((item) => item.value[2]);
      expect(labelled).toContain(0);
      expect(labelled).toContain(17);
      expect(labelled.length).toBeLessThanOrEqual(4);
    }
    expect(labels[0].data[0].label?.formatter).toBe('0 (BOS)');
  });

  it('states the outlier rule with its threshold in a note', () => {
    const notes = option.graphic as { id: string; style: { text: string } }[];
    expect(notes.find((note) => note.id === 'footnote')?.style.text.replace(/\n/g, ' ')).toContain('MAD| > 3.5');
    const strict = (build('position-mean-std', { outlierThreshold: 1e9 }).series as typeof all).filter((each) => each.name.endsWith(' labels'));
    expect(strict[0].data.map((item) => item.value[2])).toEqual([0]);
  });

  it('colours positions with flare, first and last distinct', () => {
    const colors = points[0].data.map((item) => item.itemStyle.color);
    expect(colors[0]).not.toBe(colors[colors.length - 1]);
    expect(colors).toEqual(POSITION_PALETTE(48));
  });
});

describe('mean activation per position', () => {
  it('starts at BOS in one figure and at position 1 in the other', () => {
    const first = (id: string) => ((build(id).series as AnySeries)[1].data as { value: number[] }[])[0].value[0];
    expect(first('position-mean')).toBe(0);
    expect(first('position-mean-no-bos')).toBe(1);
  });

  it('draws a thin grey line above large points, so the line shows where they crowd', () => {
    const [line, points] = build('position-mean').series as { type: string; lineStyle?: { width: number; color: string }; symbolSize?: number; z?: number }[];
    expect(line.type).toBe('line');
    expect(line.lineStyle?.width).toBeLessThan(1.5);
    expect(points.type).toBe('scatter');
    expect(points.symbolSize).toBeGreaterThanOrEqual(6);
    expect(line.z).toBeGreaterThan(points.z ?? 0);
  });
});

describe('density and count', () => {
  const option = build('density', { densityBins: 40 });

  it('states the dead-feature count of each layer in its panel', () => {
    const notes = (option.graphic as { id: string; style: { text: string } }[]).filter((note) => note.id.endsWith('-note'));
    expect(notes).toHaveLength(12);
    stats.saes.forEach((sae, layer) => {
      const dead = Array.from(sae.features.count).filter((count) => count === 0).length;
      expect(notes[layer].style.text).toBe(`Dead: ${dead}`);
    });
  });

  it('gives the token count in full in the footnote, never rounded', () => {
    const counted = { ...stats, saes: stats.saes.map((sae) => ({ ...sae, summary: { ...sae.summary, tokens: 12_192 } })) };
    const footnote = (build('density', {}, counted).graphic as { id: string; style: { text: string } }[]).find((item) => item.id === 'footnote');
    expect(footnote?.style.text).toContain('density × 12,192 tokens');
  });

  it('bins every live feature once, in the requested number of bins', () => {
    const series = option.series as { data: number[][] }[];
    expect(series[0].data).toHaveLength(40);
    const live = Array.from(stats.saes[0].features.count).filter((count) => count > 0).length;
    expect(series[0].data.reduce((sum, bin) => sum + bin[1], 0)).toBe(live);
  });
});

describe('active count', () => {
  const option = build('count', { densityBins: 30 });

  it('is its own histogram of log10 active count per layer, binning every live feature once', () => {
    const series = option.series as { type: string; data: number[][] }[];
    expect(series).toHaveLength(12);
    expect(series[0].type).toBe('bar');
    expect(series[0].data).toHaveLength(30);
    stats.saes.forEach((sae, layer) => {
      const live = Array.from(sae.features.count).filter((count) => count > 0).length;
      expect(series[layer].data.reduce((sum, bin) => sum + bin[1], 0)).toBe(live);
    });
    expect((option.xAxis as { name: string }[]).at(-1)?.name).toBe('log10 active count');
  });

  it('puts the largest count in the last bin and the smallest in the first', () => {
    const counts = Array.from(stats.saes[0].features.count).filter((count) => count > 0);
    const axis = (option.xAxis as { min: number; max: number }[])[0];
    expect(axis.min).toBeLessThanOrEqual(Math.log10(Math.min(...counts)));
    expect(axis.max).toBeGreaterThanOrEqual(Math.log10(Math.max(...counts)));
  });
});

describe('all layers', () => {
  const option = build('layers-combined', { densityBins: 20, layerOpacity: 0.3 });

  it('overlays a histogram of feature means per layer on a log x axis, in viridis with the layer opacity', () => {
    const axis = (option.xAxis as { id: string; type: string; min: number; max: number }[]).find((each) => each.id === 'mean-histogram-x');
    expect(axis?.type).toBe('log');
    const histograms = (option.series as { type: string; xAxisIndex: number; areaStyle?: { color: string; opacity: number }; data: number[][] }[]).filter((each) => each.xAxisIndex === 2);
    expect(histograms.map((each) => each.type)).toEqual(new Array(12).fill('line'));
    expect(histograms.map((each) => each.areaStyle?.color)).toEqual(LAYER_PALETTE(12));
    expect(histograms.every((each) => each.areaStyle?.opacity === 0.3)).toBe(true);
    stats.saes.forEach((sae, layer) => {
      const positive = Array.from(sae.features.mean).filter((mean) => mean > 0);
      // Each bin is two points of the outline at its height.
      const heights = histograms[layer].data.slice(1, -1).filter((_, index) => index % 2 === 0).map((point) => point[1]);
      expect(heights.reduce((sum, height) => sum + height, 0)).toBe(positive.length);
      for (const mean of positive) expect(mean >= axis!.min && mean <= axis!.max).toBe(true);
    });
  });
});

describe('layer summary', () => {
  it('draws L0, dead, dense, explained variance, MSE and CE recovered across layers', () => {
    const series = build('layer-summary').series as { name: string; data: number[] }[];
    expect(series.map((each) => each.name)).toEqual(['L0 (active features)', 'Dead features', 'Dense features (density > 0.1)', 'Explained variance', 'MSE', 'CE recovered']);
    expect(series[3].data).toEqual(stats.saes.map((sae) => sae.summary.explained_variance));
  });

  it('leaves CE recovered out when the run had no LM losses', () => {
    const names = (build('layer-summary', {}, syntheticStats({ layers: 3, features: 64, ce: false })).series as { name: string }[]).map((each) => each.name);
    expect(names).not.toContain('CE recovered');
  });
});

describe('layer palette', () => {
  const layerColors = new Set(LAYER_PALETTE(12));

  function colorsIn(option: EChartsOption): string[] {
    return JSON.stringify({ ...option, series: (option.series as AnySeries).map((each) => ({ ...each, data: undefined })) }).match(/#[0-9a-f]{6}/g) ?? [];
  }

  it('colours the all-layers figure one viridis colour per layer', () => {
    const series = build('layers-combined').series as AnySeries;
    const byLayer = new Map(series.map((each) => [each.name, each.itemStyle?.color]));
    expect([...byLayer.values()]).toEqual(LAYER_PALETTE(12));
  });

  it('is used by no other figure', () => {
    for (const family of FIGURE_FAMILIES.filter((each) => each.id !== 'layers-combined')) {
      expect(colorsIn(family.builder(stats, DEFAULT_FIGURE_SETTINGS)).filter((color) => layerColors.has(color))).toEqual([]);
    }
  });
});

describe('font scale', () => {
  it('scales the title and axis fonts', () => {
    const size = (option: EChartsOption) => ((option.title as { textStyle: { fontSize: number } }[])[0].textStyle.fontSize);
    expect(size(build('density', { fontScale: 2 }))).toBe(2 * size(build('density')));
  });
});

describe('tooltips', () => {
  type Formatter = (params: unknown) => string;

  it('name the feature and its quantiles on hover', () => {
    const series = build('quantiles').series as { xAxisIndex: number; name: string; data: Float64Array; tooltip: { formatter: Formatter } }[];
    const median = series.find((each) => each.xAxisIndex === 5 && each.name === '50%')!;
    const [rank, value, feature] = triples(median.data)[10];
    const text = median.tooltip.formatter({ value: [rank, value, feature] });
    const sae = stats.saes[5];
    expect(text).toContain(`Feature ${feature}`);
    expect(text).toContain(`count: ${sae.features.count[feature]}`);
    expect(text).toContain(`50%: ${Number(sae.features.quantiles.values[2][feature].toPrecision(4))}`);
  });

  it('name the position and its statistics on hover', () => {
    const series = (build('position-mean-std').series as { name: string; data: { value: number[] }[]; tooltip: { formatter: Formatter } }[]).find((each) => each.name === 'Layer 2')!;
    const text = series.tooltip.formatter({ value: series.data[0].value });
    expect(text).toContain('Position 0 (BOS)');
    expect(text).toContain(`mean: ${Number(stats.saes[2].positions.act_mean[0].toPrecision(4))}`);
  });
});
