import type { CorrelationExport, SaeCorrelation } from '../../shared/correlation.js';

/** corr.json exactly as the spec writes it: its key order and plain numbers. */
export function correlationToJson(result: CorrelationExport): string {
  const { label, pooling, rows } = result;
  return JSON.stringify({ label, pooling, rows, saes: result.saes.map(saeJson) });
}

function saeJson(sae: SaeCorrelation): Record<string, unknown> {
  return {
    hook: sae.hook,
    pearson: Array.from(sae.pearson),
    mean_positive: Array.from(sae.mean_positive),
    mean_negative: Array.from(sae.mean_negative),
    top: sae.top.map(({ index, pearson, coefficient }) => ({ index, pearson, coefficient })),
  };
}
