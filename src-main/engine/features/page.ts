import { histogramEdges } from '../stats/histogram.js';
import { EXAMPLE_SPAN, type ContextExample } from '../stats/top-examples.js';
import type { FeatureStats } from '../../shared/stats.js';
import type { FeaturePage, FeatureSummary, PageExample } from '../../shared/features.js';

export type { FeaturePage, FeatureSummary, PageExample } from '../../shared/features.js';

export function featureSummary(features: FeatureStats, index: number): FeatureSummary {
  return {
    count: features.count[index],
    density: features.density[index],
    mean: features.mean[index],
    std: features.std[index],
    max: features.max[index],
    mean_all: features.mean_all[index],
    quantiles: { levels: [...features.quantiles.levels], values: features.quantiles.values.map((values) => values[index]) },
  };
}

/** The example with its context clipped to the window (`tokens` holds the window's valid tokens). */
export function pageExample(example: ContextExample, tokens: ArrayLike<number>, span = EXAMPLE_SPAN): PageExample {
  const start = Math.max(0, example.position - span);
  const end = Math.min(tokens.length, example.position + span + 1);
  const offset = EXAMPLE_SPAN - example.position;
  return {
    window: example.window,
    position: example.position,
    value: example.value,
    tokens: Array.from({ length: end - start }, (_, k) => tokens[start + k]),
    center: example.position - start,
    activations: Array.from({ length: end - start }, (_, k) => example.context[start + k + offset] ?? 0),
  };
}

export function pageHistogram(counts: number[], max: number): FeaturePage['histogram'] {
  return { edges: histogramEdges(max), counts };
}

/** Every token id the page shows, decoded one at a time. */
export function decodeTokens(page: Pick<FeaturePage, 'examples' | 'logit_effect'>, decode: (ids: number[]) => string): Record<number, string> {
  const ids = new Set(page.examples.flatMap((example) => example.tokens));
  for (const [token] of [...(page.logit_effect?.top ?? []), ...(page.logit_effect?.bottom ?? [])]) ids.add(token);
  return Object.fromEntries([...ids].map((id) => [id, decode([id])]));
}
