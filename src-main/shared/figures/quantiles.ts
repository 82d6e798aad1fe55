import type { EChartsOption, ScatterSeriesOption } from 'echarts';
import type { SaeStats, StatsExport } from '../stats.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerLabel, layerPanelId, panelRanges, saesByLayer } from './layers.js';
import { decadeExtent, extentOf, formatNumber, liveCount, liveOrder, mergeExtents, roundOutward, type Extent } from './numbers.js';
import { QUANTILE_PALETTE } from './palettes.js';
import { largeScatter, packRanked } from './scatter.js';
import type { FigureSettings } from './settings.js';
import { figureTitle } from './title.js';

export function levelName(level: number): string {
  return `${Number((level * 100).toPrecision(4))}%`;
}

function medianLevelIndex(sae: SaeStats): number {
  const index = sae.features.quantiles.levels.indexOf(0.5);
  return index >= 0 ? index : Math.floor(sae.features.quantiles.levels.length / 2);
}

function describeFeature(sae: SaeStats, feature: number): string {
  const { levels, values } = sae.features.quantiles;
  const rows = levels.map((level, k) => `${levelName(level)}: ${formatNumber(values[k][feature])}`);
  return [`Feature ${feature}`, `count: ${sae.features.count[feature]}`, ...rows].join('<br>');
}

/** One series per quantile level over live features; zeros cannot sit on a log axis and are left out. */
function panelSeries(sae: SaeStats, panel: number, settings: FigureSettings): ScatterSeriesOption[] {
  const { levels, values } = sae.features.quantiles;
  const order = liveOrder(values[medianLevelIndex(sae)], sae.features.count);
  const colors = QUANTILE_PALETTE(levels.length);
  return levels.map((level, k) => {
    const data = packRanked(order, (feature) => (values[k][feature] > 0 ? values[k][feature] : undefined));
    const formatter = (value: number[]) => describeFeature(sae, value[2]);
    return largeScatter({ name: levelName(level), panel, data, color: colors[k], size: settings.pointSize, dimensions: ['rank', 'value', 'feature'], formatter });
  });
}

function positiveQuantileExtent(sae: SaeStats): Extent | undefined {
  return mergeExtents(sae.features.quantiles.values.map((series) => extentOf(series, (value) => value > 0)));
}

/** Ranks run over live features only, so the axis ends just past the largest layer's live count. */
export function rankAxisMax(saes: SaeStats[]): number {
  return roundOutward(Math.max(1, ...saes.map((sae) => liveCount(sae.features.count))), 1);
}

export function buildQuantilesOption(stats: StatsExport, settings: FigureSettings): EChartsOption {
  const saes = saesByLayer(stats.saes);
  const ys = panelRanges(saes, settings.shareAxes, (scope) => decadeExtent(mergeExtents(scope.map(positiveQuantileExtent))));
  const xMaxes = panelRanges(saes, settings.shareAxes, rankAxisMax);
  const panels: PanelSpec[] = saes.map((sae, index) => ({ id: layerPanelId(sae.hook), subtitle: layerLabel(sae.hook), xAxis: { type: 'value', name: 'Feature rank by median', min: 0, max: xMaxes[index] }, yAxis: { type: 'log', name: 'Activation', ...ys[index] } }));
  const levels = saes[0]?.features.quantiles.levels ?? [];
  const legend = levels.map((level, k) => ({ name: levelName(level), color: QUANTILE_PALETTE(levels.length)[k] }));
  const frame = smallMultiples({ title: figureTitle('Quantiles of active values per feature', stats), panels, settings, legend });
  return { ...frame, series: saes.flatMap((sae, panel) => panelSeries(sae, panel, settings)) };
}
