import { describe, expect, it } from 'vitest';
import { activationStyle, contrastRatio, exampleText, missingExamplesReason, type FeaturePage } from '../../src-main/shared/features.js';
import { buildFeaturePageOption } from '../../src-main/shared/figures/feature-page.js';
import { featureAtPoint } from '../../src-main/shared/figures/feature-links.js';
import { buildLayersCombinedOption } from '../../src-main/shared/figures/layers-combined.js';
import { buildQuantilesOption } from '../../src-main/shared/figures/quantiles.js';
import { DEFAULT_FIGURE_SETTINGS } from '../../src-main/shared/figures/settings.js';
import { syntheticStats } from '../helpers/synthetic-stats.js';

function samplePage(overrides: Partial<FeaturePage> = {}): FeaturePage {
  return {
    hook: 'blocks.0.hook_resid_pre',
    index: 3,
    featureCount: 8,
    summary: { count: 5, density: 0.5, mean: 1, std: 0.1, max: 2, mean_all: 0.5, quantiles: { levels: [0.5], values: [1] } },
    recorded: 20,
    examples: [{ window: 0, position: 2, value: 2, tokens: [10, 11, 12], center: 2, activations: [0, 1, 2] }],
    histogram: { edges: Array.from({ length: 33 }, (_, k) => 2 * 10 ** (-3 + (3 * k) / 32)), counts: [...new Array(31).fill(0), 5] },
    logit_effect: { top: [[10, 1.5], [11, 1]], bottom: [[12, -2]] },
    neighbours: [[1, 0.5]],
    tokenText: { 10: 'the', 11: ' cat\n', 12: ' sat' },
    ...overrides,
  };
}

describe('activation colours', () => {
  it('run from white to one hue, with text that keeps at least 4.5:1 contrast everywhere', () => {
    expect(activationStyle(0, 2).background).toBe('#ffffff');
    expect(activationStyle(-1, 2).background).toBe('#ffffff');
    expect(activationStyle(2, 2).background).toBe('#1f4e9c');
    for (let k = 0; k <= 100; k++) {
      const { background, color } = activationStyle(k / 100, 1);
      expect(contrastRatio(background, color)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('measures contrast as WCAG does', () => {
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});

describe('example text', () => {
  it('brackets the example token and makes newlines visible', () => {
    expect(exampleText(samplePage().examples[0], samplePage().tokenText)).toBe('the cat⏎[ sat]');
  });

  it('says why a page has no examples', () => {
    expect(missingExamplesReason(samplePage({ recorded: null, examples: [] }))).toBe('Examples were not recorded: this run predates them.');
    expect(missingExamplesReason(samplePage({ recorded: 0, examples: [] }))).toBe('Examples were turned off for this run (--examples 0).');
    expect(missingExamplesReason(samplePage({ examples: [] }))).toBe('This feature was never active, so it has no examples.');
    expect(missingExamplesReason(samplePage())).toBeUndefined();
  });
});

describe('the feature page figure', () => {
  it('draws the histogram and the logit effects, most suppressed to most promoted', () => {
    const option = buildFeaturePageOption(samplePage(), DEFAULT_FIGURE_SETTINGS);
    const grids = option.grid as { id: string }[];
    expect(grids.map((grid) => grid.id)).toEqual(['histogram', 'logit-effect']);
    const series = option.series as { data: unknown[] }[];
    expect(series[0].data).toEqual(samplePage().histogram!.counts);
    expect(series[1].data.map((item) => (item as { value: number }).value)).toEqual([-2, 1, 1.5]);
    const axes = option.xAxis as { data?: string[] }[];
    expect(axes[1].data).toEqual(["' sat'", "' cat⏎'", "'the'"]);
  });

  it('leaves out what a page lacks', () => {
    const option = buildFeaturePageOption(samplePage({ logit_effect: null }), DEFAULT_FIGURE_SETTINGS);
    expect((option.grid as { id: string }[]).map((grid) => grid.id)).toEqual(['histogram']);
  });
});

describe('links from per-feature figures', () => {
  it.each([
    ['quantiles', buildQuantilesOption],
    ['all layers', buildLayersCombinedOption],
  ])('name the SAE and feature under a point of %s', (_, build) => {
    const stats = syntheticStats();
    const option = build(stats, DEFAULT_FIGURE_SETTINGS);
    const series = option.series as { data: Float64Array; name: string }[];
    let checked = 0;
    // The all-layers histogram of means is drawn beside the points and links nowhere.
    const perFeature = series.filter((_, seriesIndex) => featureAtPoint(option, seriesIndex, 0) !== undefined);
    expect(perFeature.length).toBeGreaterThanOrEqual(stats.saes.length);
    series.forEach((each, seriesIndex) => {
      if (!perFeature.includes(each)) return;
      for (let dataIndex = 0; dataIndex < each.data.length / 3; dataIndex += 7) {
        const link = featureAtPoint(option, seriesIndex, dataIndex)!;
        const sae = stats.saes.find((candidate) => candidate.hook === link.hook)!;
        expect(Number.isInteger(link.feature) && link.feature >= 0 && link.feature < sae.d_sae).toBe(true);
        expect(each.data[dataIndex * 3 + 2]).toBe(link.feature);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(10);
  });

  it('ignore series that are not per-feature', () => {
    const option = buildFeaturePageOption(samplePage(), DEFAULT_FIGURE_SETTINGS);
    expect(featureAtPoint(option, 0, 0)).toBeUndefined();
  });
});
