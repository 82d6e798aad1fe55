import { QUANTILE_LEVELS, type SaeStats, type StatsExport } from '../../../src-main/shared/stats.js';

/** A two-feature, three-position SAE whose values are easy to spot in the JSON. */
export function sampleSae(withLosses: boolean): SaeStats {
  const summary = { tokens: 4, l0: 1.5, dead: 0, dense: 2, mse: 0.25, explained_variance: 0.75, cosine: 0.9 };
  const positions = {
    n: new Float64Array([2, 2, 2]),
    act_mean: new Float64Array([3, 1, 2]),
    act_std: new Float64Array([0, 0.5, 1]),
    l0: new Float64Array([1, 2, 1]),
    density: new Float64Array([0.5, 1, 0.5]),
    l1: new Float64Array([3, 2, 2]),
    recon_mse: new Float64Array([0.1, 0.2, 0.3]),
    resid_norm: new Float64Array([9, 3, 4]),
  };
  const features = {
    count: new Float64Array([3, 3]),
    density: new Float64Array([0.75, 0.75]),
    mean: new Float64Array([1, 2]),
    std: new Float64Array([0.5, 0]),
    max: new Float64Array([1.5, 2]),
    mean_all: new Float64Array([0.75, 1.5]),
    quantiles: { levels: [...QUANTILE_LEVELS], values: QUANTILE_LEVELS.map((level) => new Float64Array([level, 2 * level])) },
  };
  const sae = { hook: 'blocks.0.hook_resid_pre', d_in: 8, d_sae: 2, summary, features, positions };
  if (!withLosses) return sae;
  return {
    ...sae,
    summary: { ...summary, ce_clean: 2, ce_spliced: 2.5, ce_zero: 4, ce_recovered: 0.75 },
    positions: { ...positions, ce_loss: [2.1, 1.9, null], ce_loss_spliced: [2.6, 2.4, null] },
  };
}

export function sampleExport(withLosses: boolean): StatsExport {
  return {
    run: { model: '/models/gpt2', dataset: '/data/demo.jsonl', samples: 2, context: 3, packing: 'packed' },
    saes: [sampleSae(withLosses)],
  };
}
