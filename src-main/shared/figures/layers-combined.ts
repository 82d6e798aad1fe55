import type { EChartsOption, LineSeriesOption, ScatterSeriesOption } from 'echarts';
import { log10Histogram, log10Range } from './density.js';
import type { SaeStats, StatsExport } from '../stats.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerLabel, saesByLayer } from './layers.js';
import { decadeExtent, extentOf, formatNumber, liveOrder, mergeExtents, type Extent } from './numbers.js';
import { rankAxisMax } from './quantiles.js';
import { LAYER_PALETTE } from './palettes.js';
import { largeScatter, packRanked, packTriples } from './scatter.js';
import type { FigureSettings } from './settings.js';
import { figureTitle } from './title.js';

function featureTooltip(sae: SaeStats, feature: number): string {
  const { mean, std, density } = sae.features;
  return `${layerLabel(sae.hook)} · feature ${feature}<br>mean: ${formatNumber(mean[feature])}<br>std: ${formatNumber(std[feature])}<br>density: ${formatNumber(density[feature])}`;
}

/** Dead features (count 0) have no mean or std to show and are left out of both panels. */
function meanStdSeries(sae: SaeStats, color: string, settings: FigureSettings): ScatterSeriesOption {
  const { mean, std, count } = sae.features;
  const data = packTriples(mean.length, (feature) => (count[feature] > 0 ? [mean[feature], std[feature]] : undefined));
  const formatter = (value: number[]) => featureTooltip(sae, value[2]);
  return largeScatter({ name: layerLabel(sae.hook), panel: 0, data, color, size: settings.pointSize, opacity: settings.layerOpacity, dimensions: ['mean', 'std', 'feature'], formatter, hook: sae.hook });
}

function rankedMeanSeries(sae: SaeStats, color: string, settings: FigureSettings): ScatterSeriesOption {
  const { mean, count } = sae.features;
  const order = liveOrder(mean, count);
  const data = packRanked(order, (feature) => mean[feature]);
  const formatter = (value: number[]) => featureTooltip(sae, value[2]);
  return largeScatter({ name: layerLabel(sae.hook), panel: 1, data, color, size: settings.pointSize, opacity: settings.layerOpacity, dimensions: ['rank', 'mean', 'feature'], formatter, hook: sae.hook });
}

/** One layer's histogram of log10 feature means as an outline over the bin edges, filled at the layer opacity. */
function meanHistogramSeries(sae: SaeStats, options: { color: string; range: Extent; settings: FigureSettings }): LineSeriesOption {
  const { edges, counts } = log10Histogram(sae.features.mean, options.range, options.settings.densityBins);
  const data = [[10 ** edges[0], 0], ...counts.flatMap((count, bin) => [[10 ** edges[bin], count], [10 ** edges[bin + 1], count]]), [10 ** edges[counts.length], 0]];
  const style = { color: options.color, opacity: options.settings.layerOpacity };
  return { type: 'line', name: layerLabel(sae.hook), xAxisIndex: 2, yAxisIndex: 2, data, showSymbol: false, lineStyle: { color: options.color, width: 1 }, itemStyle: { color: options.color }, areaStyle: style, silent: true };
}

export function buildLayersCombinedOption(stats: StatsExport, settings: FigureSettings): EChartsOption {
  const saes = saesByLayer(stats.saes);
  const colors = LAYER_PALETTE(saes.length);
  const meanRange = log10Range(saes, (sae) => sae.features.mean, { min: -3, max: 1 });
  const positiveMeans = decadeExtent(mergeExtents(saes.map((sae) => extentOf(sae.features.mean, (value) => value > 0))));
  const panels: PanelSpec[] = [
    { id: 'mean-std', xAxis: { type: 'value', name: 'Feature mean (active values)' }, yAxis: { type: 'value', name: 'Feature std' } },
    { id: 'mean-rank', xAxis: { type: 'value', name: 'Feature rank by mean', min: 0, max: rankAxisMax(saes) }, yAxis: { type: 'log', name: 'Feature mean', ...positiveMeans } },
    { id: 'mean-histogram', xAxis: { type: 'log', name: 'Feature mean (active values)', min: 10 ** meanRange.min, max: 10 ** meanRange.max }, yAxis: { type: 'value', name: 'Features', min: 0, minInterval: 1, hideMinLabel: true } },
  ];
  const legend = saes.map((sae, index) => ({ name: layerLabel(sae.hook), color: colors[index] }));
  const frame = smallMultiples({ title: figureTitle('All layers: feature mean and std', stats), panels, settings: { ...settings, shareAxes: false }, legend });
  const series = saes.flatMap((sae, index) => [
    meanStdSeries(sae, colors[index], settings),
    rankedMeanSeries(sae, colors[index], settings),
    meanHistogramSeries(sae, { color: colors[index], range: meanRange, settings }),
  ]);
  return { ...frame, series };
}
