import type { EChartsOption, ScatterSeriesOption } from 'echarts';
import type { SaeStats, StatsExport } from '../stats.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerLabel, saesByLayer } from './layers.js';
import { decadeExtent, extentOf, formatNumber, liveOrder, mergeExtents } from './numbers.js';
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
  return largeScatter({ name: layerLabel(sae.hook), panel: 0, data, color, size: settings.pointSize, opacity: settings.layerOpacity, dimensions: ['mean', 'std', 'feature'], formatter });
}

function rankedMeanSeries(sae: SaeStats, color: string, settings: FigureSettings): ScatterSeriesOption {
  const { mean, count } = sae.features;
  const order = liveOrder(mean, count);
  const data = packRanked(order, (feature) => mean[feature]);
  const formatter = (value: number[]) => featureTooltip(sae, value[2]);
  return largeScatter({ name: layerLabel(sae.hook), panel: 1, data, color, size: settings.pointSize, opacity: settings.layerOpacity, dimensions: ['rank', 'mean', 'feature'], formatter });
}

export function buildLayersCombinedOption(stats: StatsExport, settings: FigureSettings): EChartsOption {
  const saes = saesByLayer(stats.saes);
  const colors = LAYER_PALETTE(saes.length);
  const positiveMeans = decadeExtent(mergeExtents(saes.map((sae) => extentOf(sae.features.mean, (value) => value > 0))));
  const panels: PanelSpec[] = [
    { id: 'mean-std', xAxis: { type: 'value', name: 'Feature mean (active values)' }, yAxis: { type: 'value', name: 'Feature std' } },
    { id: 'mean-rank', xAxis: { type: 'value', name: 'Feature rank by mean', min: 0, max: rankAxisMax(saes) }, yAxis: { type: 'log', name: 'Feature mean', ...positiveMeans } },
  ];
  const legend = saes.map((sae, index) => ({ name: layerLabel(sae.hook), color: colors[index] }));
  const frame = smallMultiples({ title: figureTitle('All layers: feature mean and std', stats), panels, settings: { ...settings, shareAxes: false }, legend });
  const series = saes.flatMap((sae, index) => [meanStdSeries(sae, colors[index], settings), rankedMeanSeries(sae, colors[index], settings)]);
  return { ...frame, series };
}
