import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../../../src-main/engine/model/open.js';
import type { LanguageModel } from '../../../src-main/engine/model/types.js';
import { silentProgress } from '../../../src-main/engine/progress.js';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import type { SaeParams } from '../../../src-main/engine/sae/types.js';
import { runSteering } from '../../../src-main/engine/steer/run.js';
import { steeredRows, steeringEdit, steeringVector } from '../../../src-main/engine/steer/steering.js';
import { DEFAULT_STEER_SETTINGS, type SteerSettings } from '../../../src-main/shared/settings/steer-settings.js';
import { sampleSaeParams, writeSaeLensFolder } from '../../helpers/sae-files.js';
import { batchOf, WINDOW } from '../model/onnx-helpers.js';
import { writeTinyModel } from '../model/tiny-model.js';
import { perfectSaeParams } from '../stats/fixtures.js';

const WIDTH = 16;
const HOOK = 'blocks.1.hook_resid_pre';

let root: string;
let dir: string;
let model: LanguageModel;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'steer-'));
  dir = writeTinyModel({ layers: 2, context: 64, seed: 12 });
  model = (await openModel(dir, { device: 'cpu', ablation: 'none', cache: true })).model;
});

afterAll(async () => {
  await model.dispose();
});

function sae(overrides: Partial<SaeParams> = {}): SaeParams {
  return { ...sampleSaeParams({ inputSize: WIDTH, featureCount: 20, hook: HOOK, seed: 3 }), ...overrides };
}

/** The hook activation with and without the steering edit on every row but BOS. */
async function hookActivations(params: SaeParams, features: { feature: number; coefficient: number }[]) {
  const batch = batchOf([WINDOW]);
  const clean = (await model.forward(batch, { capture: [HOOK] })).activations.get(HOOK)!;
  const rows = WINDOW.map((_, position) => position > 0);
  const edit = steeringEdit([steeringVector(params, features)], rows);
  const steered = (await model.forward(batch, { capture: [HOOK], edit })).activations.get(HOOK)!;
  return { clean, steered };
}

/** Row `feature` of W_dec, read here from the params, optionally minus its mean. */
function decoderRow(params: SaeParams, feature: number, centred: boolean): number[] {
  const row = Array.from(params.decoderWeights.subarray(feature * WIDTH, (feature + 1) * WIDTH));
  const mean = centred ? row.reduce((sum, value) => sum + value, 0) / WIDTH : 0;
  return row.map((value) => value - mean);
}

function expectSteered(actual: { clean: Float32Array; steered: Float32Array }, added: (position: number, d: number, x: Float32Array) => number): void {
  expect(actual.steered.subarray(0, WIDTH)).toEqual(actual.clean.subarray(0, WIDTH));
  for (let position = 1; position < WINDOW.length; position++) {
    const x = actual.clean.subarray(position * WIDTH, (position + 1) * WIDTH);
    for (let d = 0; d < WIDTH; d++) {
      const expected = x[d]! + added(position, d, x);
      expect(Math.abs(actual.steered[position * WIDTH + d]! - expected)).toBeLessThan(1e-5 * (1 + Math.abs(expected)));
    }
  }
}

describe('steering at the hook', () => {
  it('adds coefficient × W_dec[i] to the hook activation of each steered position', async () => {
    const params = sae({ centerInput: false });
    const direction = decoderRow(params, 4, false);
    expectSteered(await hookActivations(params, [{ feature: 4, coefficient: 50 }]), (_, d) => 50 * direction[d]!);
  });

  it('sums several features, each direction centred for an SAE that reads centred activations', async () => {
    const params = sae({ centerInput: true });
    const [first, second] = [decoderRow(params, 2, true), decoderRow(params, 9, true)];
    const features = [{ feature: 2, coefficient: 3 }, { feature: 9, coefficient: -7.5 }];
    expectSteered(await hookActivations(params, features), (_, d) => 3 * first[d]! - 7.5 * second[d]!);
  });

  it("scales the direction by each position's norm for a constant_norm_rescale SAE", async () => {
    const params = sae({ centerInput: false, normalization: 'constant_norm_rescale' });
    const direction = decoderRow(params, 1, false);
    const norm = (x: Float32Array) => Math.sqrt(x.reduce((sum, value) => sum + value * value, 0));
    expectSteered(await hookActivations(params, [{ feature: 1, coefficient: 10 }]), (_, d, x) => (10 * direction[d]! * norm(x)) / Math.sqrt(WIDTH));
  });

  it('steers generated positions only, or every position after BOS', () => {
    expect(steeredRows({ start: 0, length: 4 }, { positions: 'generated', promptLength: 4 })).toEqual([false, false, false, false]);
    expect(steeredRows({ start: 4, length: 1 }, { positions: 'generated', promptLength: 4 })).toEqual([true]);
    expect(steeredRows({ start: 0, length: 4 }, { positions: 'all', promptLength: 4 })).toEqual([false, true, true, true]);
  });
});

describe('runSteering', () => {
  let settings: SteerSettings;

  beforeAll(() => {
    const perfect = writeSaeLensFolder(join(root, 'perfect'), perfectSaeParams(HOOK, WIDTH));
    settings = { ...DEFAULT_STEER_SETTINGS, model: dir, saes: [perfect], features: [], prompts: ['The quick brown fox', 'Rain fell'], maxNewTokens: 12, device: 'cpu' };
  });

  const steer = (overrides: Partial<SteerSettings>) =>
    runSteering({ ...settings, ...overrides }, { progress: silentProgress, createEncoder: async (params) => referenceEncoder(params) });

  it('with every coefficient 0 gives exactly the default continuation, greedy or sampled', async () => {
    const features = [{ sae: 0, feature: 3, coefficient: 0 }, { sae: 0, feature: 20, coefficient: 0 }];
    for (const sampling of [{ temperature: 0 }, { temperature: 1.2, topP: 0.9, seed: 5 }]) {
      const { comparisons } = await steer({ features, positions: 'all', ...sampling });
      for (const comparison of comparisons) {
        expect(comparison.steered.tokens).toEqual(comparison.default.tokens);
        expect(comparison.steered.text).toBe(comparison.default.text);
        expect(comparison.steered.features).toEqual(comparison.default.features);
      }
    }
  });

  it('raises the steered feature on the generated tokens and changes the text', async () => {
    const {
      comparisons: [comparison],
    } = await steer({ features: [{ sae: 0, feature: 3, coefficient: 40 }], prompts: ['The quick brown fox'] });
    const [steered, plain] = [comparison!.steered.features[0]!, comparison!.default.features[0]!];
    expect(steered.values).toHaveLength(comparison!.steered.tokens.length);
    // The perfect SAE reads feature 3 as relu(x₃) of the centred input: steering adds 40 · (1 − 1/16) = 37.5 to x₃, far above its usual size.
    for (const value of steered.values) expect(value).toBeGreaterThan(30);
    expect(Math.max(...plain.values)).toBeLessThan(5);
    expect(steered.mean).toBeCloseTo(steered.values.reduce((sum, value) => sum + value, 0) / steered.values.length, 9);
    expect(steered.max).toBe(Math.max(...steered.values));
    expect(comparison!.steered.tokens).not.toEqual(comparison!.default.tokens);
  });

  it('refuses a feature outside the SAE and a missing SAE', async () => {
    await expect(steer({ features: [{ sae: 0, feature: 99, coefficient: 1 }] })).rejects.toThrow('Feature 99 is outside the SAE in');
    await expect(steer({ features: [{ sae: 1, feature: 1, coefficient: 1 }] })).rejects.toThrow('There is no SAE number 2; the run has 1.');
  });
});
