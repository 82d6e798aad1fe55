import { describe, expect, it } from 'vitest';
import { figureSvg } from '../../../src-main/engine/figures/index.js';
import { DEFAULT_FIGURE_SETTINGS } from '../../../src-main/shared/figures/settings.js';
import { FIGURE_FAMILIES } from '../../../src-main/shared/figures/families.js';
import { syntheticStats } from '../../helpers/synthetic-stats.js';
import { overlappingPairs, textBoxes } from '../../helpers/text-boxes.js';

const stats = syntheticStats({ layers: 12, features: 64, context: 24, samples: 20, seed: 3, ce: true, spikes: [5, 9] });

const CASES = [
  { fontScale: 1, width: 1280, shareAxes: false },
  { fontScale: 1.5, width: 1280, shareAxes: true },
  { fontScale: 2, width: 1024, shareAxes: true },
  { fontScale: 2, width: 1024, shareAxes: false },
];

describe.each(FIGURE_FAMILIES.map((family) => family.id))('%s layout', (id) => {
  const family = FIGURE_FAMILIES.find((each) => each.id === id)!;

  it.each(CASES)('has no colliding text at font scale $fontScale, width $width, shared axes $shareAxes', (knobs) => {
    const settings = { ...DEFAULT_FIGURE_SETTINGS, ...knobs };
    const svg = figureSvg(family.builder(stats, settings), settings, 'off');
    expect(overlappingPairs(textBoxes(svg))).toEqual([]);
  });
});
