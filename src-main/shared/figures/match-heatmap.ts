import type { EChartsOption, ScatterSeriesOption } from 'echarts';
import { VIRIDIS_LUT } from './colormaps.js';
import { smallMultiples, type PanelSpec } from './frame.js';
import { layerOf } from './layers.js';
import type { SetFigureData } from './match-data.js';
import { lookupColor } from './palettes.js';
import { fontSizes, type FigureSettings } from './settings.js';

/** The three layer × layer matrices and how each is titled. */
export const SET_MATRICES = [
  { key: 'assignmentAbove', id: 'assignment-above-0-7', title: 'One-to-one pairs above 0.7' },
  { key: 'top1Median', id: 'top1-median', title: 'Median top-1 cosine' },
  { key: 'top1Geomean', id: 'top1-geomean', title: 'Geometric-mean top-1 cosine' },
] as const;

/** Dark text on viridis's light end, light text on its dark end. */
function textColor(value: number): string {
  return value > 0.55 ? '#1d2330' : '#ffffff';
}

function category(hook: string): string {
  return String(layerOf(hook) ?? hook);
}

interface CellLayout {
  panel: number;
  /** One cell's pixel size in its panel. */
  cell: [number, number];
  fontSize: number;
}

/** Square symbols filling each category cell: a heatmap that needs no visualMap, so every cell's colour is exact viridis. */
function heatmapSeries(matrix: number[][], layout: CellLayout): ScatterSeriesOption {
  const size = matrix.length;
  const data = matrix.flatMap((row, k) =>
    row.map((value, l) => {
      const known = Number.isFinite(value);
      return {
        // Row k is drawn k-th from the top.
        value: [l, size - 1 - k, known ? value : NaN],
        itemStyle: { color: known ? lookupColor(VIRIDIS_LUT, value) : '#eceef1', opacity: 1 },
        label: { show: true, position: 'inside' as const, formatter: known ? value.toFixed(2) : '–', color: known ? textColor(value) : '#4a4f57', fontSize: layout.fontSize },
      };
    }),
  );
  return { type: 'scatter', xAxisIndex: layout.panel, yAxisIndex: layout.panel, symbol: 'rect', symbolSize: layout.cell, data: data as ScatterSeriesOption['data'], emphasis: { disabled: true } };
}

/** The set's matrices as viridis heatmaps (0 to 1) with each value printed in its cell; row S_k, column S_l is S_k → S_l. */
export function buildSetHeatmapOption(data: SetFigureData, settings: FigureSettings): EChartsOption {
  const columns = data.hooks.map(category);
  const rows = [...columns].reverse();
  const panels: PanelSpec[] = SET_MATRICES.map((matrix) => ({
    id: matrix.id,
    subtitle: matrix.title,
    xAxis: { type: 'category', name: 'To layer (B)', categories: columns },
    yAxis: { type: 'category', name: 'From layer (A)', categories: rows },
  }));
  const fonts = fontSizes(settings);
  const cellFont = Math.max(6, Math.min(fonts.axisLabel, (fonts.axisLabel * 12) / Math.max(12, data.hooks.length)));
  const footnote = 'Colour: viridis from 0 to 1. Row A, column B reads A → B; the diagonal is each SAE against itself.';
  // Every panel has the same layers on both axes, so only the outer ones need labels.
  const frame = smallMultiples({ title: `Layer × layer matching · ${data.label}`, panels, settings: { ...settings, shareAxes: true }, footnote });
  const grids = frame.grid as { width: number; height: number }[];
  const count = Math.max(1, data.hooks.length);
  const series = SET_MATRICES.map((matrix, panel) => {
    const cell: [number, number] = [grids[panel]!.width / count, grids[panel]!.height / count];
    return heatmapSeries(data[matrix.key], { panel, cell, fontSize: cellFont });
  });
  return { ...frame, series };
}
