import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDataset } from '../../src-main/engine/data/registry.js';
import { loadTokenizer } from '../../src-main/engine/model/tokenizer.js';
import { openWeights } from '../../src-main/engine/model/weights.js';
import { openSae } from '../../src-main/engine/sae/registry.js';
import { runCli } from '../helpers/cli.js';
import { SAE_SPECS, writeSpecSae, writeTinyModel, writeWordDataset } from '../engine/stats/fixtures.js';

const HOOK = 'blocks.1.hook_resid_pre';
const CONTEXT = 12;

let root: string;
let model: string;
let sae: string;
let dataset: string;
let database: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cli-features-'));
  model = writeTinyModel(root);
  sae = writeSpecSae(join(root, 'sae-topk'), SAE_SPECS[2], 41);
  const other = writeSpecSae(join(root, 'sae-gated'), SAE_SPECS[3], 42);
  dataset = writeWordDataset(join(root, 'words.jsonl'), 40);
  database = join(root, 'studio.db');
  const args = ['--model', model, '--sae', sae, '--sae', other, '--dataset', dataset, '--device', 'cpu', '--db', database];
  const { code } = await runCli(['analyze', ...args, '--samples', '10', '--context', String(CONTEXT), '--examples', '5']);
  vi.restoreAllMocks();
  expect(code).toBe(0);
}, 300_000);

afterEach(() => vi.restoreAllMocks());

/** The run's windows cut here from the token stream (statistics.md, packed). */
async function windows(): Promise<number[][]> {
  const tokenizer = loadTokenizer(model);
  const rows = (await openDataset(dataset, {})).rows;
  const stream = rows.flatMap((row) => [...tokenizer.encode(row.text), 50256]);
  return Array.from({ length: 10 }, (_, w) => [50256, ...stream.slice(w * (CONTEXT - 1), (w + 1) * (CONTEXT - 1))]);
}

/** W_dec · W_U for every feature and token, in float64, straight from the files. */
function directLogitEffects(): number[][] {
  const params = openSae(sae);
  const weights = openWeights(model);
  const embedding = weights.read('wte.weight');
  weights.close();
  const width = params.inputSize;
  return Array.from({ length: params.featureCount }, (_, i) =>
    Array.from({ length: embedding.length / width }, (_, token) => {
      let sum = 0;
      for (let d = 0; d < width; d++) sum += params.decoderWeights[i * width + d] * embedding[token * width + d];
      return sum;
    }),
  );
}

function denseCosines(): number[][] {
  const { decoderWeights, featureCount, inputSize } = openSae(sae);
  const row = (i: number) => Array.from(decoderWeights.subarray(i * inputSize, (i + 1) * inputSize));
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return Array.from({ length: featureCount }, (_, i) =>
    Array.from({ length: featureCount }, (_, j) => row(i).reduce((s, x, d) => s + x * row(j)[d], 0) / (norm(row(i)) * norm(row(j)))),
  );
}

/** Indices sorted by value, descending, ties to the smaller index. */
function ranked(values: number[], skip = -1): number[] {
  return values.map((_, i) => i).filter((i) => i !== skip).sort((a, b) => values[b] - values[a] || a - b);
}

interface ExportedFeature {
  index: number;
  count: number;
  examples: { window: number; position: number; value: number; tokens: number[]; center: number }[];
  histogram: { edges: number[]; counts: number[] };
  logit_effect: { top: [number, number][]; bottom: [number, number][] };
  neighbours: [number, number][];
}

