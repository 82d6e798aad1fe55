import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorrelationAccumulator } from '../../../src-main/engine/correlate/accumulator.js';
import { correlationToJson } from '../../../src-main/engine/correlate/export.js';
import { runCorrelation } from '../../../src-main/engine/correlate/run.js';
import { DEFAULT_CORRELATION_SETTINGS, type CorrelationSettings, type Pooling } from '../../../src-main/shared/settings/correlation-settings.js';
import { normalSampler } from '../../../src-main/engine/demo/random.js';
import { openModel } from '../../../src-main/engine/model/open.js';
import type { LanguageModel, TextTokenizer } from '../../../src-main/engine/model/types.js';
import { silentProgress, type ProgressSink } from '../../../src-main/engine/progress.js';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import type { SaeParams } from '../../../src-main/engine/sae/types.js';
import { sampleSaeParams, writeSaeLensFolder } from '../../helpers/sae-files.js';
import { TINY_MODEL, writeTinyModel } from '../stats/fixtures.js';

const WORDS = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'rain', 'fell', 'over', 'quiet', 'hills', 'and', 'birds', 'sang', 'happy', 'sad'];
const DEAD_FEATURE = 5;
const ROWS = 60;
const BOS = 50256;

let root: string;
let base: CorrelationSettings;
let params: SaeParams[];
let model: LanguageModel;
let tokenizer: TextTokenizer;

/** Rows whose 0/1 label follows the word 'happy', a three-way topic, a numeric score, and a column with one value. */
function writeLabelledDataset(file: string): string {
  const random = normalSampler(3);
  const pick = () => WORDS[Math.floor(Math.abs(random() * 1e6)) % WORDS.length]!;
  const lines = Array.from({ length: ROWS }, (_, row) => {
    const words = Array.from({ length: 4 + (row % 13) }, pick);
    const happy = words.includes('happy') ? 1 : 0;
    const topic = ['stereotype', 'neutral', 'unrelated'][row % 3];
    return JSON.stringify({ text: words.join(' '), happy, topic, score: words.length * 0.5 + random(), constant: 'same' });
  });
  // A row without a label must be skipped, not read as 0.
  lines.splice(7, 0, JSON.stringify({ text: 'no label here', topic: 'neutral', score: 1, constant: 'same' }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A standard SAE with one feature that never fires, and a centred one at another hook. */
function writeSaes(): string[] {
  const dead = sampleSaeParams({ inputSize: TINY_MODEL.width, featureCount: 24, hook: 'blocks.1.hook_resid_pre', seed: 4 });
  for (let d = 0; d < TINY_MODEL.width; d++) dead.encoderWeights[d * 24 + DEAD_FEATURE] = 0;
  dead.encoderBias[DEAD_FEATURE] = -1;
  const centred = { ...sampleSaeParams({ inputSize: TINY_MODEL.width, featureCount: 32, hook: 'blocks.0.hook_resid_post', seed: 8 }), centerInput: true };
  params = [dead, centred];
  return params.map((sae, index) => writeSaeLensFolder(join(root, `sae-${index}`), sae));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'correlate-'));
  base = {
    ...DEFAULT_CORRELATION_SETTINGS,
    model: writeTinyModel(root),
    saes: writeSaes(),
    dataset: writeLabelledDataset(join(root, 'labelled.jsonl')),
    label: 'happy',
    samples: 50,
    batchSize: 8,
    device: 'cpu',
  };
  ({ model, tokenizer } = await openModel(base.model, { device: 'cpu', ablation: 'none' }));
});

afterAll(async () => {
  await model.dispose();
});

function correlate(settings: CorrelationSettings, progress: ProgressSink = silentProgress) {
  return runCorrelation(settings, { progress, createEncoder: async (sae) => referenceEncoder(sae) });
}

