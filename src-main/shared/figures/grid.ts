import type { FigureSettings } from './settings.js';

export interface GridShape {
  rows: number;
  columns: number;
}

export interface PanelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface FigureLayout extends GridShape {
  width: number;
  panels: PanelRect[];
}

/** Near-square and at least as wide as tall: 12 panels → 3 rows × 4 columns. */
export function gridShape(panelCount: number): GridShape {
  const columns = Math.max(1, Math.ceil(Math.sqrt(panelCount)));
  return { rows: Math.max(1, Math.ceil(panelCount / columns)), columns };
}

/** Room the figure's text needs, in figure pixels, measured from the text itself at the figure's font scale. */
export interface TextSpace {
  /** Title, legend and footnote above the panels. */
  header: number;
  /** Above every panel: its subtitle and top axis. */
  panelHeader: number;
  /** Below a panel whose x axis is labelled: tick labels and the axis title. */
  xBlock: number;
  /** Left of a panel whose y axis is labelled: tick labels and the axis title. */
  yBlock: number;
}

/** The narrowest margin, at font scale 1: how far a panel's points may reach past it without covering text. */
const EDGE = 24;

/** How far past its panel an embedded point image reaches, so points on the edge are not cut. */
export function panelBleed(settings: FigureSettings): number {
  return EDGE * settings.fontScale;
}

/** Margins and gaps from the measured text: labelled axes get their block between panels, shared ones only a gutter. */
export function margins(settings: FigureSettings, space: TextSpace) {
  const scale = settings.fontScale;
  return {
    top: space.header + space.panelHeader,
    left: space.yBlock + 4 * scale,
    right: EDGE * scale,
    bottom: space.xBlock + 8 * scale,
    gapX: settings.shareAxes ? 20 * scale : space.yBlock + 12 * scale,
    gapY: space.panelHeader + (settings.shareAxes ? 12 * scale : space.xBlock + 8 * scale),
  };
}

/** Panel width for a figure of this many panels, before heights are known. */
export function panelWidth(panelCount: number, settings: FigureSettings, space: TextSpace): number {
  const { columns } = gridShape(panelCount);
  const edge = margins(settings, space);
  return (settings.width - edge.left - edge.right - edge.gapX * (columns - 1)) / columns;
}

export function figureLayout(panelCount: number, settings: FigureSettings, space: TextSpace): FigureLayout {
  const { rows, columns } = gridShape(panelCount);
  const edge = margins(settings, space);
  const width = panelWidth(panelCount, settings, space);
  const height = Math.round(width * settings.panelAspect);
  const panels = Array.from({ length: panelCount }, (_, index) => ({
    left: Math.round(edge.left + (index % columns) * (width + edge.gapX)),
    top: Math.round(edge.top + Math.floor(index / columns) * (height + edge.gapY)),
    width: Math.round(width),
    height,
  }));
  return { rows, columns, width: settings.width, panels };
}

export function isBottomRow(index: number, panelCount: number, shape: GridShape): boolean {
  return index + shape.columns >= panelCount;
}

export function isLeftColumn(index: number, shape: GridShape): boolean {
  return index % shape.columns === 0;
}
