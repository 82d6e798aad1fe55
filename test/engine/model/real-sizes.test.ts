import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { FAMILY_MODEL_SETTINGS, writeFamilyModel } from '../../../src-main/engine/demo/families.js';
import { checkModelFits, planModelMemory } from '../../../src-main/engine/model/memory.js';
import { openModel } from '../../../src-main/engine/model/open.js';
import type { LanguageModel } from '../../../src-main/engine/model/types.js';
import { openWeights } from '../../../src-main/engine/model/weights.js';
import { GraphBuilder } from '../../../src-main/engine/onnx/graph.js';
import { floatTensor } from '../../../src-main/engine/onnx/session.js';
import { decoderReference } from './families/decoder-reference.js';
import { batchOf, maxDifference } from './onnx-helpers.js';

const models: LanguageModel[] = [];
const WINDOW = [1000, 72, 101, 108, 108, 111, 32, 119];

afterAll(async () => {
  await Promise.all(models.map((model) => model.dispose()));
});

function writeLlama(layers = 3): string {
  const dir = mkdtempSync(join(tmpdir(), 'sizes-llama-'));
  writeFamilyModel(dir, { ...FAMILY_MODEL_SETTINGS, family: 'llama', layers, width: 32, heads: 4, keyValueHeads: 2, vocabSize: 1000, context: 32, seed: 21 });
  return dir;
}

describe('ONNX external data', () => {
  it('writes a graph whose weights live in weights.bin, and onnxruntime runs it from the file', async () => {
    const graph = new GraphBuilder('external');
    const x = graph.input('x', 'float', ['rows', 2]);
    graph.node('MatMul', [x, graph.weight('w', [2, 3], () => Float32Array.of(1, 2, 3, 4, 5, 6))], undefined, { output: 'y' });
    graph.node('Add', [x, graph.weight('b', [2], () => Float32Array.of(10, 20))], undefined, { output: 'z' });
    graph.output('y', 'float', ['rows', 3]);
    graph.output('z', 'float', ['rows', 2]);
    const dir = mkdtempSync(join(tmpdir(), 'external-'));
    const modelPath = graph.saveWithExternalData(dir);
    expect(readdirSync(dir).sort()).toEqual(['model.onnx', 'weights.bin']);
    // The second tensor starts on the next 64 KiB boundary.
    expect(statSync(join(dir, 'weights.bin')).size).toBe(65536 + 8);
    expect(statSync(modelPath).size).toBeLessThan(1000);
    const session = await ort.InferenceSession.create(modelPath);
    const outputs = await session.run({ x: floatTensor(Float32Array.of(1, -1), [1, 2]) });
    expect([...(outputs.y!.data as Float32Array)]).toEqual([-3, -3, -3]);
    expect([...(outputs.z!.data as Float32Array)]).toEqual([11, 19]);
    await session.release();
  });

  it('refuses to put 2 GB of weights in one protobuf', () => {
    const graph = new GraphBuilder('huge');
    graph.weight('table', [2 ** 19, 1024], () => new Float32Array(0));
    expect(() => graph.toBytes()).toThrow("Graph 'huge' holds 2147483648 weight bytes, past protobuf's 2 GB; save it with external data.");
  });

  it('gives the same hooks and logits when every piece loads from external data', async () => {
    const dir = writeLlama();
    const { model } = await openModel(dir, { device: 'cpu', ablation: 'none', externalDataBytes: 0 });
    models.push(model);
    const result = await model.forward(batchOf([WINDOW]), { capture: ['blocks.2.hook_resid_post'], logits: true });
    const expected = decoderReference(dir, WINDOW);
    expect(maxDifference(result.activations.get('blocks.2.hook_resid_post')!, expected.hooks.get('blocks.2.hook_resid_post')!)).toBeLessThan(1e-4);
    expect(maxDifference(result.logits!, expected.logits)).toBeLessThan(1e-4);
  });
});

describe('loading only the layers a run reads', () => {
  it('runs hooks up to the loaded layers and refuses later hooks and the head, saying why', async () => {
    const dir = writeLlama();
    const { model } = await openModel(dir, { device: 'cpu', ablation: 'none', layers: 2 });
    models.push(model);
    const result = await model.forward(batchOf([WINDOW]), { capture: ['blocks.1.hook_mlp_out'] });
    const expected = decoderReference(dir, WINDOW);
    expect(maxDifference(result.activations.get('blocks.1.hook_mlp_out')!, expected.hooks.get('blocks.1.hook_mlp_out')!)).toBeLessThan(1e-4);
    await expect(model.forward(batchOf([WINDOW]), { capture: ['blocks.2.hook_resid_pre'] })).rejects.toThrow(
      "This run opened the model's first 2 layers only but needs layer 2; open it with more layers.",
    );
    await expect(model.forward(batchOf([WINDOW]), { capture: [], losses: true })).rejects.toThrow(
      "This run opened the model's first 2 layers only but needs all 3 (logits, losses and generation run every layer); open it with more layers.",
    );
  });
});

describe('memory planning', () => {
  it('counts float32 bytes of the loaded blocks and the vocabulary, plus the largest piece once more', () => {
    const dir = writeLlama(3);
    const weights = openWeights(dir);
    // Llama, width 32, 4 heads of 8 with 2 key-value heads, MLP 128, vocabulary 1002, untied head.
    const block = 32 + (32 * 32 + 2 * 16 * 32 + 32 * 32) + 32 + 3 * 128 * 32;
    const vocabulary = 2 * 1002 * 32 + 32;
    const plan = planModelMemory(weights, { layers: 2, layerCount: 3 });
    weights.close();
    expect(plan).toEqual({ needed: 4 * (2 * block + vocabulary + vocabulary), layers: 2, layerCount: 3 });
  });

  it('refuses a model that does not fit, with both numbers and what to do', () => {
    const plan = { needed: 34.5 * 1024 ** 3, layers: 32, layerCount: 32 };
    expect(() => checkModelFits(plan, 20 * 1024 ** 3)).toThrow(
      'The model needs about 34.5 GB of memory for all 32 layers and its vocabulary in float32, but only 20.0 GB is free. Run it on a GPU (--device cuda), read hooks in earlier layers (only layers up to the deepest hook are loaded, unless LM losses are on), or free memory.',
    );
    expect(() => checkModelFits({ ...plan, layers: 12 }, 40 * 1024 ** 3)).not.toThrow();
  });
});