/** The rows the run should use, read again here: labelled rows in file order. */
function labelledRows(label: (record: Record<string, unknown>) => number | undefined, samples: number): { texts: string[]; labels: number[] } {
  const records = readFileSync(base.dataset, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const kept = records.filter((record) => label(record) !== undefined).slice(0, samples);
  return { texts: kept.map((record) => String(record.text)), labels: kept.map((record) => label(record)!) };
}

/** Pooled activations of every row held in memory: one unbatched forward per row, pooled over t ≥ 1. */
async function pooledRows(sae: SaeParams, texts: string[], pooling: Pooling): Promise<number[][]> {
  const encoder = referenceEncoder(sae);
  const rows: number[][] = [];
  for (const text of texts) {
    const ids = [BOS, ...tokenizer.encode(text).slice(0, TINY_MODEL.context - 1)];
    const result = await model.forward({ ids: Int32Array.from(ids), batch: 1, sequence: ids.length }, { capture: [sae.hook] });
    const { features } = await encoder.encode(result.activations.get(sae.hook)!, ids.length);
    rows.push(
      Array.from({ length: sae.featureCount }, (_, feature) => {
        const values = ids.slice(1).map((_, index) => features[(index + 1) * sae.featureCount + feature]!);
        return pooling === 'max' ? Math.max(...values) : values.reduce((sum, value) => sum + value, 0) / values.length;
      }),
    );
  }
  return rows;
}

/** numpy's corrcoef for one pair, 0 when either side is constant. */
function pearson(x: number[], y: number[]): number {
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [mx, my] = [mean(x), mean(y)];
  let [sxy, sxx, syy] = [0, 0, 0];
  x.forEach((value, i) => {
    sxy += (value - mx) * (y[i]! - my);
    sxx += (value - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

function classMean(column: number[], labels: number[], wanted: boolean): number {
  const mean = labels.reduce((sum, value) => sum + value, 0) / labels.length;
  const values = column.filter((_, row) => labels[row]! > mean === wanted);
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
}

async function expectBruteForce(settings: CorrelationSettings, label: (record: Record<string, unknown>) => number | undefined): Promise<void> {
  const result = await correlate(settings);
  const { texts, labels } = labelledRows(label, settings.samples);
  expect(result.rows).toBe(texts.length);
  for (const [index, sae] of params.entries()) {
    const pooled = await pooledRows(sae, texts, settings.pooling);
    const column = (feature: number) => pooled.map((row) => row[feature]!);
    const expected = Array.from({ length: sae.featureCount }, (_, feature) => pearson(column(feature), labels));
    const actual = result.saes[index]!;
    expect(actual.hook).toBe(sae.hook);
    expected.forEach((r, feature) => {
      expect(Math.abs(actual.pearson[feature]! - r), `feature ${feature}`).toBeLessThan(1e-9);
      expect(Math.abs(actual.mean_positive[feature]! - classMean(column(feature), labels, true))).toBeLessThan(1e-9);
      expect(Math.abs(actual.mean_negative[feature]! - classMean(column(feature), labels, false))).toBeLessThan(1e-9);
    });
    const order = expected.map((r, feature) => ({ r, feature })).sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || a.feature - b.feature);
    expect(actual.top.map((top) => top.index)).toEqual(order.slice(0, settings.topK).map((entry) => entry.feature));
    for (const top of actual.top) expect(top.coefficient).toBe(actual.mean_positive[top.index]);
  }
}

describe('runCorrelation', () => {
  it('equals a brute-force Pearson over max-pooled rows held in memory', async () => {
    await expectBruteForce({ ...base, topK: 7 }, (record) => (record.happy === undefined ? undefined : Number(record.happy)));
  });

  it('equals a brute-force Pearson over mean-pooled rows, one-vs-rest on a category', async () => {
    const settings: CorrelationSettings = { ...base, label: 'topic', positive: 'neutral', pooling: 'mean', samples: 40, batchSize: 5 };
    await expectBruteForce(settings, (record) => (record.topic === 'neutral' ? 1 : 0));
  });

  it('correlates a numeric label, positives above its mean', async () => {
    await expectBruteForce({ ...base, label: 'score', samples: 30, batchSize: 4 }, (record) => Number(record.score));
  });

  it('gives a feature that never fires r = 0 exactly', async () => {
    const result = await correlate(base);
    expect(result.saes[0]!.pearson[DEAD_FEATURE]).toBe(0);
    expect(result.saes[0]!.mean_positive[DEAD_FEATURE]).toBe(0);
  });

  it('shows a bar per SAE and writes the export with the spec keys', async () => {
    const bars: string[] = [];
    const progress: ProgressSink = { bar: (label, done, total) => bars.push(`${label} ${done}/${total}`), stage() {} };
    const result = await correlate({ ...base, samples: 16 }, progress);
    // Bars follow the --sae order: the first SAE reads block 1.
    expect(bars.slice(-2)).toEqual(['Layer 1 16/16', 'Layer 0 16/16']);
    const json = JSON.parse(correlationToJson(result));
    expect(Object.keys(json)).toEqual(['label', 'pooling', 'rows', 'saes']);
    expect(Object.keys(json.saes[0])).toEqual(['hook', 'pearson', 'mean_positive', 'mean_negative', 'top']);
    expect(Object.keys(json.saes[0].top[0])).toEqual(['index', 'pearson', 'coefficient']);
    expect(json.saes[1].pearson).toHaveLength(32);
  });

  it('refuses a label column with one class, naming it', async () => {
    await expect(correlate({ ...base, label: 'constant', positive: 'same' })).rejects.toThrow(
      "The label 'constant' one-vs-rest for 'same' has one class only (every row used is 1) in labelled.jsonl; a correlation needs two.",
    );
  });

  it('refuses an unknown column, listing the label columns', async () => {
    await expect(correlate({ ...base, label: 'mood' })).rejects.toThrow(
      "labelled.jsonl has no label column 'mood'; its label columns are 'happy' (binary), 'topic' (categorical), 'score' (numeric), 'constant' (categorical).",
    );
  });
});

describe('CorrelationAccumulator', () => {
  it('gives r = 0 for every feature when the label is constant', () => {
    const accumulator = new CorrelationAccumulator('blocks.0.hook_resid_pre', 3);
    [[1, 2, 3], [4, 0, 1], [2, 2, 9]].forEach((row) => accumulator.add(row, { value: 1, positive: true }));
    expect(Array.from(accumulator.result(3).pearson)).toEqual([0, 0, 0]);
  });

  it('gives r = 0 for a constant feature whatever its value', () => {
    const accumulator = new CorrelationAccumulator('blocks.0.hook_resid_pre', 2);
    [[0.1, 1], [0.1, 5], [0.1, 2]].forEach((row, index) => accumulator.add(row, { value: index % 2, positive: index % 2 === 1 }));
    const result = accumulator.result(2);
    expect(result.pearson[0]).toBe(0);
    expect(result.mean_positive[0]).toBeCloseTo(0.1, 12);
    expect(result.top.map((top) => top.index)).toEqual([1, 0]);
  });
});
