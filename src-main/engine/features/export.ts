import type { FeaturePage } from './page.js';

/** One feature of the export (features.md "JSON export"), keys in the contract's order. */
export interface FeatureExportEntry {
  index: number;
  count: number;
  density: number;
  mean: number;
  max: number;
  examples: { window: number; position: number; value: number; tokens: number[]; center: number }[];
  histogram: { edges: number[]; counts: number[] };
  logit_effect: FeaturePage['logit_effect'];
  neighbours: FeaturePage['neighbours'];
}

export interface FeaturesExport {
  hook: string;
  features: FeatureExportEntry[];
}

export function featureExportEntry(page: FeaturePage): FeatureExportEntry {
  const { count, density, mean, max } = page.summary;
  return {
    index: page.index,
    count,
    density,
    mean,
    max,
    examples: page.examples.map(({ window, position, value, tokens, center }) => ({ window, position, value, tokens, center })),
    histogram: page.histogram ?? { edges: [], counts: [] },
    logit_effect: page.logit_effect,
    neighbours: page.neighbours,
  };
}

export function featuresToJson(hook: string, pages: FeaturePage[]): string {
  const body: FeaturesExport = { hook, features: pages.map(featureExportEntry) };
  return `${JSON.stringify(body, null, 2)}\n`;
}
