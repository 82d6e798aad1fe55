import type { FeatureStats, NullableSeries, PositionStats, SaeStats, SaeSummary, StatsExport } from '../../shared/stats.js';

const SUMMARY_KEYS = ['tokens', 'l0', 'dead', 'dense', 'mse', 'explained_variance', 'cosine'] as const;
const LOSS_SUMMARY_KEYS = ['ce_clean', 'ce_spliced', 'ce_zero', 'ce_recovered'] as const;
/** The per-feature arrays, in the spec's order. */
export const FEATURE_KEYS = ['count', 'density', 'mean', 'std', 'max', 'mean_all'] as const;
/** The per-position arrays, in the spec's order; the loss arrays follow only when losses were computed. */
export const POSITION_KEYS = ['n', 'act_mean', 'act_std', 'l0', 'density', 'l1', 'recon_mse', 'resid_norm'] as const;
export const LOSS_POSITION_KEYS = ['ce_loss', 'ce_loss_spliced'] as const;

/** stats.json exactly as the spec writes it: its key order, plain numbers, null where a value is undefined. */
export function statsToJson(stats: StatsExport): string {
  const { model, dataset, samples, context, packing } = stats.run;
  return JSON.stringify({ run: { model, dataset, samples, context, packing }, saes: stats.saes.map(saeJson) });
}

function saeJson(sae: SaeStats): Record<string, unknown> {
  return {
    hook: sae.hook,
    d_in: sae.d_in,
    d_sae: sae.d_sae,
    summary: summaryJson(sae.summary),
    features: featuresJson(sae.features),
    positions: positionsJson(sae.positions),
  };
}

function summaryJson(summary: SaeSummary): Record<string, number | null> {
  const withLosses = summary.ce_clean !== undefined;
  const keys = withLosses ? [...SUMMARY_KEYS, ...LOSS_SUMMARY_KEYS] : SUMMARY_KEYS;
  return Object.fromEntries(keys.map((key) => [key, plain(summary[key])]));
}

function featuresJson(features: FeatureStats): Record<string, unknown> {
  const arrays = Object.fromEntries(FEATURE_KEYS.map((key) => [key, plainArray(features[key])]));
  return { ...arrays, quantiles: { levels: [...features.quantiles.levels], values: features.quantiles.values.map(plainArray) } };
}

function positionsJson(positions: PositionStats): Record<string, unknown> {
  const withLosses = positions.ce_loss !== undefined;
  const keys = withLosses ? [...POSITION_KEYS, ...LOSS_POSITION_KEYS] : POSITION_KEYS;
  return Object.fromEntries(keys.map((key) => [key, plainArray(positions[key] ?? [])]));
}

function plainArray(series: NullableSeries): (number | null)[] {
  return Array.from(series, plain);
}

/** JSON has no NaN or Infinity: those become null. */
function plain(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}
