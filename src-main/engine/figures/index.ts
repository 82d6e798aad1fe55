export { exportAllFigures, exportFigure, figureSvg, renderFigures } from './export.js';
export type { ExportAllOptions, ExportedFigure, FigureRenderOptions } from './export.js';
