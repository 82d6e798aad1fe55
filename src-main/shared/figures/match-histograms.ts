import type { BarSeriesOption, EChartsOption, ScatterSeriesOption } from 'echarts';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerLabel } from './layers.js';
import type { MatchSideData, PairFigureData } from './match-data.js';
import { formatNumber, roundOutward } from './numbers.js';
import { largeScatter, packTriples } from './scatter.js';
import type { FigureSettings } from './settings.js';

export const MATCH_COLOR = '#4c6a92';
export const THRESHOLD_COLOR = '#c44e52';
/** Cosine histograms use bins of this width, aligned on multiples of it. */
export const COSINE_BIN_WIDTH = 0.02;

export interface CosineHistogram {
  edges: number[];
  counts: number[];
}

/** Counts of cosines in COSINE_BIN_WIDTH bins from the lowest value's bin up to 1. */
export function cosineHistogram(values: ArrayLike<number>): CosineHistogram {
  let low = 1;
  for (let index = 0; index < values.length; index++) low = Math.min(low, values[index]!);
  const start = Math.floor(low / COSINE_BIN_WIDTH - 1e-9);
  const bins = Math.max(1, Math.ceil(1 / COSINE_BIN_WIDTH) - start);
  const counts = new Array<number>(bins).fill(0);
  for (let index = 0; index < values.length; index++) {
    const bin = Math.floor(values[index]! / COSINE_BIN_WIDTH) - start;
    counts[Math.min(Math.max(bin, 0), bins - 1)]!++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, edge) => Number(((start + edge) * COSINE_BIN_WIDTH).toFixed(6))), counts };
}

function sideLabel(from: MatchSideData, to: MatchSideData): string {
  return `${layerLabel(from.hook)} → ${layerLabel(to.hook)}`;
}

function histogramSeries(histogram: CosineHistogram, panel: number, thresholds: number[]): BarSeriesOption {
  const data = histogram.counts.map((count, bin) => [(histogram.edges[bin]! + histogram.edges[bin + 1]!) / 2, count, bin]);
  const formatter = (params: unknown) => {
    const [, count, bin] = (params as { value: number[] }).value;
    return `${count} features<br>cosine ${formatNumber(histogram.edges[bin!]!)} to ${formatNumber(histogram.edges[bin! + 1]!)}`;
  };
  const markLine = {
    symbol: 'none',
    silent: true,
    lineStyle: { color: THRESHOLD_COLOR, type: 'dashed' as const, width: 1.2 },
    label: { position: 'insideEndTop' as const, formatter: (params: unknown) => String((params as { value: number }).value), color: THRESHOLD_COLOR },
    data: thresholds.map((threshold) => ({ xAxis: threshold })),
  };
  return { type: 'bar', xAxisIndex: panel, yAxisIndex: panel, data, barWidth: '92%', itemStyle: { color: MATCH_COLOR }, tooltip: { formatter }, markLine };
}

function histogramOption(spec: { title: string; name: string; values: [MatchSideData, MatchSideData, ArrayLike<number>][]; data: PairFigureData; settings: FigureSettings }): EChartsOption {
  const histograms = spec.values.map(([, , values]) => cosineHistogram(values));
  const low = Math.min(...histograms.map((histogram) => histogram.edges[0]!));
  const yMax = Math.max(...histograms.flatMap((histogram) => histogram.counts));
  const panels: PanelSpec[] = spec.values.map(([from, to], index) => ({
    id: index === 0 ? 'a-to-b' : 'b-to-a',
    subtitle: sideLabel(from, to),
    xAxis: { type: 'value', name: spec.name, min: low, max: 1 },
    yAxis: { type: 'value', name: 'Features', min: 0, max: spec.settings.shareAxes ? roundOutward(yMax, 1) : undefined, minInterval: 1 },
  }));
  const footnote = `Dashed lines: thresholds ${spec.data.thresholds.join(', ')}. Bins of ${COSINE_BIN_WIDTH}.`;
  const frame = smallMultiples({ title: `${spec.title} · ${spec.data.label}`, panels, settings: spec.settings, footnote });
  return { ...frame, series: histograms.map((histogram, panel) => histogramSeries(histogram, panel, spec.data.thresholds)) };
}

