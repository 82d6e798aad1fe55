import type { BarSeriesOption, EChartsOption } from 'echarts';
import type { SaeStats, StatsExport } from '../stats.js';
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

/** Counts of log10 density in equal bins over the range; dead features (density 0) are counted apart. */
export function densityHistogram(sae: SaeStats, range: Extent, bins: number): Histogram {
  const width = (range.max - range.min) / bins;
  const counts = new Array<number>(bins).fill(0);
  let dead = 0;
  const densities = sae.features.density;
  for (let feature = 0; feature < densities.length; feature++) {
    const density = densities[feature];
    if (density <= 0) {
      dead++;
      continue;
    }
    const bin = Math.floor((Math.log10(density) - range.min) / width);
    counts[Math.min(Math.max(bin, 0), bins - 1)]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, index) => range.min + index * width), counts, dead };
}

function log10DensityRange(saes: SaeStats[]): Extent {
  const extent = mergeExtents(saes.map((sae) => extentOf(sae.features.density, (value) => value > 0)));
  if (!extent) return { min: -6, max: 0 };
  return { min: Math.floor(Math.log10(extent.min)), max: Math.max(Math.ceil(Math.log10(extent.max)), Math.floor(Math.log10(extent.min)) + 1) };
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
