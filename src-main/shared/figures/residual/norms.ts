import type { EChartsOption, HeatmapSeriesOption, LineSeriesOption, VisualMapComponentOption } from 'echarts';
import type { ResidualStats } from '../../residual.js';
import { smallMultiples, type PanelSpec } from '../frame.js';
import { decadeExtent, extentOf, formatNumber, mergeExtents } from '../numbers.js';
import { HEATMAP_PALETTE, LAYER_PALETTE } from '../palettes.js';
import { fontSizes, FIGURE_FONT_FAMILY, type FigureSettings } from '../settings.js';
import { pointAxisName, pointCategories, pointLabels, reachedPositions, residualTitle } from './points.js';

function normTooltip(stats: ResidualStats, point: number, position: number): string {
  const label = pointLabels(stats)[point];
  return `${label} · position ${position === 0 ? '0 (BOS)' : position}<br>norm: ${formatNumber(stats.norm_mean[point]![position]!)} ± ${formatNumber(stats.norm_std[point]![position]!)}`;
}

function normLine(stats: ResidualStats, point: number, options: { panel: number; first: number; color: string }): LineSeriesOption {
  const data = reachedPositions(stats, options.first).map((position) => [position, stats.norm_mean[point]![position]!, point]);
  const formatter = (params: unknown) => {
    const value = (params as { value: number[] }).value;
    return normTooltip(stats, value[2]!, value[0]!);
  };
  const style = { color: options.color };
  const name = pointLabels(stats)[point]!;
  return { type: 'line', name, xAxisIndex: options.panel, yAxisIndex: options.panel, data, showSymbol: false, itemStyle: style, lineStyle: { ...style, width: 1.2 }, tooltip: { trigger: 'item', formatter } };
}

function normExtent(stats: ResidualStats, first: number) {
  const positions = reachedPositions(stats, first);
  return decadeExtent(mergeExtents(stats.norm_mean.map((norms) => extentOf(positions.map((position) => norms[position]!), (value) => value > 0))));
}

/** ‖x‖ per position, one line per residual point (log y): with position 0, whose attention-sink norm dwarfs the rest, and without it. */
export function buildResidualNormOption(stats: ResidualStats, settings: FigureSettings): EChartsOption {
  const colors = LAYER_PALETTE(stats.layers.length);
  const context = stats.run.context;
  const panels: PanelSpec[] = [0, 1].map((first) => ({
    id: first === 0 ? 'all-positions' : 'without-bos',
    subtitle: first === 0 ? 'All positions' : 'Without position 0 (BOS)',
    xAxis: { type: 'value', name: 'Position', min: first, max: context - 1 },
    yAxis: { type: 'log', name: 'Mean residual norm', ...normExtent(stats, first) },
  }));
  const legend = pointLabels(stats).map((name, point) => ({ name, color: colors[point]! }));
  const frame = smallMultiples({ title: residualTitle('Residual norm per position', stats), panels, settings: { ...settings, shareAxes: false }, legend });
  const series = [0, 1].flatMap((first) => stats.layers.map((_, point) => normLine(stats, point, { panel: first, first, color: colors[point]! })));
  return { ...frame, series };
}

/** Log-scale colours, read off a bar under the title: the heatmap's values are log10 ‖x‖. */
function logColorBar(extent: { min: number; max: number }, settings: FigureSettings): VisualMapComponentOption {
  const fonts = fontSizes(settings);
  const textStyle = { fontSize: fonts.axisLabel, color: '#1d2330', fontFamily: FIGURE_FONT_FAMILY };
  const text = [`${formatNumber(10 ** extent.max)}`, `Mean norm (log scale): ${formatNumber(10 ** extent.min)}`];
  const size = { itemWidth: 12 * settings.fontScale, itemHeight: 240 * settings.fontScale };
  return { type: 'continuous', id: 'color-bar', min: extent.min, max: extent.max, orient: 'horizontal', left: 'center', top: 38 * settings.fontScale, ...size, text, textStyle, calculable: false, inRange: { color: HEATMAP_PALETTE(64) }, seriesIndex: 0 };
}

/** Residual point × position heatmap of the mean norm, on a log colour scale. */
export function buildResidualNormHeatmapOption(stats: ResidualStats, settings: FigureSettings): EChartsOption {
  const positions = reachedPositions(stats);
  const data = stats.norm_mean.flatMap((norms, point) => positions.map((position) => [position, point, Math.log10(norms[position]!)]));
  const extent = extentOf(data.map((cell) => cell[2]!)) ?? { min: 0, max: 1 };
  const panels: PanelSpec[] = [{
    id: 'norm-heatmap',
    xAxis: { type: 'category', name: 'Position', categories: Array.from({ length: stats.run.context }, (_, position) => String(position)) },
    yAxis: { type: 'category', name: pointAxisName(stats), categories: pointCategories(stats) },
  }];
  const frame = smallMultiples({ title: residualTitle('Mean residual norm by layer and position', stats), panels, settings: { ...settings, shareAxes: false }, legend: [] });
  const formatter = (params: unknown) => normTooltip(stats, (params as { value: number[] }).value[1]!, (params as { value: number[] }).value[0]!);
  const series: HeatmapSeriesOption = { type: 'heatmap', name: 'Mean norm', xAxisIndex: 0, yAxisIndex: 0, data, tooltip: { trigger: 'item', formatter } };
  return { ...frame, visualMap: logColorBar(extent, settings), series: [series] };
}
