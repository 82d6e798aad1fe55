import type { EChartsOption } from 'echarts';
import { hookOfSeries } from './scatter.js';

/** A feature a point of a per-feature figure stands for. */
export interface FeatureLink {
  hook: string;
  feature: number;
}

/** The feature under a clicked point (ECharts' seriesIndex and dataIndex), when the series links to feature pages. */
export function featureAtPoint(option: EChartsOption, seriesIndex: number, dataIndex: number): FeatureLink | undefined {
  const series = (Array.isArray(option.series) ? option.series : [option.series])[seriesIndex] as { id?: unknown; data?: ArrayLike<number> } | undefined;
  const hook = hookOfSeries(series?.id);
  const feature = series?.data?.[dataIndex * 3 + 2];
  if (hook === undefined || feature === undefined) return undefined;
  return { hook, feature };
}
