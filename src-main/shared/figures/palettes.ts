import { FLARE_LUT, MAKO_LUT, VIRIDIS_LUT, type Rgb } from './colormaps.js';

function channelHex(value: number): string {
  return Math.round(value * 255).toString(16).padStart(2, '0');
}

function rgbHex([red, green, blue]: Rgb): string {
  return `#${channelHex(red)}${channelHex(green)}${channelHex(blue)}`;
}

/** A matplotlib colormap lookup: floor(x · N), with x = 1 mapped to the last entry. */
export function lookupColor(lut: readonly Rgb[], position: number): string {
  const clamped = Math.min(Math.max(position, 0), 1);
  const index = Math.min(Math.floor(clamped * lut.length), lut.length - 1);
  return rgbHex(lut[index]);
}

/** seaborn.color_palette(name, n) for a continuous map: n points of linspace(0, 1, n + 2) without its ends. */
export function samplePalette(lut: readonly Rgb[], count: number): string[] {
  const step = 1 / (count + 1);
  return Array.from({ length: count }, (_, index) => lookupColor(lut, (index + 1) * step));
}

/** One viridis colour per layer; for layer gradations only. */
export function LAYER_PALETTE(layerCount: number): string[] {
  return samplePalette(VIRIDIS_LUT, layerCount);
}

/** One mako colour per quantile level. */
export function QUANTILE_PALETTE(levelCount: number): string[] {
  return samplePalette(MAKO_LUT, levelCount);
}

/** Flare over positions, sampled continuously so any context length gets a smooth gradient. */
export function POSITION_PALETTE(positionCount: number): string[] {
  return samplePalette(FLARE_LUT, positionCount);
}

/** Mako for continuous magnitudes, such as a heatmap's colour scale. */
export function HEATMAP_PALETTE(colorCount: number): string[] {
  return samplePalette(MAKO_LUT, colorCount);
}
