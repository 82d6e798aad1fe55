import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_MODEL_SETTINGS, ensureDemoModel } from '../../../src-main/engine/demo/model.js';
import { normalSampler } from '../../../src-main/engine/demo/random.js';
import { readModelFolder } from '../../../src-main/engine/model/folder.js';
import { writeTinyModel } from '../model/tiny-model.js';

function summary(values: Float32Array): { mean: number; deviation: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, deviation: Math.sqrt(variance) };
}

describe('normalSampler', () => {
  it('draws standard normal values, the same for the same seed', () => {
    const draw = (seed: number) => Float32Array.from({ length: 50_000 }, normalSampler(seed));
    const { mean, deviation } = summary(draw(1));
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(deviation - 1)).toBeLessThan(0.02);
    expect(draw(1)).toEqual(draw(1));
    expect(draw(2)).not.toEqual(draw(1));
  });
});

describe('writeDemoModel', () => {
  it('is deterministic in its seed', () => {
    const bytes = (seed: number) => readFileSync(join(writeTinyModel({ seed, vocabSize: 100 }), 'model.safetensors'));
    expect(bytes(3).equals(bytes(3))).toBe(true);
    expect(bytes(3).equals(bytes(4))).toBe(false);
  });

  it('stores the same F32 values whether sharded, prefixed or neither', () => {
    const plain = readModelFolder(writeTinyModel({ vocabSize: 100 }));
    const other = readModelFolder(writeTinyModel({ vocabSize: 100, shards: 2, keyPrefix: true }));
    for (const name of plain.weights.names()) expect(other.weights.read(name)).toEqual(plain.weights.read(name));
    plain.weights.close();
    other.weights.close();
  });

  it('writes a config that matches its options, with end-of-text inside a small vocabulary', () => {
    const model = readModelFolder(writeTinyModel({ layers: 3, width: 24, heads: 3, context: 20, vocabSize: 100 }));
    expect(model.config).toEqual({
      modelType: 'gpt2',
      layerCount: 3,
      modelWidth: 24,
      headCount: 3,
      vocabSize: 100,
      contextLength: 20,
      layerNormEpsilon: 1e-5,
      bosTokenId: 99,
      eosTokenId: 99,
    });
    model.weights.close();
  });

  it('draws LayerNorm weights around one and matrices with small spreads', () => {
    const model = readModelFolder(writeTinyModel());
    const norm = summary(model.weights.read('h.0.ln_1.weight'));
    const embedding = summary(model.weights.read('wte.weight'));
    const attention = summary(model.weights.read('h.1.attn.c_attn.weight'));
    expect(Math.abs(norm.mean - 1)).toBeLessThan(0.05);
    expect(embedding.deviation).toBeGreaterThan(0.09);
    expect(embedding.deviation).toBeLessThan(0.11);
    expect(attention.deviation).toBeGreaterThan(0.02);
    expect(attention.deviation).toBeLessThan(0.2);
    model.weights.close();
  });
});

describe('ensureDemoModel', () => {
  it('writes the demo model only when the folder lacks one', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'demo-')), 'model');
    expect(ensureDemoModel(dir)).toBe(dir);
    const model = readModelFolder(dir);
    expect(model.config.layerCount).toBe(DEMO_MODEL_SETTINGS.layers);
    expect(model.config.modelWidth).toBe(DEMO_MODEL_SETTINGS.width);
    model.weights.close();

    const marked = readFileSync(join(dir, 'config.json'), 'utf8').replace('{', '{"marker": true,');
    writeFileSync(join(dir, 'config.json'), marked);
    ensureDemoModel(dir);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(marked);

    rmSync(join(dir, 'model.safetensors'));
    ensureDemoModel(dir);
    expect(existsSync(join(dir, 'model.safetensors'))).toBe(true);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).not.toContain('marker');
  });

  it('replaces a model left from other demo sizes', () => {
    const dir = writeTinyModel();
    ensureDemoModel(dir);
    const model = readModelFolder(dir);
    expect(model.config.layerCount).toBe(DEMO_MODEL_SETTINGS.layers);
    model.weights.close();
  });
});
