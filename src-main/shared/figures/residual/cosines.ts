import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { ResidualStats, Series } from '../../residual.js';
import { smallMultiples, type PanelSpec } from '../frame.js';
import { formatNumber } from '../numbers.js';
import { POSITION_PALETTE } from '../palettes.js';
import type { FigureSettings } from '../settings.js';
import { meanOver, pointAxisName, pointCategories, pointLabels, reachedPositions, residualTitle } from './points.js';

/** BOS and the later positions, in flare's order: position 0 first. */
export function positionGroupColors(): { bos: string; rest: string } {
  const [bos, rest] = POSITION_PALETTE(2);
  return { bos: bos!, rest: rest! };
}

interface CosineLine {
  name: string;
  panel: number;
  categories: string[];
  values: number[];
  color: string;
}

function cosineLine(line: CosineLine, settings: FigureSettings): LineSeriesOption {
  const formatter = (params: unknown) => {
    const { dataIndex, value } = params as { dataIndex: number; value: number };
    return `${line.categories[dataIndex]} · ${line.name}<br>mean cosine: ${formatNumber(value)}`;
  };
  const style = { color: line.color };
  return { type: 'line', name: line.name, xAxisIndex: line.panel, yAxisIndex: line.panel, data: line.values, symbol: 'circle', symbolSize: settings.pointSize * 3.5, itemStyle: style, lineStyle: { ...style, width: 1.5 }, tooltip: { trigger: 'item', formatter } };
}

/** Per row: the plain mean over positions ≥ 1 of each position's mean over windows, and the value at BOS. */
function positionMeans(rows: Series[], later: number[]): { later: number[]; bos: number[] } {
  return { later: rows.map((row) => meanOver(row, later)), bos: rows.map((row) => row[0]!) };
}

/** How much each block turns the stream, cos(x_L, x_L+1), and how alike neighbouring positions are, cos(x_L[t], x_L[t−1]). */
export function buildResidualCosineOption(stats: ResidualStats, settings: FigureSettings): EChartsOption {
  const labels = pointLabels(stats);
  const points = pointCategories(stats);
  const turns = points.slice(0, -1).map((point, index) => `${point}→${index + 1}`);
  const turnLabels = labels.slice(0, -1).map((label, index) => `${label} → ${labels[index + 1]}`);
  const later = reachedPositions(stats, 1);
  const next = positionMeans(stats.cos_next, later);
  const previous = positionMeans(stats.cos_prev_position, later);
  const colors = positionGroupColors();
  const panels: PanelSpec[] = [
    { id: 'cos-next', subtitle: 'Each block’s turn: cos(x_L, x_L+1)', xAxis: { type: 'category', name: 'Residual points L→L+1', categories: turns }, yAxis: { type: 'value', name: 'Mean cosine', max: 1 } },
    { id: 'cos-prev-position', subtitle: 'Neighbouring positions: cos(x[t], x[t−1])', xAxis: { type: 'category', name: pointAxisName(stats), categories: points }, yAxis: { type: 'value', name: 'Mean cosine', max: 1 } },
  ];
  const legend = [{ name: 'Positions ≥ 1', color: colors.rest }, { name: 'Position 0 (BOS)', color: colors.bos }];
  const frame = smallMultiples({ title: residualTitle('Residual cosines', stats), panels, settings: { ...settings, shareAxes: false }, legend });
  const series = [
    cosineLine({ name: 'Positions ≥ 1', panel: 0, categories: turnLabels, values: next.later, color: colors.rest }, settings),
    cosineLine({ name: 'Position 0 (BOS)', panel: 0, categories: turnLabels, values: next.bos, color: colors.bos }, settings),
    cosineLine({ name: 'Positions ≥ 1', panel: 1, categories: labels, values: previous.later, color: colors.rest }, settings),
  ];
  return { ...frame, series };
}
