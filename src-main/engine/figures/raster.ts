import { Resvg } from '@resvg/resvg-js';
import type { PanelRect } from '../../shared/figures/grid.js';
import type { SvgPieces } from './svg.js';

/** System fonts, so PNGs use the same faces a designer's machine would. */
export const RESVG_FONT_OPTIONS = { loadSystemFonts: true, defaultFontFamily: 'Liberation Sans' };

export function svgToPng(svg: string, width: number): Buffer {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: Math.round(width) }, font: RESVG_FONT_OPTIONS, background: 'rgba(255,255,255,0)' });
  return resvg.render().asPng();
}

/**
 * Draws a part's points alone into a PNG covering the panel (plus a margin for point labels) and
 * returns an <image> placed exactly there, so axes and text around it stay vector.
 */
export function rasterImage(pieces: SvgPieces, rect: PanelRect, options: { resolution: number; margin: number }): string {
  const left = rect.left - options.margin;
  const top = rect.top - options.margin;
  const width = rect.width + 2 * options.margin;
  const height = rect.height + 2 * options.margin;
  const standalone = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="${left} ${top} ${width} ${height}"><defs>${pieces.defs}</defs>${pieces.body}</svg>`;
  const png = svgToPng(standalone, width * options.resolution);
  return `<image x="${left}" y="${top}" width="${width}" height="${height}" preserveAspectRatio="none" xlink:href="data:image/png;base64,${png.toString('base64')}"/>`;
}
