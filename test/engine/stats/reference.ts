import type { LanguageModel } from '../../../src-main/engine/model/types.js';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import type { SaeEncoder } from '../../../src-main/engine/sae/types.js';
import { openRunInputs, openRunSae } from '../../../src-main/engine/stats/inputs.js';
import { exactQuantile } from './exact-quantile.js';
import { DENSE_DENSITY } from '../../../src-main/engine/stats/summary.js';
import { QUANTILE_LEVELS, type FeatureStats, type PositionStats, type SaeStats, type StatsExport } from '../../../src-main/shared/stats.js';
import type { RunSettings } from '../../../src-main/shared/settings/run-settings.js';
import { windowBatches, type WindowBatch } from '../../../src-main/engine/stats/windows.js';

/** One valid token as the brute force keeps it: everything, copied out of its batch. */
interface TokenRecord {
  position: number;
  input: Float64Array;
  features: Float64Array;
  reconstruction: Float64Array;
  losses?: { clean: number; spliced: number; zero: number };
}

/**
 * The statistics computed the slow, obvious way: every token's x, f and x̂ kept in memory, then each
 * statistic taken over plain lists with exact sorted quantiles. Only for checking the streaming run on small models.
 */
export async function referenceStatistics(settings: RunSettings): Promise<StatsExport> {
  const inputs = await openRunInputs(settings);
  try {
    const encoders = inputs.saes.map((entry) => referenceEncoder(openRunSae(entry, inputs.model.config)));
    const records: TokenRecord[][] = encoders.map(() => []);
    let samples = 0;
    for (const batch of windowBatches(inputs.source, inputs.tokenizer, inputs.plan)) {
      samples += batch.batch;
      for (const [index, encoder] of encoders.entries()) records[index].push(...(await recordBatch(inputs.model, encoder, batch, settings.ce)));
    }
    const { context, packing } = inputs.plan;
    const saes = encoders.map((encoder, index) => referenceSae(encoder, records[index], { context, withLosses: settings.ce }));
    return { run: { model: settings.model, dataset: settings.dataset, samples, context, packing }, saes };
  } finally {
    await inputs.model.dispose();
  }
}

async function recordBatch(model: LanguageModel, encoder: SaeEncoder, batch: WindowBatch, withLosses: boolean): Promise<TokenRecord[]> {
  const { hook, inputSize, featureCount } = encoder.params;
  const clean = await model.forward(batch, { capture: [hook], losses: withLosses });
  const activation = clean.activations.get(hook)!;
  const encoded = await encoder.encode(activation, batch.batch * batch.sequence);
  const losses = withLosses ? await referenceLosses(model, batch, encoder) : undefined;
  const records: TokenRecord[] = [];
  for (let window = 0; window < batch.batch; window++) {
    for (let position = 0; position < batch.lengths[window]; position++) {
      const row = window * batch.sequence + position;
      const slice = (data: Float32Array, width: number) => Float64Array.from(data.subarray(row * width, (row + 1) * width));
      const record: TokenRecord = {
        position,
        input: slice(encoded.input, inputSize),
        features: slice(encoded.features, featureCount),
        reconstruction: slice(encoded.reconstruction, inputSize),
      };
      if (losses && position + 1 < batch.lengths[window]) {
        record.losses = { clean: clean.losses![row], spliced: losses.spliced[row], zero: losses.zero[row] };
      }
      records.push(record);
    }
  }
  return records;
}

/** Spliced and zeroed losses, the splice built inside the hook editor from a fresh encode of what arrives there. */
async function referenceLosses(model: LanguageModel, batch: WindowBatch, encoder: SaeEncoder) {
  const hook = encoder.params.hook;
  const rows = batch.batch * batch.sequence;
  const spliced = await model.forward(batch, {
    capture: [],
    losses: true,
    edit: {
      hooks: [hook],
      apply: async (_, arriving) => {
        const { input, reconstruction } = await encoder.encode(arriving, rows);
        return arriving.map((value, i) => reconstruction[i] + value - input[i]);
      },
    },
  });
  const zeroed = { hooks: [hook], apply: (_: string, arriving: Float32Array) => new Float32Array(arriving.length) };
  const zero = await model.forward(batch, { capture: [], losses: true, edit: zeroed });
  return { spliced: spliced.losses!, zero: zero.losses! };
}

interface SaeShape {
  context: number;
  withLosses: boolean;
}

