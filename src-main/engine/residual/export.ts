import { RESIDUAL_LENS_KEYS, RESIDUAL_MATRIX_KEYS, type ResidualStats, type Series } from '../../shared/residual.js';

/** residual.json exactly as the spec writes it: its key order, plain numbers, null where a value is not finite. */
export function residualToJson(stats: ResidualStats): string {
  const { model, samples, context, packing, ablate } = stats.run;
  const matrices = Object.fromEntries(RESIDUAL_MATRIX_KEYS.map((key) => [key, stats[key].map(plainArray)]));
  const massive = stats.massive.map(({ dims, values, bos_dims, bos_values }) => ({ dims, values: plainArray(values), bos_dims, bos_values: plainArray(bos_values) }));
  const lens = Object.fromEntries(RESIDUAL_LENS_KEYS.map((key) => [key, plainArray(stats[key])]));
  return JSON.stringify({ run: { model, samples, context, packing, ablate }, layers: stats.layers, ...matrices, massive, ...lens });
}

function plainArray(series: Series): (number | null)[] {
  return Array.from(series, (value) => (Number.isFinite(value) ? value : null));
}
