import type { BarSeriesOption, EChartsOption } from 'echarts';
import type { SaeStats, Series, StatsExport } from '../stats.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerLabel, layerPanelId, panelRanges, saesByLayer } from './layers.js';
import { extentOf, formatCount, formatNumber, mergeExtents, roundOutward, type Extent } from './numbers.js';
import type { FigureSettings } from './settings.js';
import { figureTitle } from './title.js';

export const DENSITY_COLOR = '#4c6a92';

export interface Histogram {
  edges: number[];
  counts: number[];
  dead: number;
}

/** Counts of log10 of the positive values in equal bins over the range; zeros (dead features) are counted apart. */
export function log10Histogram(values: Series, range: Extent, bins: number): Histogram {
  const width = (range.max - range.min) / bins;
  const counts = new Array<number>(bins).fill(0);
  let dead = 0;
  for (let feature = 0; feature < values.length; feature++) {
    const value = values[feature];
    if (!(value > 0)) {
      dead++;
      continue;
    }
    const bin = Math.floor((Math.log10(value) - range.min) / width);
    counts[Math.min(Math.max(bin, 0), bins - 1)]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, index) => range.min + index * width), counts, dead };
}

export function densityHistogram(sae: SaeStats, range: Extent, bins: number): Histogram {
  return log10Histogram(sae.features.density, range, bins);
}

/** Whole decades of log10 around the positive values, at least one wide. */
export function log10Range(saes: SaeStats[], pick: (sae: SaeStats) => Series, fallback: Extent): Extent {
  const extent = mergeExtents(saes.map((sae) => extentOf(pick(sae), (value) => value > 0)));
  if (!extent) return fallback;
  const min = Math.floor(Math.log10(extent.min));
  return { min, max: Math.max(Math.ceil(Math.log10(extent.max)), min + 1) };
}

function log10DensityRange(saes: SaeStats[]): Extent {
  return log10Range(saes, (sae) => sae.features.density, { min: -6, max: 0 });
}

function histogramSeries(sae: SaeStats, histogram: Histogram, panel: number): BarSeriesOption {
  const tokens = sae.summary.tokens;
  const data = histogram.counts.map((count, bin) => [(histogram.edges[bin] + histogram.edges[bin + 1]) / 2, count, bin]);
  const formatter = (params: unknown) => {
    const [, count, bin] = (params as { value: number[] }).value;
    const [low, high] = [histogram.edges[bin], histogram.edges[bin + 1]];
    return `${count} features<br>log10 density ${formatNumber(low)} to ${formatNumber(high)}<br>active count ${formatNumber(10 ** low * tokens)} to ${formatNumber(10 ** high * tokens)}`;
  };
  return { type: 'bar', name: layerLabel(sae.hook), xAxisIndex: panel, yAxisIndex: panel, data, barWidth: '92%', barGap: '-100%', itemStyle: { color: DENSITY_COLOR }, tooltip: { formatter } };
}

function countAxis(range: Extent, tokens: number) {
  const shift = tokens > 0 ? Math.log10(tokens) : 0;
  return { type: 'value' as const, name: 'log10 active count', min: Number((range.min + shift).toFixed(3)), max: Number((range.max + shift).toFixed(3)) };
}

export function buildDensityOption(stats: StatsExport, settings: FigureSettings): EChartsOption {
  const saes = saesByLayer(stats.saes);
  const ranges = panelRanges(saes, settings.shareAxes, log10DensityRange);
  const histograms = saes.map((sae, index) => densityHistogram(sae, ranges[index], settings.densityBins));
  const yMax = Math.max(...histograms.map((histogram) => Math.max(...histogram.counts)));
  const panels: PanelSpec[] = saes.map((sae, index) => {
    const range = ranges[index];
    const xAxis = { type: 'value' as const, name: 'log10 feature density', ...range };
    const yAxis = { type: 'value' as const, name: 'Features', min: 0, max: settings.shareAxes ? roundOutward(yMax, 1) : undefined };
    return { id: layerPanelId(sae.hook), subtitle: layerLabel(sae.hook), xAxis, yAxis, topAxis: countAxis(range, sae.summary.tokens), note: `Dead: ${formatCount(histograms[index].dead)}` };
  });
  const footnote = `Top axis: log10 active count (density × ${formatCount(saes[0]?.summary.tokens ?? 0)} tokens). Dead features (never active) are counted in each panel, not binned.`;
  const frame = smallMultiples({ title: figureTitle('Feature density and active count', stats), panels, settings, footnote });
  return { ...frame, series: saes.map((sae, panel) => histogramSeries(sae, histograms[panel], panel)) };
}

function countSeries(sae: SaeStats, histogram: Histogram, panel: number): BarSeriesOption {
  const data = histogram.counts.map((count, bin) => [(histogram.edges[bin] + histogram.edges[bin + 1]) / 2, count, bin]);
  const formatter = (params: unknown) => {
    const [, count, bin] = (params as { value: number[] }).value;
    return `${count} features<br>active on ${formatNumber(10 ** histogram.edges[bin])} to ${formatNumber(10 ** histogram.edges[bin + 1])} tokens`;
  };
  return { type: 'bar', name: layerLabel(sae.hook), xAxisIndex: panel, yAxisIndex: panel, data, barWidth: '92%', barGap: '-100%', itemStyle: { color: DENSITY_COLOR }, tooltip: { formatter } };
}

/** How many tokens each feature fired on, as its own histogram (the density figure's top axis only hints at it). */
export function buildCountOption(stats: StatsExport, settings: FigureSettings): EChartsOption {
  const saes = saesByLayer(stats.saes);
  const ranges = panelRanges(saes, settings.shareAxes, (scope) => log10Range(scope, (sae) => sae.features.count, { min: 0, max: 1 }));
  const histograms = saes.map((sae, index) => log10Histogram(sae.features.count, ranges[index], settings.densityBins));
  const yMax = Math.max(...histograms.map((histogram) => Math.max(...histogram.counts)));
  const panels: PanelSpec[] = saes.map((sae, index) => {
    const xAxis = { type: 'value' as const, name: 'log10 active count', ...ranges[index] };
    const yAxis = { type: 'value' as const, name: 'Features', min: 0, max: settings.shareAxes ? roundOutward(yMax, 1) : undefined };
    return { id: layerPanelId(sae.hook), subtitle: layerLabel(sae.hook), xAxis, yAxis, note: `Dead: ${formatCount(histograms[index].dead)}` };
  });
  const footnote = `Active count: tokens on which a feature fired, of ${formatCount(saes[0]?.summary.tokens ?? 0)}. Dead features (never active) are counted in each panel, not binned.`;
  const frame = smallMultiples({ title: figureTitle('Feature active count', stats), panels, settings, footnote });
  return { ...frame, series: saes.map((sae, panel) => countSeries(sae, histograms[panel], panel)) };
}
