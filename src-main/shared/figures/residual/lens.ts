import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { ResidualStats, Series } from '../../residual.js';
import { smallMultiples, type PanelSpec } from '../frame.js';
import { SUMMARY_COLOR } from '../layer-summary.js';
import { formatNumber } from '../numbers.js';
import type { FigureSettings } from '../settings.js';
import { pointAxisName, pointCategories, pointLabels, residualTitle } from './points.js';

function lensLine(stats: ResidualStats, values: Series, options: { panel: number; name: string; settings: FigureSettings }): LineSeriesOption {
  const labels = pointLabels(stats);
  const formatter = (params: unknown) => {
    const { dataIndex, value } = params as { dataIndex: number; value: number };
    return `${labels[dataIndex]}<br>${options.name}: ${formatNumber(value)}`;
  };
  const style = { color: SUMMARY_COLOR };
  const size = options.settings.pointSize * 3.5;
  return { type: 'line', name: options.name, xAxisIndex: options.panel, yAxisIndex: options.panel, data: Array.from(values), symbol: 'circle', symbolSize: size, itemStyle: style, lineStyle: { ...style, width: 1.5 }, tooltip: { trigger: 'item', formatter } };
}

/** The logit lens across residual points: KL from the model's own output distribution, and how often their top tokens agree. */
export function buildResidualLensOption(stats: ResidualStats, settings: FigureSettings): EChartsOption {
  const skipped = stats.logit_lens_kl.length === 0;
  const note = skipped ? 'This run skipped the logit lens' : undefined;
  const xAxis = { type: 'category' as const, name: pointAxisName(stats), categories: pointCategories(stats) };
  const panels: PanelSpec[] = [
    { id: 'lens-kl', subtitle: 'KL(p_final || p_L)', xAxis, yAxis: { type: 'value', name: 'KL divergence (nats)', min: 0 }, note },
    { id: 'lens-top1', subtitle: 'Top-1 agreement with the output', xAxis, yAxis: { type: 'value', name: 'Fraction of tokens', min: 0, max: 1 }, note },
  ];
  const frame = smallMultiples({ title: residualTitle('Logit lens', stats), panels, settings: { ...settings, shareAxes: false } });
  const series = [
    lensLine(stats, stats.logit_lens_kl, { panel: 0, name: 'KL divergence', settings }),
    lensLine(stats, stats.logit_lens_top1, { panel: 1, name: 'Top-1 agreement', settings }),
  ];
  return { ...frame, series };
}
