import { describe, expect, it } from 'vitest';
import { figureSvg } from '../../../src-main/engine/figures/index.js';
import { DEFAULT_FIGURE_SETTINGS } from '../../../src-main/shared/figures/settings.js';
import { FIGURE_FAMILIES, findFamily } from '../../../src-main/shared/figures/families.js';
import { syntheticStats } from '../../helpers/synthetic-stats.js';

const stats = syntheticStats({ layers: 4, features: 200, context: 24, samples: 8, seed: 3, ce: true });

function numericLabels(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]).filter((text) => /^-?[\d.]+(e-?\d+)?$/.test(text));
}

function significantDigits(label: string): number {
  return label.replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '').length;
}

describe.each(FIGURE_FAMILIES.map((family) => family.id))('%s exported', (id) => {
  it.each([true, false])('prints axis labels of at most 6 significant digits (shareAxes %s)', (shareAxes) => {
    const settings = { ...DEFAULT_FIGURE_SETTINGS, shareAxes, rasterThreshold: 1e9 };
    const labels = numericLabels(figureSvg(findFamily(id)!.builder(stats, settings), settings, 'off'));
    expect(labels.length).toBeGreaterThan(4);
    expect(labels.filter((label) => significantDigits(label) > 6)).toEqual([]);
  });
});