function referenceSae(encoder: SaeEncoder, records: TokenRecord[], shape: SaeShape): SaeStats {
  const { hook, inputSize, featureCount } = encoder.params;
  const inside = records.filter((record) => record.position > 0);
  const features = referenceFeatures(inside, featureCount);
  return {
    hook,
    d_in: inputSize,
    d_sae: featureCount,
    summary: referenceSummary(inside, features, shape.withLosses),
    features,
    positions: referencePositions(records, { ...shape, featureCount }),
  };
}

function referenceFeatures(records: TokenRecord[], featureCount: number): FeatureStats {
  const columns = Array.from({ length: featureCount }, (_, feature) =>
    records.map((record) => record.features[feature]).filter((value) => value > 0),
  );
  const tokens = records.length;
  const count = columns.map((values) => values.length);
  return {
    count,
    density: count.map((value) => value / tokens),
    mean: columns.map(mean),
    std: columns.map(std),
    max: columns.map((values) => (values.length === 0 ? 0 : Math.max(...values))),
    mean_all: columns.map((values) => sum(values) / tokens),
    quantiles: { levels: [...QUANTILE_LEVELS], values: QUANTILE_LEVELS.map((level) => columns.map((values) => exactQuantile(values, level))) },
  };
}

function referencePositions(records: TokenRecord[], shape: SaeShape & { featureCount: number }): PositionStats {
  const at = Array.from({ length: shape.context }, (_, t) => records.filter((record) => record.position === t));
  const perWindow = (value: (record: TokenRecord) => number) => at.map((group) => mean(group.map(value)));
  const actives = at.map((group) => group.flatMap((record) => [...record.features].filter((value) => value > 0)));
  const l0 = perWindow((record) => activeCount(record));
  const stats: PositionStats = {
    n: at.map((group) => group.length),
    act_mean: actives.map(mean),
    act_std: actives.map(std),
    l0,
    density: l0.map((value) => value / shape.featureCount),
    l1: perWindow((record) => sum([...record.features].filter((value) => value > 0))),
    recon_mse: perWindow((record) => squaredError(record) / record.input.length),
    resid_norm: perWindow((record) => Math.sqrt(dot(record.input, record.input))),
  };
  if (!shape.withLosses) return stats;
  const lossMean = (group: TokenRecord[], pick: (record: TokenRecord) => number) => {
    const values = group.filter((record) => record.losses).map(pick);
    return values.length === 0 ? null : mean(values);
  };
  return {
    ...stats,
    ce_loss: at.map((group) => lossMean(group, (record) => record.losses!.clean)),
    ce_loss_spliced: at.map((group) => lossMean(group, (record) => record.losses!.spliced)),
  };
}

function referenceSummary(records: TokenRecord[], features: FeatureStats, withLosses: boolean): SaeStats['summary'] {
  const tokens = records.length;
  const errors = sum(records.map(squaredError));
  const inputSize = records[0]?.input.length ?? 0;
  const centre = Array.from({ length: inputSize }, (_, d) => mean(records.map((record) => record.input[d])));
  const spread = sum(records.map((record) => sum([...record.input].map((value, d) => (value - centre[d]) ** 2))));
  const summary: SaeStats['summary'] = {
    tokens,
    l0: mean(records.map(activeCount)),
    dead: Array.from(features.count).filter((count) => count === 0).length,
    dense: Array.from(features.density).filter((density) => density > DENSE_DENSITY).length,
    mse: errors / tokens / inputSize,
    explained_variance: 1 - errors / spread,
    cosine: mean(records.map(cosine)),
  };
  if (!withLosses) return summary;
  const scored = records.filter((record) => record.losses).map((record) => record.losses!);
  const [clean, spliced, zero] = [mean(scored.map((l) => l.clean)), mean(scored.map((l) => l.spliced)), mean(scored.map((l) => l.zero))];
  return { ...summary, ce_clean: clean, ce_spliced: spliced, ce_zero: zero, ce_recovered: (zero - spliced) / (zero - clean) };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : sum(values) / values.length;
}

function std(values: readonly number[]): number {
  const centre = mean(values);
  return Math.sqrt(mean(values.map((value) => (value - centre) ** 2)));
}

function dot(a: Float64Array, b: Float64Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * b[i];
  return total;
}

function activeCount(record: TokenRecord): number {
  return record.features.filter((value) => value > 0).length;
}

function squaredError(record: TokenRecord): number {
  return sum([...record.input].map((value, d) => (value - record.reconstruction[d]) ** 2));
}

function cosine(record: TokenRecord): number {
  const norms = Math.sqrt(dot(record.input, record.input) * dot(record.reconstruction, record.reconstruction));
  return norms === 0 ? 0 : dot(record.input, record.reconstruction) / norms;
}
