import { DEFAULT_FIGURE_SETTINGS, type FigureSettings } from './settings.js';

/** Light on purpose: the renderer and the API's checks read it without loading the exporter. */
export interface ExportSettings extends FigureSettings {
  /** Points in one panel above which they go in as an embedded PNG (when rasterize is not forced). */
  rasterThreshold: number;
  /** Pixel density of embedded point images relative to the figure. */
  rasterResolution: number;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = { ...DEFAULT_FIGURE_SETTINGS, rasterThreshold: 10_000, rasterResolution: 3 };

/** Whether dense points go in as an embedded PNG: by the raster threshold, always, or never. */
export const RASTERIZE_MODES = ['auto', 'on', 'off'] as const;
export type RasterizeMode = (typeof RASTERIZE_MODES)[number];

/** The request's `rasterize`: undefined leaves the choice to the threshold. */
export function rasterizeFlag(mode: RasterizeMode): boolean | undefined {
  return mode === 'auto' ? undefined : mode === 'on';
}

/** The export settings a request may carry; the font scale travels beside them, not inside. */
export type FigureExportSettings = Partial<Omit<ExportSettings, 'fontScale'>>;

export interface SettingLimit {
  min: number;
  max: number;
  integer?: boolean;
}

/** Sane ranges for every numeric figure setting, shared by the API's checks and the settings form. */
export const EXPORT_SETTING_LIMITS = {
  width: { min: 200, max: 10_000, integer: true },
  panelAspect: { min: 0.1, max: 4 },
  outlierThreshold: { min: 0.1, max: 100 },
  densityBins: { min: 2, max: 1000, integer: true },
  pointSize: { min: 0.1, max: 50 },
  layerOpacity: { min: 0.01, max: 1 },
  rasterThreshold: { min: 0, max: 1e9, integer: true },
  rasterResolution: { min: 0.5, max: 16 },
} as const satisfies Record<keyof Omit<FigureExportSettings, 'shareAxes'>, SettingLimit>;
