import type { BarSeriesOption, EChartsOption, LineSeriesOption } from 'echarts';
import type { CorrelationExport, SaeCorrelation } from '../correlation.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerLabel, layerOf } from './layers.js';
import { formatNumber } from './numbers.js';
import { LAYER_PALETTE } from './palettes.js';
import type { FigureSettings } from './settings.js';

/** Positive and negative correlations: a diverging pair, not a layer gradation. */
export const CORRELATION_SIGN_COLORS = { positive: '#c0392b', negative: '#2e6fa8' } as const;
/** Bins of r over [−1, 1] in the distribution figure. */
export const PEARSON_BINS = 40;

/** "Correlation with topic=cooking · 400 rows, max-pooled". */
export function correlationTitle(name: string, correlation: CorrelationExport): string {
  return `${name} with ${correlation.label} · ${correlation.rows} rows, ${correlation.pooling}-pooled`;
}

/** Ids by position: two SAEs may share a layer. */
function saePanel(sae: SaeCorrelation, index: number, axes: Pick<PanelSpec, 'xAxis' | 'yAxis'>): PanelSpec {
  return { id: `sae-${index}`, subtitle: `${layerLabel(sae.hook)} (${sae.hook})`, ...axes };
}

/** Per SAE, its top features by |r| as signed bars, the strongest on top. */
export function buildTopFeaturesOption(correlation: CorrelationExport, settings: FigureSettings): EChartsOption {
  const panels = correlation.saes.map((sae, index) =>
    saePanel(sae, index, { xAxis: { type: 'value', name: 'Pearson r', min: -1, max: 1 }, yAxis: { type: 'category', name: 'Feature', categories: [...sae.top].reverse().map((top) => `#${top.index}`) } }),
  );
  const frame = smallMultiples({ title: correlationTitle('Top features by |r|', correlation), panels, settings: { ...settings, shareAxes: false } });
  const series = correlation.saes.map((sae, panel): BarSeriesOption => {
    const data = [...sae.top].reverse().map((top) => ({
      value: top.pearson,
      itemStyle: { color: top.pearson >= 0 ? CORRELATION_SIGN_COLORS.positive : CORRELATION_SIGN_COLORS.negative },
    }));
    const formatter = (params: unknown) => {
      const top = [...sae.top].reverse()[(params as { dataIndex: number }).dataIndex]!;
      return `#${top.index}<br>r ${formatNumber(top.pearson)}<br>coefficient ${formatNumber(top.coefficient)}`;
    };
    return { type: 'bar', name: sae.hook, xAxisIndex: panel, yAxisIndex: panel, data, barMaxWidth: 14, tooltip: { trigger: 'item', formatter } };
  });
  return { ...frame, series };
}

/** Counts of r over all features in PEARSON_BINS equal bins of [−1, 1]; r = 1 falls in the last. */
export function pearsonHistogram(pearson: ArrayLike<number>, bins = PEARSON_BINS): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < pearson.length; i++) counts[Math.min(bins - 1, Math.floor(((pearson[i]! + 1) / 2) * bins))]!++;
  return counts;
}

/** Per SAE, how r spreads over all its features (log counts: most features sit near 0). */
export function buildPearsonDistributionOption(correlation: CorrelationExport, settings: FigureSettings): EChartsOption {
  const width = 2 / PEARSON_BINS;
  const centres = Array.from({ length: PEARSON_BINS }, (_, bin) => -1 + (bin + 0.5) * width);
  const panels = correlation.saes.map((sae, index) => saePanel(sae, index, { xAxis: { type: 'value', name: 'Pearson r', min: -1, max: 1 }, yAxis: { type: 'log', name: 'Features', min: 1 } }));
  const frame = smallMultiples({ title: correlationTitle('Distribution of r', correlation), panels, settings: { ...settings, shareAxes: false } });
  const series = correlation.saes.map((sae, panel): BarSeriesOption => {
    const counts = pearsonHistogram(sae.pearson);
    const data = counts.map((count, bin) => [centres[bin]!, count > 0 ? count : null]);
    return { type: 'bar', name: sae.hook, xAxisIndex: panel, yAxisIndex: panel, data, barWidth: '90%', itemStyle: { color: '#5b6b7f' } };
  });
  return { ...frame, series };
}

/** The largest |r| of each SAE: which depth carries the concept. */
export function maxAbsolutePearson(sae: SaeCorrelation): number {
  let largest = 0;
  for (let i = 0; i < sae.pearson.length; i++) largest = Math.max(largest, Math.abs(sae.pearson[i]!));
  return largest;
}

/** Max |r| per layer across the SAEs, one point per SAE in its layer's colour. */
export function buildLayerMaxOption(correlation: CorrelationExport, settings: FigureSettings): EChartsOption {
  const saes = [...correlation.saes].sort((a, b) => (layerOf(a.hook) ?? 0) - (layerOf(b.hook) ?? 0));
  const layers = saes.map((sae) => layerOf(sae.hook) ?? 0);
  const colors = LAYER_PALETTE(Math.max(...layers, 0) + 1);
  const panels: PanelSpec[] = [{ id: 'max-abs-r', xAxis: { type: 'value', name: 'Layer', minInterval: 1 }, yAxis: { type: 'value', name: 'max |r|', min: 0, max: 1 } }];
  const frame = smallMultiples({ title: correlationTitle('Max |r| per layer', correlation), panels, settings: { ...settings, shareAxes: false } });
  const data = saes.map((sae, index) => ({ value: [layers[index]!, maxAbsolutePearson(sae)], itemStyle: { color: colors[layers[index]!] }, name: sae.hook }));
  const formatter = (params: unknown) => {
    const { name, value } = params as { name: string; value: [number, number] };
    return `${name}<br>max |r| ${formatNumber(value[1])}`;
  };
  const line: LineSeriesOption = { type: 'line', data, symbol: 'circle', symbolSize: settings.pointSize * 5, lineStyle: { color: '#9aa3ad', width: 1 }, tooltip: { trigger: 'item', formatter } };
  return { ...frame, series: [line] };
}
