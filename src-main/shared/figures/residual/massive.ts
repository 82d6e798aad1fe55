import type { BarSeriesOption, EChartsOption } from 'echarts';
import type { ResidualStats } from '../../residual.js';
import { smallMultiples, type PanelSpec } from '../frame.js';
import { decadeExtent, extentOf, formatNumber, mergeExtents } from '../numbers.js';
import type { FigureSettings } from '../settings.js';
import { positionGroupColors } from './cosines.js';
import { pointLabels, residualTitle } from './points.js';

/** A point's massive dims: its top dims by mean |x| over positions ≥ 1, then BOS's top dims not already named. */
function massiveCategories(stats: ResidualStats, point: number): number[] {
  const { dims, bos_dims } = stats.massive[point]!;
  return [...dims, ...bos_dims.filter((dim) => !dims.includes(dim))];
}

function dimBars(stats: ResidualStats, point: number, options: { bos: boolean; color: string }): BarSeriesOption {
  const values = (options.bos ? stats.dim_mean_abs_bos : stats.dim_mean_abs)[point]!;
  const dims = massiveCategories(stats, point);
  const name = options.bos ? '|x| at BOS' : 'Mean |x|, positions ≥ 1';
  const formatter = (params: unknown) => {
    const { dataIndex, value } = params as { dataIndex: number; value: number };
    return `${pointLabels(stats)[point]} · dim ${dims[dataIndex]}<br>${name}: ${formatNumber(value)}`;
  };
  return { type: 'bar', name, xAxisIndex: point, yAxisIndex: point, data: dims.map((dim) => values[dim]!), itemStyle: { color: options.color }, barGap: '0%', tooltip: { trigger: 'item', formatter } };
}

function massiveExtent(stats: ResidualStats, points: readonly number[]) {
  return decadeExtent(mergeExtents(points.flatMap((point) => {
    const dims = massiveCategories(stats, point);
    const positive = (value: number) => value > 0;
    return [extentOf(dims.map((dim) => stats.dim_mean_abs[point]![dim]!), positive), extentOf(dims.map((dim) => stats.dim_mean_abs_bos[point]![dim]!), positive)];
  })));
}

/** Per residual point, the dims with the largest mean |x| and the largest |x| at BOS, both measured at every named dim. */
export function buildResidualMassiveOption(stats: ResidualStats, settings: FigureSettings): EChartsOption {
  const labels = pointLabels(stats);
  const colors = positionGroupColors();
  const everyPoint = labels.map((_, point) => point);
  const extents = everyPoint.map((point) => massiveExtent(stats, settings.shareAxes ? everyPoint : [point]));
  const panels: PanelSpec[] = labels.map((label, point) => ({
    id: `point-${point}`,
    subtitle: label,
    xAxis: { type: 'category', name: 'Dim', categories: massiveCategories(stats, point).map(String) },
    yAxis: { type: 'log', name: 'Mean |x|', ...extents[point] },
  }));
  const legend = [{ name: 'Mean |x|, positions ≥ 1', color: colors.rest }, { name: '|x| at BOS', color: colors.bos }];
  const frame = smallMultiples({ title: residualTitle('Massive activations', stats), panels, settings, legend });
  // Bars grow from the axis floor: on a log axis they would otherwise start at 1 and hang down from it.
  const yAxis = (frame.yAxis as Record<string, unknown>[]).map((axis, point) => ({ ...axis, startValue: extents[point]?.min }));
  const series = labels.flatMap((_, point) => [dimBars(stats, point, { bos: false, color: colors.rest }), dimBars(stats, point, { bos: true, color: colors.bos })]);
  return { ...frame, yAxis, series } as EChartsOption;
}
