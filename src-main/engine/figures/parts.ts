import type * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';

/** What the builders put in an option, seen loosely enough to split it into parts. */
type Component = Record<string, unknown> & { id?: string; gridIndex?: number; xAxisIndex?: number; type?: string };

export interface FigurePart {
  /** The SVG group id, e.g. panel-layer-3-points. */
  id: string;
  option: EChartsOption;
  /** Which panel's rect the part lies in, for rasterizing points. */
  panel?: number;
}

function list(value: unknown): Component[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Component[];
}

function hideAxis(axis: Component): Component {
  return { ...axis, show: false };
}

/** Freezes every numeric axis left to ECharts at the range the full chart chose, so each part maps data to the same pixels. */
export function pinAxes(chart: echarts.ECharts, option: EChartsOption): EChartsOption {
  const grids = list(option.grid);
  const pin = (axis: Component, index: number, key: 'xAxisIndex' | 'yAxisIndex') => {
    if (axis.type === 'category' || (typeof axis.min === 'number' && typeof axis.max === 'number')) return axis;
    const grid = grids[axis.gridIndex ?? 0] as unknown as { left: number; top: number; width: number; height: number };
    const ends = key === 'xAxisIndex' ? [[grid.left, grid.top], [grid.left + grid.width, grid.top]] : [[grid.left, grid.top + grid.height], [grid.left, grid.top]];
    const [min, max] = ends.map((pixel) => Number(Number(chart.convertFromPixel({ [key]: index }, key === 'xAxisIndex' ? pixel[0] : pixel[1])).toPrecision(12)));
    return { ...axis, min, max, scale: true };
  };
  return {
    ...option,
    xAxis: list(option.xAxis).map((axis, index) => pin(axis, index, 'xAxisIndex')),
    yAxis: list(option.yAxis).map((axis, index) => pin(axis, index, 'yAxisIndex')),
  } as EChartsOption;
}

/** A copy with every axis hidden, no title, legend, notes or series: parts add back what they draw. */
function bare(option: EChartsOption): EChartsOption {
  // A colour bar keeps mapping values to colours in every part, but only the legend part draws it.
  const visualMap = list(option.visualMap).map((component) => ({ ...component, show: false }));
  return { ...option, title: [], legend: undefined, graphic: [], series: [], visualMap, xAxis: list(option.xAxis).map(hideAxis), yAxis: list(option.yAxis).map(hideAxis), backgroundColor: 'transparent' } as EChartsOption;
}

function seriesPanel(option: EChartsOption, series: Component): number {
  const axis = list(option.xAxis)[series.xAxisIndex ?? 0];
  return axis?.gridIndex ?? 0;
}

function panelParts(option: EChartsOption, panel: number): FigurePart[] {
  const gridId = String(list(option.grid)[panel].id ?? panel);
  const group = `panel-${gridId}`;
  const showOwn = (axis: Component) => ((axis.gridIndex ?? 0) === panel ? { ...axis, show: true } : hideAxis(axis));
  const axes = { ...bare(option), xAxis: list(option.xAxis).map(showOwn), yAxis: list(option.yAxis).map(showOwn) } as EChartsOption;
  const title = { ...bare(option), title: list(option.title).filter((item) => item.id === `${gridId}-title`) } as EChartsOption;
  const note = { ...bare(option), graphic: list(option.graphic).filter((item) => item.id === `${gridId}-note`) } as EChartsOption;
  const points = { ...bare(option), series: list(option.series).filter((series) => seriesPanel(option, series) === panel) } as EChartsOption;
  return [
    { id: `${group}-axes`, option: axes },
    { id: `${group}-points`, option: points, panel },
    { id: `${group}-title`, option: title },
    { id: `${group}-note`, option: note },
  ];
}

/** The figure as named layers: title, legend, notes, then per panel its axes, points, subtitle and note. */
export function figureParts(option: EChartsOption): { groups: { id: string; parts: FigurePart[] }[] } {
  const emptySeries = list(option.series).map((series) => ({ ...series, data: [], markLine: undefined }));
  const header = [
    { id: 'title', parts: [{ id: 'title', option: { ...bare(option), title: list(option.title).filter((item) => item.id === 'title') } as EChartsOption }] },
    ...(option.legend || option.visualMap ? [{ id: 'legend', parts: [{ id: 'legend', option: { ...bare(option), legend: option.legend, visualMap: option.visualMap, series: emptySeries } as EChartsOption }] }] : []),
    { id: 'notes', parts: [{ id: 'notes', option: { ...bare(option), graphic: list(option.graphic).filter((item) => item.id === 'footnote') } as EChartsOption }] },
  ];
  const panels = list(option.grid).map((grid, panel) => ({ id: `panel-${String(grid.id ?? panel)}`, parts: panelParts(option, panel) }));
  return { groups: [...header, ...panels] };
}

/** Points a part draws: triples in a flat typed array, else one per data item. */
export function pointCount(option: EChartsOption): number {
  return list(option.series).reduce((total, series) => {
    const data = series.data as ArrayLike<unknown> | undefined;
    if (!data) return total;
    return total + (ArrayBuffer.isView(data) ? data.length / ((series.dimensions as unknown[] | undefined)?.length ?? 2) : data.length);
  }, 0);
}
