import { formatNumber } from '../../shared/figures/numbers.js';
import { exampleText, missingExamplesReason, type FeaturePage } from '../../shared/features.js';

/** The page as plain text: what `sae-studio feature` prints. */
export function featurePageText(page: FeaturePage): string {
  return [...headerLines(page), '', ...exampleLines(page), '', ...histogramLines(page), '', ...weightLines(page)].join('\n');
}

function headerLines(page: FeaturePage): string[] {
  const { summary } = page;
  const stats = (['count', 'density', 'mean', 'std', 'max', 'mean_all'] as const).map((name) => `${name} ${formatNumber(summary[name])}`);
  const quantiles = summary.quantiles.levels.map((level, k) => `q${level} ${formatNumber(summary.quantiles.values[k])}`);
  return [`Feature ${page.index} of ${page.hook} (${page.featureCount} features)`, stats.join('  '), `quantiles  ${quantiles.join('  ')}`];
}

function exampleLines(page: FeaturePage): string[] {
  const reason = missingExamplesReason(page);
  if (reason) return ['Top examples', `  ${reason}`];
  const lines = page.examples.map((example, rank) => {
    const where = `window ${example.window}, position ${example.position}`;
    return `${String(rank + 1).padStart(3)}. ${formatNumber(example.value).padStart(9)}  ${exampleText(example, page.tokenText)}   (${where})`;
  });
  return [`Top examples (${page.recorded} kept per feature; the active token in brackets)`, ...lines];
}

function histogramLines(page: FeaturePage): string[] {
  if (!page.histogram || page.summary.count === 0) return ['Activation histogram', '  No active values.'];
  const { edges, counts } = page.histogram;
  const largest = Math.max(...counts);
  const bar = (count: number) => '█'.repeat(largest === 0 ? 0 : Math.round((30 * count) / largest));
  const lines = counts.map((count, bin) => `  ${formatNumber(edges[bin]).padStart(9)} – ${formatNumber(edges[bin + 1]).padEnd(9)} ${String(count).padStart(8)} ${bar(count)}`.trimEnd());
  return ['Activation histogram (32 bins, log10-spaced from 1e-3 × max to max)', ...lines];
}

function weightLines(page: FeaturePage): string[] {
  if (!page.logit_effect || !page.neighbours) return ['Logit effects and neighbours', `  ${page.weightsError ?? 'Not available.'}`];
  const tokens = (entries: [number, number][]) => entries.map(([token, value]) => `${JSON.stringify(page.tokenText[token] ?? '')} ${formatNumber(value)}`).join(', ');
  const neighbours = page.neighbours.map(([index, cosine]) => `#${index} ${formatNumber(cosine)}`).join(', ');
  return [
    'Logit effects (W_dec · W_U)',
    `  promotes    ${tokens(page.logit_effect.top)}`,
    `  suppresses  ${tokens(page.logit_effect.bottom)}`,
    'Nearest features by decoder cosine',
    `  ${neighbours}`,
  ];
}
