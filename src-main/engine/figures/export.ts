import { join } from 'node:path';
import type { EChartsOption } from 'echarts';
import { InputError } from '../../shared/errors.js';
import { FIGURE_FAMILIES, type FigureFamily } from '../../shared/figures/families.js';
import { figureSize } from '../../shared/figures/frame.js';
import { panelBleed, type PanelRect } from '../../shared/figures/grid.js';
import type { FigureFormat, FigureSettings, FormatOptions, RasterizeMode } from '../../shared/figures/settings.js';
import type { StatsExport } from '../../shared/stats.js';
import { createFolder, writeWholeFile } from '../files.js';
import { figureParts, pinAxes, pointCount, type FigurePart } from './parts.js';
import { rasterImage, svgToPng } from './raster.js';
import { renderSvg, staticOption, withChart, type FigureSize } from './render.js';
import { group, svgPieces } from './svg.js';

export interface ExportedFigure {
  fileName: string;
  mimeType: string;
  data: Buffer;
}

interface RenderContext {
  size: FigureSize;
  panels: PanelRect[];
  rasterize: RasterizeMode;
  settings: FigureSettings;
}

function renderPart(part: FigurePart, context: RenderContext): string {
  const pieces = svgPieces(renderSvg(part.option, context.size), part.id);
  if (!pieces.body) return '';
  const dense = context.rasterize === 'auto' ? pointCount(part.option) > context.settings.rasterThreshold : context.rasterize === 'on';
  if (part.panel === undefined || !dense) return pieces.defs ? `<defs>${pieces.defs}</defs>\n${pieces.body}` : pieces.body;
  const margin = panelBleed(context.settings);
  return rasterImage(pieces, context.panels[part.panel], { resolution: context.settings.rasterResolution, margin });
}

function svgDocument(size: FigureSize, background: string, groups: string[]): string {
  const { width, height } = size;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
  return [open, `<rect id="background" x="0" y="0" width="${width}" height="${height}" fill="${background}"/>`, ...groups, '</svg>'].join('\n');
}

/** The figure as Figma-ready SVG: the builder's option rendered layer by layer into named groups. */
export function figureSvg(option: EChartsOption, settings: FigureSettings, rasterize: RasterizeMode = 'auto'): string {
  const size = figureSize(option, settings);
  const still = staticOption(option);
  const pinned = withChart(still, size, (chart) => pinAxes(chart, still));
  const panels = (Array.isArray(pinned.grid) ? pinned.grid : []) as unknown as PanelRect[];
  const context: RenderContext = { size, panels, rasterize, settings };
  const groups = figureParts(pinned).groups.flatMap((layer) => {
    const rendered = layer.parts.map((part) => ({ id: part.id, markup: renderPart(part, context) })).filter((part) => part.markup);
    if (rendered.length === 0) return [];
    const inner = rendered.length === 1 && rendered[0].id === layer.id ? rendered[0].markup : rendered.map((part) => group(part.id, part.markup)).join('\n');
    return [group(layer.id, inner)];
  });
  return svgDocument(size, String(option.backgroundColor ?? '#ffffff'), groups);
}

function familyOrThrow<S>(id: string, catalogue: readonly FigureFamily<S>[]): FigureFamily<S> {
  const family = catalogue.find((each) => each.id === id);
  if (!family) throw new InputError(`Unknown figure '${id}': expected one of ${catalogue.map((each) => each.id).join(', ')}.`);
  return family;
}

/** What to draw and how to write it: the settings on screen plus the file's own options, both checked already. */
export interface FigureRenderOptions {
  settings: FigureSettings;
  output: FormatOptions;
}

/** The family's figure in each format from one build and one SVG: a PNG is that SVG rasterized. */
export function renderFigures<S>(family: FigureFamily<S>, stats: S, formats: readonly FigureFormat[], options: FigureRenderOptions): ExportedFigure[] {
  return renderBuiltFigures({ id: family.id, build: (settings) => family.builder(stats, settings) }, formats, options);
}

/** Any builder's figure, named by id, in each format from one build and one SVG: what match figures share with run figures. */
export function renderBuiltFigures(figure: { id: string; build: (settings: FigureSettings) => EChartsOption }, formats: readonly FigureFormat[], options: FigureRenderOptions): ExportedFigure[] {
  const { settings, output } = options;
  const svg = figureSvg(figure.build(settings), settings, output.rasterize);
  return formats.map((format) => {
    if (format === 'svg') return { fileName: `${figure.id}.svg`, mimeType: 'image/svg+xml', data: Buffer.from(svg, 'utf8') };
    return { fileName: `${figure.id}.png`, mimeType: 'image/png', data: svgToPng(svg, settings.width * output.scale) };
  });
}

/** The 'figures.export' handler's work: one figure of one run, as SVG or PNG; the catalogue is the run kind's figures. */
export async function exportFigure<S = StatsExport>(
  stats: S,
  request: FigureRenderOptions & { family: string; format: FigureFormat },
  catalogue?: readonly FigureFamily<S>[],
): Promise<ExportedFigure> {
  const [figure] = renderFigures(familyOrThrow(request.family, catalogue ?? statisticsFigures<S>()), stats, [request.format], request);
  return figure;
}

/** A statistics run's figures, the default catalogue; S is StatsExport whenever no other catalogue is given. */
function statisticsFigures<S>(): readonly FigureFamily<S>[] {
  return FIGURE_FAMILIES as unknown as readonly FigureFamily<S>[];
}

export interface ExportAllOptions extends FigureRenderOptions {
  outDir: string;
  formats: FigureFormat[];
  families?: string[];
}

/** Writes one file per figure family and format, named after the family (quantiles.svg …); returns their paths. */
export async function exportAllFigures<S = StatsExport>(stats: S, options: ExportAllOptions, catalogue?: readonly FigureFamily<S>[]): Promise<string[]> {
  createFolder(options.outDir);
  const known = catalogue ?? statisticsFigures<S>();
  const families = options.families ? options.families.map((id) => familyOrThrow(id, known)) : known;
  const written: string[] = [];
  for (const family of families) {
    for (const figure of renderFigures(family, stats, options.formats, options)) {
      const path = join(options.outDir, figure.fileName);
      writeWholeFile(path, figure.data);
      written.push(path);
    }
  }
  return written;
}
