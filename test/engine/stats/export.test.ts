import { describe, expect, it } from 'vitest';
import { statsToJson } from '../../../src-main/engine/stats/export.js';
import { sampleExport } from './sample-stats.js';

describe('stats.json', () => {
  it("writes the spec's keys in the spec's order with plain numbers", () => {
    const json = JSON.parse(statsToJson(sampleExport(false)));
    expect(Object.keys(json)).toEqual(['run', 'saes']);
    expect(json.run).toEqual({ model: '/models/gpt2', dataset: '/data/demo.jsonl', samples: 2, context: 3, packing: 'packed' });
    expect(Object.keys(json.run)).toEqual(['model', 'dataset', 'samples', 'context', 'packing']);
    const [sae] = json.saes;
    expect(Object.keys(sae)).toEqual(['hook', 'd_in', 'd_sae', 'summary', 'features', 'positions']);
    expect(Object.keys(sae.summary)).toEqual(['tokens', 'l0', 'dead', 'dense', 'mse', 'explained_variance', 'cosine']);
    expect(Object.keys(sae.features)).toEqual(['count', 'density', 'mean', 'std', 'max', 'mean_all', 'quantiles']);
    expect(Object.keys(sae.positions)).toEqual(['n', 'act_mean', 'act_std', 'l0', 'density', 'l1', 'recon_mse', 'resid_norm']);
    expect(sae.features.mean).toEqual([1, 2]);
    expect(sae.positions.resid_norm).toEqual([9, 3, 4]);
  });

  it('writes quantiles as one array over features per level', () => {
    const { quantiles } = JSON.parse(statsToJson(sampleExport(false))).saes[0].features;
    expect(Object.keys(quantiles)).toEqual(['levels', 'values']);
    expect(quantiles.levels).toEqual([0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]);
    expect(quantiles.values[2]).toEqual([0.5, 1]);
  });

  it('adds the CE keys, with null where a position has no next token, only when losses are on', () => {
    const [sae] = JSON.parse(statsToJson(sampleExport(true))).saes;
    expect(Object.keys(sae.summary).slice(-4)).toEqual(['ce_clean', 'ce_spliced', 'ce_zero', 'ce_recovered']);
    expect(Object.keys(sae.positions).slice(-2)).toEqual(['ce_loss', 'ce_loss_spliced']);
    expect(sae.positions.ce_loss).toEqual([2.1, 1.9, null]);
    expect(sae.summary.ce_recovered).toBe(0.75);
    expect(statsToJson(sampleExport(false))).not.toContain('ce_');
  });
});
