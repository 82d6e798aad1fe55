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

export interface HeaderSpace {
  /** A legend or footnote line under the main title. */
  hasLegend?: boolean;
  /** Extra room above each panel, e.g. for a top axis, in unscaled pixels. */
  panelHeader?: number;
}

/** Pixel margins grow with the font scale so larger text never collides. */
export function margins(settings: FigureSettings, header: HeaderSpace = {}) {
  const scale = settings.fontScale;
  const panelHeader = (header.panelHeader ?? 0) * scale;
  return {
    top: (header.hasLegend ? 84 : 64) * scale + panelHeader,
    left: 64 * scale,
    right: 24 * scale,
    bottom: 48 * scale,
    gapX: (settings.shareAxes ? 20 : 56) * scale,
    gapY: (settings.shareAxes ? 34 : 48) * scale + panelHeader,
  };
}

export function figureLayout(panelCount: number, settings: FigureSettings, header: HeaderSpace = {}): FigureLayout {
  const { rows, columns } = gridShape(panelCount);
  const edge = margins(settings, header);
  const panelWidth = (settings.width - edge.left - edge.right - edge.gapX * (columns - 1)) / columns;
  const panelHeight = Math.round(panelWidth * settings.panelAspect);
  const panels = Array.from({ length: panelCount }, (_, index) => ({
    left: Math.round(edge.left + (index % columns) * (panelWidth + edge.gapX)),
    top: Math.round(edge.top + Math.floor(index / columns) * (panelHeight + edge.gapY)),
    width: Math.round(panelWidth),
    height: panelHeight,
  }));
  return { rows, columns, width: settings.width, panels };
}

export function isBottomRow(index: number, panelCount: number, shape: GridShape): boolean {
  return index + shape.columns >= panelCount;
}

export function isLeftColumn(index: number, shape: GridShape): boolean {
  return index % shape.columns === 0;
}
