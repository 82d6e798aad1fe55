import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { SaeStats, SaeSummary, StatsExport } from '../stats.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerLabel, layerOf, saesByLayer } from './layers.js';
import { formatNumber } from './numbers.js';
import type { FigureSettings } from './settings.js';
import { figureTitle } from './title.js';

export const SUMMARY_COLOR = '#2f4b7c';

export interface SummaryMetric {
  key: keyof SaeSummary;
  label: string;
  count?: boolean;
}

export const SUMMARY_METRICS: SummaryMetric[] = [
  { key: 'l0', label: 'L0 (active features)' },
  { key: 'dead', label: 'Dead features', count: true },
  { key: 'dense', label: 'Dense features (density > 0.1)', count: true },
  { key: 'explained_variance', label: 'Explained variance' },
  { key: 'mse', label: 'MSE' },
  { key: 'ce_recovered', label: 'CE recovered' },
];

/** The metrics to draw: CE recovered only when the run computed LM losses. */
export function presentMetrics(saes: SaeStats[]): SummaryMetric[] {
  return SUMMARY_METRICS.filter((metric) => saes.some((sae) => typeof sae.summary[metric.key] === 'number'));
}

function layerCategory(sae: SaeStats): string {
  return String(layerOf(sae.hook) ?? sae.hook);
}

function metricSeries(saes: SaeStats[], metric: SummaryMetric, panel: number, settings: FigureSettings): LineSeriesOption {
  const data = saes.map((sae) => sae.summary[metric.key] ?? null);
  const formatter = (params: unknown) => {
    const { dataIndex, value } = params as { dataIndex: number; value: number };
    return `${layerLabel(saes[dataIndex].hook)}<br>${metric.label}: ${formatNumber(value)}`;
  };
  const style = { color: SUMMARY_COLOR };
  return { type: 'line', name: metric.label, xAxisIndex: panel, yAxisIndex: panel, data, symbol: 'circle', symbolSize: settings.pointSize * 3.5, itemStyle: style, lineStyle: { ...style, width: 1.5 }, tooltip: { trigger: 'item', formatter } };
}

export function buildLayerSummaryOption(stats: StatsExport, settings: FigureSettings): EChartsOption {
  const saes = saesByLayer(stats.saes);
  const metrics = presentMetrics(saes);
  const categories = saes.map(layerCategory);
  const panels: PanelSpec[] = metrics.map((metric) => ({
    id: metric.key.replace(/_/g, '-'),
    xAxis: { type: 'category', name: 'Layer', categories },
    yAxis: { type: 'value', name: metric.label, minInterval: metric.count ? 1 : undefined },
  }));
  const frame = smallMultiples({ title: figureTitle('Layer summary', stats), panels, settings: { ...settings, shareAxes: false } });
  return { ...frame, series: metrics.map((metric, panel) => metricSeries(saes, metric, panel, settings)) };
}
