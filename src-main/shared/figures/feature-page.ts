import type { BarSeriesOption, EChartsOption } from 'echarts';
import { visibleToken, type FeaturePage, type TokenValues } from '../features.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { formatNumber } from './numbers.js';
import type { FigureSettings } from './settings.js';

export const HISTOGRAM_COLOR = '#4c6a92';
export const PROMOTES_COLOR = '#2f6f4f';
export const SUPPRESSES_COLOR = '#a23b3b';

/** The tokens of a logit effect as axis labels, bottom ones first so the bars run from most suppressed to most promoted. */
function effectEntries(page: FeaturePage): { label: string; value: number; color: string }[] {
  if (!page.logit_effect) return [];
  const entry = (color: string) => ([token, value]: TokenValues[number]) => ({ label: `'${visibleToken(page.tokenText[token] ?? String(token))}'`, value, color });
  return [...page.logit_effect.bottom.map(entry(SUPPRESSES_COLOR)), ...[...page.logit_effect.top].reverse().map(entry(PROMOTES_COLOR))];
}

function histogramSeries(page: FeaturePage): BarSeriesOption {
  const { edges, counts } = page.histogram!;
  const formatter = (params: unknown) => {
    const bin = (params as { dataIndex: number }).dataIndex;
    return `${counts[bin]} values<br>${formatNumber(edges[bin])} to ${formatNumber(edges[bin + 1])}`;
  };
  return { type: 'bar', name: 'Activations', xAxisIndex: 0, yAxisIndex: 0, data: counts, barWidth: '92%', itemStyle: { color: HISTOGRAM_COLOR }, tooltip: { formatter } };
}

function effectSeries(page: FeaturePage, panel: number): BarSeriesOption {
  const entries = effectEntries(page);
  const data = entries.map((entry) => ({ value: entry.value, itemStyle: { color: entry.color } }));
  const formatter = (params: unknown) => {
    const index = (params as { dataIndex: number }).dataIndex;
    return `${entries[index].label}<br>W_dec · W_U: ${formatNumber(entries[index].value)}`;
  };
  return { type: 'bar', name: 'Logit effect', xAxisIndex: panel, yAxisIndex: panel, data, barWidth: '70%', tooltip: { formatter } };
}

/** A feature page's charts as one figure: its activation histogram and its logit effects, each where the page has it. */
export function buildFeaturePageOption(page: FeaturePage, settings: FigureSettings): EChartsOption {
  const panels: PanelSpec[] = [];
  const series: BarSeriesOption[] = [];
  if (page.histogram) {
    const categories = page.histogram.counts.map((_, bin) => formatNumber(page.histogram!.edges[bin]));
    panels.push({ id: 'histogram', subtitle: 'Activation histogram', xAxis: { type: 'category', name: 'Activation (bin start, log10-spaced)', categories }, yAxis: { type: 'value', name: 'Count', minInterval: 1 } });
    series.push(histogramSeries(page));
  }
  if (page.logit_effect) {
    const categories = effectEntries(page).map((entry) => entry.label);
    panels.push({ id: 'logit-effect', subtitle: 'Logit effects', xAxis: { type: 'category', name: 'Token', categories }, yAxis: { type: 'value', name: 'W_dec · W_U' } });
    series.push(effectSeries(page, panels.length - 1));
  }
  const title = `Feature ${page.index} · ${page.hook}`;
  const frame = smallMultiples({ title, panels, settings: { ...settings, shareAxes: false } });
  return { ...frame, series };
}