/** Each feature's best cosine with the other SAE, both ways, thresholds marked. */
export function buildTop1HistogramOption(data: PairFigureData, settings: FigureSettings): EChartsOption {
  const values: [MatchSideData, MatchSideData, ArrayLike<number>][] = [[data.aToB, data.bToA, data.aToB.top1], [data.bToA, data.aToB, data.bToA.top1]];
  return histogramOption({ title: 'Top-1 cosine', name: 'Top-1 cosine', values, data, settings });
}

/** Every kept neighbour's cosine, both ways, thresholds marked. */
export function buildTopKHistogramOption(data: PairFigureData, settings: FigureSettings): EChartsOption {
  const values: [MatchSideData, MatchSideData, ArrayLike<number>][] = [[data.aToB, data.bToA, data.aToB.topK], [data.bToA, data.aToB, data.bToA.topK]];
  const k = Math.round(data.aToB.topK.length / Math.max(1, data.aToB.featureCount));
  return histogramOption({ title: `Top-${k} cosines`, name: `Cosine of the ${k} nearest`, values, data, settings });
}

/** Children per parent: how many of the larger SAE's features lie above the split threshold of each smaller-SAE feature. */
export function buildChildrenOption(data: PairFigureData, settings: FigureSettings): EChartsOption {
  let largest = 0;
  for (let index = 0; index < data.childCount.length; index++) largest = Math.max(largest, data.childCount[index]!);
  const counts = new Array<number>(largest + 1).fill(0);
  for (let index = 0; index < data.childCount.length; index++) counts[data.childCount[index]!]!++;
  const panel: PanelSpec = {
    id: 'children',
    xAxis: { type: 'category', name: `Children (cosine > ${data.splitThreshold})`, categories: counts.map((_, children) => String(children)) },
    yAxis: { type: 'value', name: 'Parents', min: 0, minInterval: 1 },
  };
  const frame = smallMultiples({ title: `Children per parent · ${data.label}`, panels: [panel], settings: { ...settings, shareAxes: false } });
  const series: BarSeriesOption = { type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: counts, barWidth: '70%', itemStyle: { color: MATCH_COLOR } };
  return { ...frame, series: [series] };
}

/** Top-1 cosine against log10 density, one panel per side whose SAE has a finished statistics run: do rare features match worse? */
export function buildTop1DensityOption(data: PairFigureData, settings: FigureSettings): EChartsOption {
  const sides = [[data.aToB, data.bToA], [data.bToA, data.aToB]].filter(([from]) => from!.density !== undefined) as [MatchSideData, MatchSideData][];
  const packed = sides.map(([from]) => packTriples(from.featureCount, (feature) => (from.density![feature]! > 0 ? [Math.log10(from.density![feature]!), from.top1[feature]!] : undefined)));
  const panels: PanelSpec[] = sides.map(([from, to], index) => ({
    id: index === 0 && from === data.aToB ? 'a-to-b' : 'b-to-a',
    subtitle: sideLabel(from, to),
    xAxis: { type: 'value', name: 'log10 feature density' },
    yAxis: { type: 'value', name: 'Top-1 cosine', max: 1 },
  }));
  const footnote = sides.length === 0 ? 'No finished statistics run on these SAEs: no densities to draw.' : 'Dead features (density 0) are left out.';
  const frame = smallMultiples({ title: `Top-1 cosine vs density · ${data.label}`, panels, settings, footnote });
  const series: ScatterSeriesOption[] = packed.map((points, panel) =>
    largeScatter({ name: panels[panel]!.subtitle!, panel, data: points, color: MATCH_COLOR, size: settings.pointSize * 2, opacity: 0.5, dimensions: ['log10 density', 'top-1 cosine', 'feature'], formatter: ([x, y, feature]) => `Feature ${feature}<br>log10 density ${formatNumber(x!)}<br>top-1 cosine ${formatNumber(y!)}` }),
  );
  return { ...frame, series };
}
