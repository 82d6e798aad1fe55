import { describe, expect, it } from 'vitest';
import { FLARE_LUT, MAKO_LUT, VIRIDIS_LUT } from '../../../src-main/shared/figures/colormaps.js';
import { LAYER_PALETTE, lookupColor, POSITION_PALETTE, QUANTILE_PALETTE } from '../../../src-main/shared/figures/palettes.js';

describe('palettes', () => {
  it('samples viridis as seaborn.color_palette("viridis", 12)', () => {
    const palette = LAYER_PALETTE(12);
    expect(palette).toHaveLength(12);
    expect(palette[0]).toBe('#481c6e');
    expect(palette[11]).toBe('#cde11d');
  });

  it('samples mako as seaborn.color_palette("mako", 7)', () => {
    expect(QUANTILE_PALETTE(7)).toEqual(['#2b1c35', '#3e356b', '#3b5698', '#357ba3', '#359fab', '#4bc2ad', '#99ddb6']);
  });

  it('samples flare as seaborn.color_palette("flare", 5)', () => {
    expect(POSITION_PALETTE(5)).toEqual(['#e98768', '#de5d5c', '#c14168', '#9a3670', '#722c6e']);
  });

  it('keeps 256-entry lookup tables', () => {
    for (const lut of [VIRIDIS_LUT, MAKO_LUT, FLARE_LUT]) expect(lut).toHaveLength(256);
  });

  // By hand: 1/8 · 256 = 32 → viridis[32] = (0.278826, 0.17549, 0.483397) · 255 → (71, 45, 123).
  it('looks a colour up as floor(x · 256), with 1 mapped to the last entry', () => {
    expect(lookupColor(VIRIDIS_LUT, 1 / 8)).toBe('#472d7b');
    expect(lookupColor(VIRIDIS_LUT, 1)).toBe('#fde725');
    expect(lookupColor(VIRIDIS_LUT, 0)).toBe('#440154');
  });

  it('samples flare continuously over a 1024-token context', () => {
    const palette = POSITION_PALETTE(1024);
    expect(palette).toHaveLength(1024);
    expect(new Set(palette).size).toBeGreaterThan(240);
    expect(palette[0]).toBe(lookupColor(FLARE_LUT, 0));
  });
});
