import { describe, expect, it } from 'vitest';
import type { CorrelationExport } from '../../../src-main/shared/correlation.js';
import {
  buildLayerMaxOption,
  buildPearsonDistributionOption,
  buildTopFeaturesOption,
  CORRELATION_SIGN_COLORS,
  pearsonHistogram,
} from '../../../src-main/shared/figures/correlation.js';
import { LAYER_PALETTE } from '../../../src-main/shared/figures/palettes.js';
import { DEFAULT_FIGURE_SETTINGS } from '../../../src-main/shared/figures/settings.js';

const CORRELATION: CorrelationExport = {
  label: 'category=stereotype',
  pooling: 'max',
  rows: 400,
  saes: [
    {
      hook: 'blocks.6.hook_resid_pre',
      pearson: [0.5, -0.7, 0, 1],
      mean_positive: [2, 1, 0, 9],
      mean_negative: [1, 3, 0, 0],
      top: [
        { index: 3, pearson: 1, coefficient: 9 },
        { index: 1, pearson: -0.7, coefficient: 1 },
      ],
    },
    { hook: 'blocks.2.hook_resid_pre', pearson: [0.1, -0.2], mean_positive: [0, 0], mean_negative: [0, 0], top: [{ index: 1, pearson: -0.2, coefficient: 0 }] },
  ],
};

interface Bar {
  value: number;
  itemStyle: { color: string };
}

describe('correlation figures', () => {
  it('draws the top features as signed bars, strongest on top, coloured by sign', () => {
    const option = buildTopFeaturesOption(CORRELATION, DEFAULT_FIGURE_SETTINGS);
    const series = option.series as { data: Bar[] }[];
    expect(series[0]!.data.map((bar) => bar.value)).toEqual([-0.7, 1]);
    expect(series[0]!.data.map((bar) => bar.itemStyle.color)).toEqual([CORRELATION_SIGN_COLORS.negative, CORRELATION_SIGN_COLORS.positive]);
    const yAxes = option.yAxis as { data: string[] }[];
    expect(yAxes[0]!.data).toEqual(['#1', '#3']);
    expect((option.title as { text: string }[])[0]!.text).toBe('Top features by |r| with category=stereotype · 400 rows, max-pooled');
  });

  it('bins r over [−1, 1] with r = 1 in the last bin', () => {
    const counts = pearsonHistogram([-1, -0.99, 0, 0.5, 1], 4);
    expect(counts).toEqual([2, 0, 1, 2]);
    const option = buildPearsonDistributionOption(CORRELATION, DEFAULT_FIGURE_SETTINGS);
    const data = (option.series as { data: [number, number | null][] }[])[0]!.data;
    expect(data.reduce((sum, [, count]) => sum + (count ?? 0), 0)).toBe(4);
  });

  it('puts each SAE at its layer with its max |r| in the layer palette', () => {
    const option = buildLayerMaxOption(CORRELATION, DEFAULT_FIGURE_SETTINGS);
    const data = (option.series as { data: { value: [number, number]; itemStyle: { color: string } }[] }[])[0]!.data;
    expect(data.map((point) => point.value)).toEqual([
      [2, 0.2],
      [6, 1],
    ]);
    expect(data[1]!.itemStyle.color).toBe(LAYER_PALETTE(7)[6]);
  });
});
