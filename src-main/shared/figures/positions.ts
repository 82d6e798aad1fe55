import type { EChartsOption, LineSeriesOption, ScatterSeriesOption } from 'echarts';
import type { SaeStats, StatsExport } from '../stats.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerLabel, layerPanelId, panelRanges, saesByLayer } from './layers.js';
import { extentOf, formatNumber, mergeExtents, niceExtent, robustZScores, type Extent } from './numbers.js';
import { POSITION_PALETTE } from './palettes.js';
import type { FigureSettings } from './settings.js';
import { figureTitle } from './title.js';

/** Positions some window reached, from `first` on (per-row runs can leave the tail empty). */
export function reachedPositions(sae: SaeStats, first = 0): number[] {
  const reached: number[] = [];
  for (let position = first; position < sae.positions.n.length; position++) {
    if (sae.positions.n[position] > 0) reached.push(position);
  }
  return reached;
}

/** BOS always, plus any position whose mean or std has a robust z-score above the threshold. */
export function outlyingPositions(sae: SaeStats, threshold: number): Set<number> {
  const positions = reachedPositions(sae, 1);
  const meanScores = robustZScores(positions.map((t) => sae.positions.act_mean[t]));
  const stdScores = robustZScores(positions.map((t) => sae.positions.act_std[t]));
  const outliers = new Set<number>(sae.positions.n[0] > 0 ? [0] : []);
  positions.forEach((t, index) => {
    if (Math.abs(meanScores[index]) > threshold || Math.abs(stdScores[index]) > threshold) outliers.add(t);
  });
  return outliers;
}

export function positionLabel(position: number): string {
  return position === 0 ? '0 (BOS)' : String(position);
}

function positionTooltip(sae: SaeStats, position: number): string {
  const { act_mean, act_std, l0 } = sae.positions;
  return `Position ${positionLabel(position)}<br>mean: ${formatNumber(act_mean[position])}<br>std: ${formatNumber(act_std[position])}<br>L0: ${formatNumber(l0[position])}`;
}

function meanStdSeries(sae: SaeStats, panel: number, settings: FigureSettings): ScatterSeriesOption {
  const colors = POSITION_PALETTE(sae.positions.n.length);
  const outliers = outlyingPositions(sae, settings.outlierThreshold);
  const data = reachedPositions(sae).map((t) => ({
    value: [sae.positions.act_mean[t], sae.positions.act_std[t], t],
    itemStyle: { color: colors[t] },
    label: outliers.has(t) ? { show: true, formatter: positionLabel(t), position: 'right' as const, fontSize: 9 * settings.fontScale, color: '#1d2330' } : undefined,
  }));
  const tooltip = { formatter: (params: unknown) => positionTooltip(sae, (params as { value: number[] }).value[2]) };
  return { type: 'scatter', name: layerLabel(sae.hook), xAxisIndex: panel, yAxisIndex: panel, data, symbolSize: settings.pointSize * 3, tooltip, labelLayout: { hideOverlap: true } };
}

function paddedExtent(extent: Extent | undefined): (Extent & { interval: number }) | undefined {
  if (!extent) return undefined;
  const pad = (extent.max - extent.min) * 0.04 || Math.abs(extent.max) * 0.04 || 1;
  // Active activations are positive: padding must not push the axis below zero.
  const min = extent.min >= 0 ? Math.max(0, extent.min - pad) : extent.min - pad;
  return niceExtent({ min, max: extent.max + pad });
}

function statExtent(saes: SaeStats[], pick: (sae: SaeStats) => ArrayLike<number>, first = 0) {
  return paddedExtent(mergeExtents(saes.map((sae) => extentOf(reachedPositions(sae, first).map((t) => pick(sae)[t])))));
}

export function buildPositionMeanStdOption(stats: StatsExport, settings: FigureSettings): EChartsOption {
  const saes = saesByLayer(stats.saes);
  const xs = panelRanges(saes, settings.shareAxes, (scope) => statExtent(scope, (each) => each.positions.act_mean));
  const ys = panelRanges(saes, settings.shareAxes, (scope) => statExtent(scope, (each) => each.positions.act_std));
  const panels: PanelSpec[] = saes.map((sae, index) => ({ id: layerPanelId(sae.hook), subtitle: layerLabel(sae.hook), xAxis: { type: 'value', name: 'Mean active activation', ...xs[index] }, yAxis: { type: 'value', name: 'Std of active activations', ...ys[index] } }));
  const footnote = `Colour: position (flare). Labelled: BOS and positions whose mean or std has robust z-score |0.6745·(x − median)/MAD| > ${settings.outlierThreshold}.`;
  const frame = smallMultiples({ title: figureTitle('Position mean vs std', stats), panels, settings, footnote });
  return { ...frame, series: saes.map((sae, panel) => meanStdSeries(sae, panel, settings)) };
}

/** The grey line goes above the markers (z 3 over 2), thin, so both the trend and every position's colour read. */
function meanLineSeries(sae: SaeStats, panel: number, first: number, settings: FigureSettings): (LineSeriesOption | ScatterSeriesOption)[] {
  const colors = POSITION_PALETTE(sae.positions.n.length);
  const positions = reachedPositions(sae, first);
  const line: LineSeriesOption = { type: 'line', name: `${layerLabel(sae.hook)} line`, xAxisIndex: panel, yAxisIndex: panel, data: positions.map((t) => [t, sae.positions.act_mean[t]]), showSymbol: false, lineStyle: { color: '#80868f', width: 0.8 }, silent: true, z: 3 };
  const points = positions.map((t) => ({ value: [t, sae.positions.act_mean[t], t], itemStyle: { color: colors[t] } }));
  const tooltip = { formatter: (params: unknown) => positionTooltip(sae, (params as { value: number[] }).value[2]) };
  const scatter: ScatterSeriesOption = { type: 'scatter', name: layerLabel(sae.hook), xAxisIndex: panel, yAxisIndex: panel, data: points, symbolSize: settings.pointSize * 3.5, tooltip, z: 2 };
  return [line, scatter];
}

/** Mean active activation per position, from `first` on: 0 keeps BOS, 1 drops it so the rest is readable. */
export function buildPositionMeanOption(stats: StatsExport, settings: FigureSettings, first: 0 | 1): EChartsOption {
  const saes = saesByLayer(stats.saes);
  const xMax = Math.max(...saes.map((sae) => sae.positions.n.length - 1));
  const ys = panelRanges(saes, settings.shareAxes, (scope) => statExtent(scope, (each) => each.positions.act_mean, first));
  const panels: PanelSpec[] = saes.map((sae, index) => ({ id: layerPanelId(sae.hook), subtitle: layerLabel(sae.hook), xAxis: { type: 'value', name: 'Position', min: first, max: xMax }, yAxis: { type: 'value', name: 'Mean active activation', ...ys[index] } }));
  const name = first === 0 ? 'Mean activation per position' : 'Mean activation per position, without BOS';
  const frame = smallMultiples({ title: figureTitle(name, stats), panels, settings });
  return { ...frame, series: saes.flatMap((sae, panel) => meanLineSeries(sae, panel, first, settings)) };
}
