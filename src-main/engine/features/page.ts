import { histogramEdges } from '../stats/histogram.js';
import { EXAMPLE_SPAN, type ContextExample } from '../stats/top-examples.js';
import type { FeatureStats } from '../../shared/stats.js';
import type { LogitEffect } from './logit-effects.js';
import type { Neighbours } from './neighbours.js';

/** One feature's statistics (statistics.md names) with its quantiles at the run's levels. */
export interface FeatureSummary {
  count: number;
  density: number;
  mean: number;
  std: number;
  max: number;
  mean_all: number;
  quantiles: { levels: number[]; values: number[] };
}

/** An example with its window's tokens from position − span to position + span, and the feature on each. */
export interface PageExample {
  window: number;
  position: number;
  value: number;
  tokens: number[];
  /** Index of the example token in `tokens`. */
  center: number;
  activations: number[];
}

/** Everything a feature page shows; the screen, the text print and the JSON export read this. */
export interface FeaturePage {
  hook: string;
  index: number;
  featureCount: number;
  summary: FeatureSummary;
  /** Examples the run kept per feature: null when the run predates examples, 0 when they were turned off. */
  recorded: number | null;
  examples: PageExample[];
  histogram: { edges: number[]; counts: number[] } | null;
  logit_effect: LogitEffect | null;
  neighbours: Neighbours | null;
  /** Why logit effects and neighbours are missing: the model or SAE could not be read. */
  weightsError?: string;
  /** Decoded text of every token id the page shows. */
  tokenText: Record<number, string>;
}

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
