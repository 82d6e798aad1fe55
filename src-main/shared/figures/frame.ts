import type { EChartsOption, GraphicComponentOption, XAXisComponentOption, YAXisComponentOption } from 'echarts';
import { formatLogTick } from './numbers.js';
import { isBottomRow, isLeftColumn, type GridShape, type PanelRect } from './grid.js';
import { FIGURE_FONT_FAMILY, fontSizes, type FigureSettings, type FontSizes } from './settings.js';
import { bottomSpace, layoutText, LINE_HEIGHT, TOP_AXIS_SPACE, type TextLayout } from './text-layout.js';

export interface AxisSpec {
  type: 'value' | 'log' | 'category';
  name: string;
  min?: number;
  max?: number;
  interval?: number;
  /** 1 for counts, so ticks never fall between whole numbers. */
  minInterval?: number;
  categories?: string[];
  /** Leave out the lowest tick label, where it would sit on the other axis's first one (a count axis from 0). */
  hideMinLabel?: boolean;
}

export interface PanelSpec {
  /** Group id in exported SVG, e.g. layer-3. */
  id: string;
  /** Only the layer, e.g. "Layer 3"; omitted where the axes already say what the panel is. */
  subtitle?: string;
  xAxis: AxisSpec;
  yAxis: AxisSpec;
  /** A second scale along the top, e.g. active count beside density. */
  topAxis?: AxisSpec;
  /** A short fact drawn in the panel's top-right corner, e.g. the dead-feature count. */
  note?: string;
}

export interface FrameSpec {
  title: string;
  panels: PanelSpec[];
  settings: FigureSettings;
  legend?: { name: string; color: string }[];
  /** One line under the figure saying how something was decided, e.g. the outlier rule. */
  footnote?: string;
}

const AXIS_COLOR = '#4a4f57';
const SPLIT_COLOR = '#eceef1';
const TEXT_COLOR = '#1d2330';

function axisOption(spec: AxisSpec, fonts: FontSizes, showLabels: boolean) {
  return {
    type: spec.type,
    name: showLabels ? spec.name : '',
    nameLocation: 'middle' as const,
    nameTextStyle: { fontSize: fonts.axisName, lineHeight: fonts.axisName * LINE_HEIGHT, color: TEXT_COLOR, fontFamily: FIGURE_FONT_FAMILY },
    min: spec.min,
    max: spec.max,
    interval: spec.interval,
    minInterval: spec.minInterval,
    data: spec.categories,
    scale: spec.type === 'value' && spec.min === undefined,
    axisLine: { show: true, onZero: false, lineStyle: { color: AXIS_COLOR } },
    axisTick: { show: true, lineStyle: { color: AXIS_COLOR } },
    axisLabel: { show: showLabels, showMinLabel: spec.hideMinLabel ? false : undefined, fontSize: fonts.axisLabel, color: AXIS_COLOR, fontFamily: FIGURE_FONT_FAMILY, hideOverlap: true, formatter: spec.type === 'log' ? formatLogTick : undefined },
    splitLine: { show: true, lineStyle: { color: SPLIT_COLOR } },
  };
}

function panelXAxes(spec: FrameSpec, text: TextLayout, fonts: FontSizes): XAXisComponentOption[] {
  const count = spec.panels.length;
  const shape: GridShape = text.layout;
  const primary = spec.panels.map((panel, index) => {
    const show = !spec.settings.shareAxes || isBottomRow(index, count, shape);
    const axis = { ...axisOption(panel.xAxis, fonts, show), name: text.xNames[index] };
    // Shared panels sit close: the last tick label would run into the next panel's first.
    const lastColumn = (index + 1) % shape.columns === 0 || index === count - 1;
    const axisLabel = { ...axis.axisLabel, showMaxLabel: spec.settings.shareAxes && !lastColumn ? false : undefined };
    return { ...axis, axisLabel, id: `${panel.id}-x`, gridIndex: index, nameGap: text.xNameGap };
  });
  const top = spec.panels.flatMap((panel, index) => {
    if (!panel.topAxis) return [];
    const show = !spec.settings.shareAxes || index < shape.columns;
    const axis = axisOption({ ...panel.topAxis, name: '' }, fonts, show);
    const axisLabel = { ...axis.axisLabel, showMinLabel: false, showMaxLabel: false };
    return [{ ...axis, id: `${panel.id}-top`, gridIndex: index, position: 'top' as const, axisLabel, splitLine: { show: false } }];
  });
  return [...primary, ...top] as XAXisComponentOption[];
}

function panelYAxes(spec: FrameSpec, text: TextLayout, fonts: FontSizes): YAXisComponentOption[] {
  return spec.panels.map((panel, index) => {
    const show = !spec.settings.shareAxes || isLeftColumn(index, text.layout);
    return { ...axisOption(panel.yAxis, fonts, show), name: text.yNames[index], id: `${panel.id}-y`, gridIndex: index, nameGap: text.yNameGap };
  }) as YAXisComponentOption[];
}