describe('sae-studio export --features', () => {
  it("writes features.md's JSON: examples with their tokens and centre, histogram, logit effects and neighbours", async () => {
    const out = join(root, 'features.json');
    const { code } = await runCli(['export', 'latest', '--hook', HOOK, '--features', '0,7,17', '--out', out, '--db', database]);
    expect(code).toBe(0);
    const exported = JSON.parse(readFileSync(out, 'utf8')) as { hook: string; features: ExportedFeature[] };
    expect(exported.hook).toBe(HOOK);
    expect(exported.features.map((feature) => feature.index)).toEqual([0, 7, 17]);
    expect(Object.keys(exported.features[0])).toEqual(['index', 'count', 'density', 'mean', 'max', 'examples', 'histogram', 'logit_effect', 'neighbours']);
    const [cut, effects, cosines] = [await windows(), directLogitEffects(), denseCosines()];
    let examples = 0;
    for (const feature of exported.features) {
      expect(feature.examples.length).toBe(Math.min(5, feature.count));
      for (const example of feature.examples) {
        const start = Math.max(0, example.position - 8);
        expect(example.tokens).toEqual(cut[example.window].slice(start, example.position + 9));
        expect(example.tokens[example.center]).toBe(cut[example.window][example.position]);
        examples++;
      }
      expect(feature.histogram.counts.reduce((a, b) => a + b, 0)).toBe(feature.count);
      expect(feature.histogram.edges).toHaveLength(33);
      const effect = effects[feature.index];
      const negated = effect.map((value) => -value);
      expect(feature.logit_effect.top.map(([token]) => token)).toEqual(ranked(effect).slice(0, 10));
      expect(feature.logit_effect.bottom.map(([token]) => token)).toEqual(ranked(negated).slice(0, 10));
      feature.logit_effect.top.forEach(([token, value]) => expect(value).toBeCloseTo(effect[token], 5));
      expect(feature.neighbours.map(([index]) => index)).toEqual(ranked(cosines[feature.index], feature.index).slice(0, 10));
      feature.neighbours.forEach(([index, cosine]) => expect(cosine).toBeCloseTo(cosines[feature.index][index], 5));
    }
    expect(examples).toBeGreaterThan(5);
  });

  it('refuses a feature list that is not indices, and an index past the SAE', async () => {
    const bad = await runCli(['export', 'latest', '--hook', HOOK, '--features', '0,x', '--db', database]);
    expect(bad.code).toBe(1);
    expect(bad.errors).toContain("--features takes feature indices separated by commas, such as 0,17,512; 'x' is not one.");
    vi.restoreAllMocks();
    const past = await runCli(['export', 'latest', '--hook', HOOK, '--features', '24', '--db', database]);
    expect(past.errors).toContain(`Feature 24 is out of range: ${HOOK} has features 0 to 23.`);
  });

  it('asks which SAE when the run has several and no hook is named', async () => {
    const { code, errors } = await runCli(['export', 'latest', '--features', '1', '--db', database]);
    expect(code).toBe(1);
    expect(errors).toMatch(/has 2 SAEs; name one with --hook \(blocks\.1\.hook_resid_pre, blocks\.1\.hook_resid_post\)\./);
  });
});

describe('sae-studio feature', () => {
  it('prints the page with each example\'s active token in brackets and its value', async () => {
    const out = join(root, 'one.json');
    await runCli(['export', 'latest', '--hook', HOOK, '--features', '7', '--out', out, '--db', database]);
    const [feature] = (JSON.parse(readFileSync(out, 'utf8')) as { features: ExportedFeature[] }).features;
    vi.restoreAllMocks();
    const { code, output } = await runCli(['feature', 'latest', '--hook', HOOK, '--index', '7', '--db', database]);
    expect(code).toBe(0);
    const lines = output.split('\n');
    expect(lines[0]).toBe(`Feature 7 of ${HOOK} (24 features)`);
    const tokenizer = loadTokenizer(model);
    feature.examples.forEach((example, rank) => {
      const active = tokenizer.decode([example.tokens[example.center]]);
      const line = lines.find((candidate) => candidate.startsWith(`${String(rank + 1).padStart(3)}. `))!;
      expect(line).toContain(`[${active}]`);
      expect(Number(line.slice(5, 15))).toBeCloseTo(example.value, 3);
      expect(line).toContain(`(window ${example.window}, position ${example.position})`);
    });
    expect(output).toContain('Logit effects (W_dec · W_U)');
    expect(output).toContain('Nearest features by decoder cosine');
  });
});

