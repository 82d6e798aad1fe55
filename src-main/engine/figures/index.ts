export { DEFAULT_EXPORT_SETTINGS, exportAllFigures, exportFigure, figureSvg, renderFigure } from './export.js';
export type { ExportAllOptions, ExportedFigure, ExportSettings, FigureRenderOptions } from './export.js';
