import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_DATASET_PATH } from '../../../src-main/engine/demo/dataset.js';
import { writeDemoModel } from '../../../src-main/engine/demo/model.js';
import { normalSampler } from '../../../src-main/engine/demo/random.js';
import { demoActivationSamples, ensureDemoSaes, writeDemoSaes, type DemoSaeOptions } from '../../../src-main/engine/demo/saes.js';
import { readModelFolder } from '../../../src-main/engine/model/folder.js';
import { referenceForward } from '../../../src-main/engine/model/reference.js';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import { openSaes } from '../../../src-main/engine/sae/registry.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'demo-saes-'));
const SMALL: DemoSaeOptions = { layers: 4, width: 16, featureCount: 64, seed: 3 };

/** Rows dominated by one shared direction, as deep residual streams are, plus isotropic noise. */
function anisotropicRows(count: number, width: number, seed: number): Float32Array {
  const random = normalSampler(seed);
  const shared = Float32Array.from({ length: width }, (_, i) => (i % 3) - 1);
  return Float32Array.from({ length: count * width }, (_, i) => 6 * shared[i % width] + random());
}

describe('demo SAEs', () => {
  it('writes one SAELens folder per layer that opens as an ordered set of mixed architectures', () => {
    const dir = scratch();
    writeDemoSaes(dir, SMALL);
    const saes = openSaes(dir);
    expect(saes.map((sae) => sae.hook)).toEqual(['blocks.0.hook_resid_pre', 'blocks.1.hook_resid_pre', 'blocks.2.hook_resid_pre', 'blocks.3.hook_resid_pre']);
    expect(saes.map((sae) => sae.architecture)).toEqual(['standard', 'jumprelu', 'standard', 'topk']);
    expect(saes[0]).toMatchObject({ inputSize: 16, featureCount: 64, contextSize: 128, centerInput: true, normalization: 'constant_norm_rescale' });
  });

  it('is deterministic for a seed', () => {
    const [first, second] = [scratch(), scratch()];
    writeDemoSaes(first, SMALL);
    writeDemoSaes(second, SMALL);
    const weights = (dir: string) => readFileSync(join(dir, 'blocks.2.hook_resid_pre', 'sae_weights.safetensors'));
    expect(weights(first).equals(weights(second))).toBe(true);
  });

  it('fires sparsely, with almost no dead features, on activations like the ones it was fitted to', async () => {
    const options = { ...SMALL, samples: () => anisotropicRows(4000, SMALL.width, 11) };
    const dir = scratch();
    writeDemoSaes(dir, options);
    const fresh = anisotropicRows(2000, SMALL.width, 12);
    for (const sae of openSaes(dir)) {
      const { features } = await referenceEncoder(sae).encode(fresh, 2000);
      const active = features.reduce((count, value) => count + (value > 0 ? 1 : 0), 0);
      const everActive = new Set(Array.from(features.keys()).filter((i) => features[i] > 0).map((i) => i % sae.featureCount));
      const density = active / features.length;
      expect(density, sae.hook).toBeGreaterThan(0.005);
      expect(density, sae.hook).toBeLessThan(0.06);
      expect(everActive.size / sae.featureCount, sae.hook).toBeGreaterThan(0.9);
    }
  });

  it('samples each layer from the reference forward over packed demo windows, BOS left out', () => {
    const modelDir = scratch();
    writeDemoModel(modelDir, { layers: 2, width: 8, heads: 2, context: 128, seed: 5 });
    const samples = demoActivationSamples(modelDir, 2);
    expect(samples(1)).toHaveLength(2 * 127 * 8);
    const { config, weights, tokenizer } = readModelFolder(modelDir);
    const stream = readFileSync(DEMO_DATASET_PATH, 'utf8').split('\n').filter(Boolean).flatMap((line) => [...tokenizer.encode(JSON.parse(line).text), config.eosTokenId]);
    const { hooks } = referenceForward(config, weights, [config.bosTokenId, ...stream.slice(127, 254)], { logits: false });
    weights.close();
    const expected = hooks.get('blocks.1.hook_resid_pre')![1];
    Array.from(samples(1).subarray(127 * 8, 128 * 8)).forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
  });

  it('ensureDemoSaes writes the demo set once, and again only when its recipe changes', () => {
    const dir = join(scratch(), 'saes');
    ensureDemoSaes(dir, join(dir, 'no-model-here'));
    const file = join(dir, 'blocks.11.hook_resid_pre', 'sae_weights.safetensors');
    const written = statSync(file).mtimeMs;
    const saes = openSaes(dir);
    expect(saes).toHaveLength(12);
    expect(saes[0]).toMatchObject({ inputSize: 64, featureCount: 512 });
    ensureDemoSaes(dir, join(dir, 'no-model-here'));
    expect(statSync(file).mtimeMs).toBe(written);
    writeFileSync(join(dir, 'demo-saes.json'), '{"saes": "older"}');
    mkdirSync(join(dir, 'blocks.12.hook_resid_pre'));
    writeFileSync(join(dir, 'notes.txt'), 'kept');
    ensureDemoSaes(dir, join(dir, 'no-model-here'));
    expect(existsSync(join(dir, 'blocks.12.hook_resid_pre'))).toBe(false);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('kept');
    expect(openSaes(dir)).toHaveLength(12);
  });
});
