export { DEFAULT_EXPORT_SETTINGS, exportAllFigures, exportFigure, figureSvg, renderFigures } from './export.js';
export type { ExportAllOptions, ExportedFigure, ExportSettings, FigureRenderOptions } from './export.js';
export { EXPORT_SETTING_LIMITS, RASTERIZE_MODES, rasterizeFlag } from './export-settings.js';
export type { FigureExportSettings, RasterizeMode, SettingLimit } from './export-settings.js';