function titles(spec: FrameSpec, text: TextLayout, fonts: FontSizes) {
  const layout = text.layout;
  const titleStyle = { fontSize: fonts.title, lineHeight: fonts.title * LINE_HEIGHT, fontWeight: 'bold' as const, color: TEXT_COLOR, fontFamily: FIGURE_FONT_FAMILY };
  const main = { id: 'title', text: text.titleLines.join('\n'), left: 'center', top: 12 * spec.settings.fontScale, textStyle: titleStyle };
  const subtitles = spec.panels.flatMap((panel, index) => {
    if (!panel.subtitle) return [];
    const rect = layout.panels[index];
    const lift = panel.topAxis ? TOP_AXIS_SPACE * spec.settings.fontScale : 0;
    const textStyle = { fontSize: fonts.subtitle, fontWeight: 'normal' as const, color: TEXT_COLOR, fontFamily: FIGURE_FONT_FAMILY };
    return [{ id: `${panel.id}-title`, text: panel.subtitle, left: rect.left + rect.width / 2, top: rect.top - lift - fonts.subtitle * 1.6, textAlign: 'center' as const, textStyle, padding: 0 }];
  });
  return [main, ...subtitles];
}

function noteGraphic(id: string, text: string, rect: PanelRect, fonts: FontSizes): GraphicComponentOption {
  const style = { text, fontSize: fonts.note, fontFamily: FIGURE_FONT_FAMILY, fill: AXIS_COLOR, textAlign: 'right' as const, textVerticalAlign: 'top' as const };
  return { type: 'text', id, x: rect.left + rect.width - 6, y: rect.top + 6, style, silent: true, z: 10 };
}

function graphics(spec: FrameSpec, text: TextLayout, fonts: FontSizes): GraphicComponentOption[] {
  const notes = spec.panels.flatMap((panel, index) => (panel.note ? [noteGraphic(`${panel.id}-note`, panel.note, text.layout.panels[index], fonts)] : []));
  if (text.footnoteLines.length === 0) return notes;
  const lines = text.footnoteLines.join('\n');
  const style = { text: lines, fontSize: fonts.note, lineHeight: fonts.note * LINE_HEIGHT, fontFamily: FIGURE_FONT_FAMILY, fill: AXIS_COLOR, textAlign: 'center' as const, textVerticalAlign: 'top' as const };
  return [...notes, { type: 'text', id: 'footnote', x: text.layout.width / 2, y: text.footnoteTop, style, silent: true }];
}

function legend(spec: FrameSpec, text: TextLayout, fonts: FontSizes) {
  if (!spec.legend) return undefined;
  // Opaque swatches: a legend must name a colour even where its points are drawn faint.
  const data = spec.legend.map((item) => ({ name: item.name, itemStyle: { color: item.color, opacity: 1 } }));
  return { id: 'legend', data, top: text.legendTop, left: 'center', icon: 'circle', itemWidth: fonts.axisLabel, itemHeight: fonts.axisLabel, textStyle: { fontSize: fonts.axisLabel, color: TEXT_COLOR, fontFamily: FIGURE_FONT_FAMILY } };
}

/** Linked zoom: one inside zoom over every panel's axes when they are shared, one per panel otherwise. */
function zooms(spec: FrameSpec, xAxisCount: number): EChartsOption['dataZoom'] {
  const all = (count: number) => Array.from({ length: count }, (_, index) => index);
  if (spec.settings.shareAxes) {
    return [{ type: 'inside', xAxisIndex: all(xAxisCount), filterMode: 'none' }, { type: 'inside', yAxisIndex: all(spec.panels.length), filterMode: 'none', zoomOnMouseWheel: 'shift', moveOnMouseMove: false }];
  }
  return spec.panels.map((_, index) => ({ type: 'inside' as const, xAxisIndex: index, filterMode: 'none' as const }));
}

/** The shared skeleton of every figure: one main title, a near-square grid of panels, legend, notes and zoom. */
export function smallMultiples(spec: FrameSpec): EChartsOption {
  const fonts = fontSizes(spec.settings);
  const text = layoutText(spec, fonts);
  const xAxis = panelXAxes(spec, text, fonts);
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FIGURE_FONT_FAMILY },
    title: titles(spec, text, fonts),
    grid: text.layout.panels.map((rect, index) => ({ id: spec.panels[index].id, ...rect, containLabel: false })),
    xAxis,
    yAxis: panelYAxes(spec, text, fonts),
    legend: legend(spec, text, fonts),
    graphic: graphics(spec, text, fonts),
    tooltip: { trigger: 'item', confine: true, textStyle: { fontSize: 12, fontFamily: FIGURE_FONT_FAMILY } },
    toolbox: { right: 16, top: 8, feature: { dataZoom: { filterMode: 'none' }, restore: {} } },
    dataZoom: zooms(spec, xAxis.length),
  };
}

/** Pixel size of a built figure: the settings' width, and the bottom of its lowest panel plus the lines of its x titles. */
export function figureSize(option: EChartsOption, settings: FigureSettings): { width: number; height: number } {
  const grids = (Array.isArray(option.grid) ? option.grid : [option.grid]) as PanelRect[];
  const bottom = Math.max(...grids.map((grid) => Number(grid.top) + Number(grid.height)));
  const names = ((Array.isArray(option.xAxis) ? option.xAxis : [option.xAxis]) as { name?: string }[]).map((axis) => String(axis?.name ?? ''));
  const lines = Math.max(...names.map((name) => (name ? name.split('\n').length : 0)));
  return { width: settings.width, height: Math.round(bottom + bottomSpace(lines, fontSizes(settings), settings.fontScale)) };
}
