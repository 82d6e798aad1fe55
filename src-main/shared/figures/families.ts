import type { EChartsOption } from 'echarts';
import type { StatsExport } from '../stats.js';
import { buildCountOption, buildDensityOption } from './density.js';
import { buildLayerSummaryOption } from './layer-summary.js';
import { buildLayersCombinedOption } from './layers-combined.js';
import { buildPositionMeanOption, buildPositionMeanStdOption } from './positions.js';
import { buildQuantilesOption } from './quantiles.js';
import type { FigureSettings } from './settings.js';

export type FigureBuilder<S = StatsExport> = (stats: S, settings: FigureSettings) => EChartsOption;

/** One figure of a run of some kind: S is what the kind stores (stats.json for statistics runs). */
export interface FigureFamily<S = StatsExport> {
  id: string;
  title: string;
  builder: FigureBuilder<S>;
}

export const FIGURE_FAMILIES: readonly FigureFamily[] = [
  { id: 'quantiles', title: 'Quantiles per feature', builder: buildQuantilesOption },
  { id: 'position-mean-std', title: 'Position mean vs std', builder: buildPositionMeanStdOption },
  { id: 'position-mean', title: 'Mean per position', builder: (stats, settings) => buildPositionMeanOption(stats, settings, 0) },
  { id: 'position-mean-no-bos', title: 'Mean per position, no BOS', builder: (stats, settings) => buildPositionMeanOption(stats, settings, 1) },
  { id: 'layers-combined', title: 'All layers', builder: buildLayersCombinedOption },
  { id: 'density', title: 'Density and count', builder: buildDensityOption },
  { id: 'count', title: 'Active count', builder: buildCountOption },
  { id: 'layer-summary', title: 'Layer summary', builder: buildLayerSummaryOption },
];

export function findFamily(id: string): FigureFamily | undefined {
  return FIGURE_FAMILIES.find((family) => family.id === id);
}
