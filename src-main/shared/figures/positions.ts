import type { EChartsOption, LineSeriesOption, ScatterSeriesOption } from 'echarts';
import type { SaeStats, StatsExport } from '../stats.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerLabel, layerPanelId, panelRanges, saesByLayer } from './layers.js';
import { extentOf, formatNumber, mergeExtents, niceExtent, robustZScores, type Extent } from './numbers.js';
import type { PanelRect } from './grid.js';
import { placeLabels, type Box } from './label-placement.js';
import { POSITION_PALETTE } from './palettes.js';
import { textWidth } from './text.js';
import { FIGURE_FONT_FAMILY, type FigureSettings } from './settings.js';
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

interface PanelScale {
  panel: number;
  rect: PanelRect;
  x: Extent;
  y: Extent;
}

function toPixels(scale: PanelScale, x: number, y: number): [number, number] {
  const { rect } = scale;
  return [rect.left + ((x - scale.x.min) / (scale.x.max - scale.x.min)) * rect.width, rect.top + rect.height - ((y - scale.y.min) / (scale.y.max - scale.y.min)) * rect.height];
}

function toData(scale: PanelScale, px: number, py: number): [number, number] {
  const { rect } = scale;
  return [scale.x.min + ((px - rect.left) / rect.width) * (scale.x.max - scale.x.min), scale.y.min + ((rect.top + rect.height - py) / rect.height) * (scale.y.max - scale.y.min)];
}

function meanStdPoints(sae: SaeStats, panel: number, settings: FigureSettings): ScatterSeriesOption {
  const colors = POSITION_PALETTE(sae.positions.n.length);
  const data = reachedPositions(sae).map((t) => ({ value: [sae.positions.act_mean[t], sae.positions.act_std[t], t], itemStyle: { color: colors[t] } }));
  const tooltip = { formatter: (params: unknown) => positionTooltip(sae, (params as { value: number[] }).value[2]) };
  return { type: 'scatter', name: layerLabel(sae.hook), xAxisIndex: panel, yAxisIndex: panel, data, symbolSize: settings.pointSize * 3, tooltip, z: 2 };
}

/** BOS first, then the strongest outliers, so crowding moves the lesser labels. */
function labelOrder(sae: SaeStats, settings: FigureSettings): number[] {
  const distance = (t: number) => Math.abs(sae.positions.act_mean[t]) + Math.abs(sae.positions.act_std[t]);
  return [...outlyingPositions(sae, settings.outlierThreshold)].sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : distance(b) - distance(a)));
}

/** Outlier labels placed clear of each other and of the points, with a leader line when one had to move away. */
function outlierLabels(sae: SaeStats, scale: PanelScale, settings: FigureSettings): (ScatterSeriesOption | LineSeriesOption)[] {
  const fontSize = 9 * settings.fontScale;
  const positions = labelOrder(sae, settings);
  const radius = (settings.pointSize * 3) / 2;
  const points = reachedPositions(sae).map((t) => toPixels(scale, sae.positions.act_mean[t], sae.positions.act_std[t]));
  const requests = positions.map((t) => {
    const [x, y] = toPixels(scale, sae.positions.act_mean[t], sae.positions.act_std[t]);
    const label = positionLabel(t);
    return { x, y, width: textWidth(label, fontSize) + 0.1 * fontSize * label.length, height: fontSize * 1.3 };
  });
  const bounds = { left: scale.rect.left, top: scale.rect.top, right: scale.rect.left + scale.rect.width, bottom: scale.rect.top + scale.rect.height };
  const placements = placeLabels(requests, points.map(([x, y]) => ({ x, y, radius: radius + 1 })), bounds, radius + 2);
  const label = { show: true, position: 'inside' as const, fontSize, color: '#1d2330', fontFamily: FIGURE_FONT_FAMILY };
  const data = placements.map((box, index) => ({ value: [...toData(scale, (box.left + box.right) / 2, (box.top + box.bottom) / 2), positions[index]], label: { ...label, formatter: positionLabel(positions[index]) } }));
  const labels: ScatterSeriesOption = { type: 'scatter', name: `${layerLabel(sae.hook)} labels`, xAxisIndex: scale.panel, yAxisIndex: scale.panel, data, symbolSize: 0, silent: true, z: 4 };
  const guides = placements.flatMap((box, index) => (box.moved ? [[sae.positions.act_mean[positions[index]], sae.positions.act_std[positions[index]]], toData(scale, ...nearestEdge(box, requests[index])), null] : []));
  if (guides.length === 0) return [labels];
  const line: LineSeriesOption = { type: 'line', name: `${layerLabel(sae.hook)} leaders`, xAxisIndex: scale.panel, yAxisIndex: scale.panel, data: guides as LineSeriesOption['data'], showSymbol: false, connectNulls: false, lineStyle: { color: '#80868f', width: 0.6 }, silent: true, z: 3 };
  return [line, labels];
}

/** Where a leader line meets its label: the point of the label's box nearest the labelled point. */
function nearestEdge(box: Box, point: { x: number; y: number }): [number, number] {
  return [Math.min(Math.max(point.x, box.left), box.right), Math.min(Math.max(point.y, box.top), box.bottom)];
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
  const rects = frame.grid as PanelRect[];
  const series = saes.flatMap((sae, panel) => {
    const [x, y] = [xs[panel], ys[panel]];
    const labels = x && y ? outlierLabels(sae, { panel, rect: rects[panel], x, y }, settings) : [];
    return [meanStdPoints(sae, panel, settings), ...labels];
  });
  return { ...frame, series };
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
