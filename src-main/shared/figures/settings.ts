/** Every knob of a figure; the figures view and the CLI's flags both fill this. */
export interface FigureSettings {
  /** Figure width in pixels; the height follows from the panel grid. */
  width: number;
  /** Panel height over panel width. */
  panelAspect: number;
  /** Multiplies every font size and the margins that hold text (2 for slides). */
  fontScale: number;
  /** One axis range for all layer panels, so layers compare at a glance. */
  shareAxes: boolean;
  /** Robust z-score (median absolute deviation) above which a position is annotated. */
  outlierThreshold: number;
  /** Histogram bins for log10 feature density. */
  densityBins: number;
  /** Scatter symbol size in pixels. */
  pointSize: number;
  /** Opacity of the points in the all-layers figure. */
  layerOpacity: number;
}

export const DEFAULT_FIGURE_SETTINGS: FigureSettings = {
  width: 1280,
  panelAspect: 0.62,
  fontScale: 1,
  shareAxes: true,
  outlierThreshold: 3.5,
  densityBins: 50,
  pointSize: 2,
  layerOpacity: 0.35,
};

export const FIGURE_FONT_FAMILY = 'Arial, Helvetica, Liberation Sans, DejaVu Sans, sans-serif';

export interface FontSizes {
  title: number;
  subtitle: number;
  axisLabel: number;
  axisName: number;
  note: number;
}

export function fontSizes(settings: FigureSettings): FontSizes {
  const scaled = (size: number) => Math.round(size * settings.fontScale * 10) / 10;
  return { title: scaled(16), subtitle: scaled(12), axisLabel: scaled(10), axisName: scaled(11), note: scaled(10) };
}
