import { standardNormal, uniformSampler } from '../../src-main/engine/demo/random.js';
import { DENSE_DENSITY } from '../../src-main/engine/stats/summary.js';
import { QUANTILE_LEVELS, type SaeStats, type StatsExport } from '../../src-main/shared/stats.js';

export interface SyntheticOptions {
  layers?: number;
  features?: number;
  context?: number;
  samples?: number;
  seed?: number;
  ce?: boolean;
  /** Positions whose mean activation is pushed far from the rest, besides BOS. */
  spikes?: number[];
  dataset?: string;
}

const QUANTILE_SHAPE = [0.3, 0.55, 0.9, 1.3, 1.8, 2.2, 3.2];

function syntheticFeatures(random: () => number, layer: number, features: number, tokens: number): SaeStats['features'] {
  const count = new Float64Array(features);
  const mean = new Float64Array(features);
  const std = new Float64Array(features);
  const quantiles = QUANTILE_LEVELS.map(() => new Float64Array(features));
  for (let i = 0; i < features; i++) {
    if (random() < 0.04 + 0.005 * layer) continue;
    count[i] = Math.max(1, Math.round(10 ** Math.min(0, -3 + 0.9 * standardNormal(random)) * tokens));
    mean[i] = Math.exp(Math.log(1 + 0.4 * layer) + 0.5 * standardNormal(random));
    std[i] = mean[i] * (0.3 + 0.5 * random());
    const jitter = QUANTILE_SHAPE.map((shape) => shape * mean[i] * Math.exp(0.1 * standardNormal(random))).sort((a, b) => a - b);
    jitter.forEach((value, k) => (quantiles[k][i] = value));
  }
  const density = count.map((value) => value / tokens);
  const max = mean.map((value, i) => value + 4 * std[i]);
  const meanAll = mean.map((value, i) => value * density[i]);
  return { count, density, mean, std, max, mean_all: meanAll, quantiles: { levels: [...QUANTILE_LEVELS], values: quantiles } };
}

function syntheticPositions(random: () => number, layer: number, options: Required<SyntheticOptions>): SaeStats['positions'] {
  const { context, samples, spikes, ce } = options;
  const actMean = Array.from({ length: context }, (_, t) => (1 + 0.4 * layer) * (1 + 0.05 * standardNormal(random)) * (t === 0 ? 25 : spikes.includes(t) ? 6 : 1));
  const actStd = actMean.map((value) => value * (0.5 + 0.02 * standardNormal(random)));
  const l0 = Array.from({ length: context }, (_, t) => (t === 0 ? 400 : 40 + 4 * standardNormal(random)));
  const positions: SaeStats['positions'] = {
    n: new Array(context).fill(samples),
    act_mean: actMean,
    act_std: actStd,
    l0,
    density: l0.map((value) => value / options.features),
    l1: l0.map((value, t) => value * actMean[t]),
    recon_mse: actMean.map(() => 0.01 + 0.002 * random()),
    resid_norm: actMean.map((_, t) => (t === 0 ? 3000 : 50 + layer * 10)),
  };
  if (ce) {
    positions.ce_loss = actMean.map((_, t) => (t === context - 1 ? null : 3 + random()));
    positions.ce_loss_spliced = actMean.map((_, t) => (t === context - 1 ? null : 3.2 + random()));
  }
  return positions;
}

function syntheticSummary(random: () => number, layer: number, features: SaeStats['features'], tokens: number, ce: boolean): SaeStats['summary'] {
  const counts = Array.from(features.count);
  const summary: SaeStats['summary'] = {
    tokens,
    l0: 30 + 5 * layer + 3 * random(),
    dead: counts.filter((count) => count === 0).length,
    dense: Array.from(features.density).filter((density) => density > DENSE_DENSITY).length,
    mse: 0.01 * (1 + layer),
    explained_variance: 0.95 - 0.02 * layer,
    cosine: 0.97 - 0.01 * layer,
  };
  if (ce) Object.assign(summary, { ce_clean: 3.3, ce_spliced: 3.4 + 0.02 * layer, ce_zero: 7 + random(), ce_recovered: 0.97 - 0.01 * layer });
  return summary;
}

/** A StatsExport shaped like a GPT-2 small run: one SAE per layer on hook_resid_pre, seeded so every run is the same. */
export function syntheticStats(options: SyntheticOptions = {}): StatsExport {
  const full: Required<SyntheticOptions> = { layers: 12, features: 2048, context: 64, samples: 40, seed: 7, ce: false, spikes: [17], dataset: 'demo.jsonl', ...options };
  const random = uniformSampler(full.seed);
  const tokens = full.samples * (full.context - 1);
  const saes = Array.from({ length: full.layers }, (_, layer): SaeStats => {
    const features = syntheticFeatures(random, layer, full.features, tokens);
    const positions = syntheticPositions(random, layer, full);
    return { hook: `blocks.${layer}.hook_resid_pre`, d_in: 768, d_sae: full.features, summary: syntheticSummary(random, layer, features, tokens, full.ce), features, positions };
  });
  return { run: { model: 'gpt2', dataset: full.dataset, samples: full.samples, context: full.context, packing: 'packed' }, saes };
}
