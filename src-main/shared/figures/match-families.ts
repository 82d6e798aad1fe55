import type { EChartsOption } from 'echarts';
import type { PairFigureData, SetFigureData } from './match-data.js';
import { buildSetHeatmapOption } from './match-heatmap.js';
import { buildChildrenOption, buildTop1DensityOption, buildTop1HistogramOption, buildTopKHistogramOption } from './match-histograms.js';
import type { FigureSettings } from './settings.js';

export interface PairFigureFamily {
  id: string;
  title: string;
  builder: (data: PairFigureData, settings: FigureSettings) => EChartsOption;
  /** False where the pair lacks what the figure needs. */
  applies?: (data: PairFigureData) => boolean;
}

export const PAIR_FIGURE_FAMILIES: readonly PairFigureFamily[] = [
  { id: 'match-top1', title: 'Top-1 cosine', builder: buildTop1HistogramOption },
  { id: 'match-topk', title: 'Top-k cosines', builder: buildTopKHistogramOption },
  { id: 'match-children', title: 'Children per parent', builder: buildChildrenOption, applies: (data) => data.aToB.featureCount !== data.bToA.featureCount },
  { id: 'match-density', title: 'Top-1 vs density', builder: buildTop1DensityOption, applies: (data) => Boolean(data.aToB.density ?? data.bToA.density) },
];

export const SET_FIGURE_FAMILY = { id: 'match-layers', title: 'Layer × layer', builder: buildSetHeatmapOption } as const satisfies {
  id: string;
  title: string;
  builder: (data: SetFigureData, settings: FigureSettings) => EChartsOption;
};

/** Every match figure's id: the pair families, then the set's heatmaps. */
export const MATCH_FIGURE_IDS: readonly string[] = [...PAIR_FIGURE_FAMILIES.map((family) => family.id), SET_FIGURE_FAMILY.id];
