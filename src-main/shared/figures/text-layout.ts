import { figureLayout, gridShape, isBottomRow, isLeftColumn, panelWidth, type FigureLayout, type TextSpace } from './grid.js';
import { formatLogTick } from './numbers.js';
import type { FigureSettings, FontSizes } from './settings.js';
import { textWidth, wrapText } from './text.js';

/** Line height over font size. */
export const LINE_HEIGHT = 1.25;
/** ECharts' gap between an axis line and its tick labels. */
const TICK_LABEL_MARGIN = 8;
/** Unscaled pixels above a panel for top-axis labels. */
export const TOP_AXIS_SPACE = 18;
/** ECharts' legend: symbol-to-text gap and the gap between items and rows. */
const LEGEND_GAPS = { symbol: 5, item: 10 };

/** What measuring needs of an axis (frame.ts's AxisSpec fits). */
export interface MeasuredAxis {
  type: 'value' | 'log' | 'category';
  name: string;
  min?: number;
  max?: number;
  categories?: string[];
}

export interface MeasuredPanel {
  subtitle?: string;
  topAxis?: unknown;
  xAxis: MeasuredAxis;
  yAxis: MeasuredAxis;
}

export interface MeasuredFigure {
  title: string;
  panels: MeasuredPanel[];
  settings: FigureSettings;
  legend?: { name: string }[];
  footnote?: string;
}

/** The figure's text placed: wrapped lines, where header rows start, and the panels' rectangles. */
export interface TextLayout {
  layout: FigureLayout;
  titleLines: string[];
  legendTop: number;
  footnoteLines: string[];
  footnoteTop: number;
  xNames: string[];
  yNames: string[];
  xNameGap: number;
  yNameGap: number;
}

/** Tick labels an axis can show, widest first in practice: ends, middle and, for counts, thousands separators. */
function tickCandidates(axis: MeasuredAxis): string[] {
  if (axis.categories) return axis.categories;
  if (axis.min === undefined || axis.max === undefined) return ['-0.0000'];
  if (axis.type === 'log') return [axis.min, axis.max].filter((value) => value > 0).map(formatLogTick);
  const values = [axis.min, axis.max, (axis.min + axis.max) / 2, axis.min + (axis.max - axis.min) / 4];
  return values.map((value) => Number(value.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 }));
}

function widestTickLabel(axes: MeasuredAxis[], fonts: FontSizes): number {
  const widths = axes.flatMap((axis) => tickCandidates(axis).map((label) => textWidth(label, fonts.axisLabel)));
  // One digit more than the widest candidate: ECharts picks its own ticks between the ends.
  return Math.max(0, ...widths) + textWidth('0', fonts.axisLabel);
}

function wrapAll(names: string[], fontSize: number, width: number): string[][] {
  return names.map((name) => (name ? wrapText(name, fontSize, width) : []));
}

function legendRows(figure: MeasuredFigure, fonts: FontSizes): number {
  if (!figure.legend?.length) return 0;
  const available = figure.settings.width - 40 * figure.settings.fontScale;
  let rows = 1;
  let used = 0;
  for (const item of figure.legend) {
    const width = fonts.axisLabel + LEGEND_GAPS.symbol + textWidth(item.name, fonts.axisLabel) + LEGEND_GAPS.item;
    if (used > 0 && used + width > available) [rows, used] = [rows + 1, 0];
    used += width;
  }
  return rows;
}

function headerText(figure: MeasuredFigure, fonts: FontSizes) {
  const scale = figure.settings.fontScale;
  const width = figure.settings.width - 48 * scale;
  const titleLines = wrapText(figure.title, fonts.title, width);
  const legendTop = 12 * scale + titleLines.length * fonts.title * LINE_HEIGHT + 10 * scale;
  const rows = legendRows(figure, fonts);
  const footnoteTop = legendTop + (rows > 0 ? rows * (fonts.axisLabel * LINE_HEIGHT + LEGEND_GAPS.item) : 0);
  const footnoteLines = figure.footnote ? wrapText(figure.footnote, fonts.note, width) : [];
  const header = footnoteTop + footnoteLines.length * fonts.note * LINE_HEIGHT + 8 * scale;
  return { titleLines, legendTop, footnoteLines, footnoteTop, header };
}

function panelHeader(figure: MeasuredFigure, fonts: FontSizes): number {
  const scale = figure.settings.fontScale;
  const subtitle = figure.panels.some((panel) => panel.subtitle) ? fonts.subtitle * 1.6 : 0;
  const topAxis = figure.panels.some((panel) => panel.topAxis) ? TOP_AXIS_SPACE * scale : 0;
  return subtitle + topAxis + 4 * scale;
}

/** Which panels show their axis titles: all of them with independent axes, the outer row and column when shared. */
function shownNames(figure: MeasuredFigure) {
  const shape = gridShape(figure.panels.length);
  const count = figure.panels.length;
  const shared = figure.settings.shareAxes;
  return {
    x: figure.panels.map((panel, index) => (!shared || isBottomRow(index, count, shape) ? panel.xAxis.name : '')),
    y: figure.panels.map((panel, index) => (!shared || isLeftColumn(index, shape) ? panel.yAxis.name : '')),
  };
}

/**
 * Lays the figure out around its measured text: y titles wrap to the panel height and x titles to the panel
 * width, and the margins and gaps between panels grow to hold the lines they need, at any font scale.
 */
export function layoutText(figure: MeasuredFigure, fonts: FontSizes): TextLayout {
  const scale = figure.settings.fontScale;
  const head = headerText(figure, fonts);
  const names = shownNames(figure);
  const yNameGap = widestTickLabel(figure.panels.map((panel) => panel.yAxis), fonts) + TICK_LABEL_MARGIN + 4 * scale;
  const xNameGap = TICK_LABEL_MARGIN + fonts.axisLabel * LINE_HEIGHT + 4 * scale;
  const block = (gap: number, lines: number) => gap + lines * fonts.axisName * LINE_HEIGHT + 4 * scale;
  const space: TextSpace = { header: head.header, panelHeader: panelHeader(figure, fonts), xBlock: block(xNameGap, 1), yBlock: block(yNameGap, 1) };
  let yLines: string[][] = [];
  // A narrower panel is a shorter one, so wrapping the y titles can call for one more pass.
  for (let pass = 0; pass < 3; pass++) {
    const height = panelWidth(figure.panels.length, figure.settings, space) * figure.settings.panelAspect;
    yLines = wrapAll(names.y, fonts.axisName, height * 0.95);
    const needed = block(yNameGap, Math.max(1, ...yLines.map((lines) => lines.length)));
    if (needed <= space.yBlock) break;
    space.yBlock = needed;
  }
  const xLines = wrapAll(names.x, fonts.axisName, panelWidth(figure.panels.length, figure.settings, space) * 0.95);
  space.xBlock = block(xNameGap, Math.max(1, ...xLines.map((lines) => lines.length)));
  const layout = figureLayout(figure.panels.length, figure.settings, space);
  const joined = (lines: string[][]) => lines.map((each) => each.join('\n'));
  return { layout, ...head, xNames: joined(xLines), yNames: joined(yLines), xNameGap, yNameGap };
}

/** The space below the lowest panels: their x titles' lines (none when hidden) under the tick labels. */
export function bottomSpace(xNameLines: number, fonts: FontSizes, fontScale: number): number {
  const xNameGap = TICK_LABEL_MARGIN + fonts.axisLabel * LINE_HEIGHT + 4 * fontScale;
  return xNameGap + Math.max(1, xNameLines) * fonts.axisName * LINE_HEIGHT + 4 * fontScale + 8 * fontScale;
}
