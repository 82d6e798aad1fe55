import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { uniformSampler } from '../../../src-main/engine/demo/random.js';
import { createSaeEncoder } from '../../../src-main/engine/sae/onnx-encoder.js';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import { describeSae, type SaeEncoder, type SaeParams } from '../../../src-main/engine/sae/types.js';

const INPUT_SIZE = 12;
const FEATURE_COUNT = 40;
const ROWS = 9;

/** Uniform numbers in [-0.5, 0.5). */
function sampler(seed: number): () => number {
  const uniform = uniformSampler(seed);
  return () => uniform() - 0.5;
}

function randomVector(length: number, random: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length }, () => random() * scale);
}

/** A random SAE of one architecture, with every tensor its formulas use. */
function randomSae(overrides: Partial<SaeParams>, seed: number): SaeParams {
  const random = sampler(seed);
  return {
    format: 'saelens',
    architecture: 'standard',
    source: `random ${seed}`,
    hook: 'blocks.0.hook_resid_pre',
    inputSize: INPUT_SIZE,
    featureCount: FEATURE_COUNT,
    encoderWeights: randomVector(INPUT_SIZE * FEATURE_COUNT, random),
    encoderBias: randomVector(FEATURE_COUNT, random, 0.4),
    decoderWeights: randomVector(FEATURE_COUNT * INPUT_SIZE, random),
    decoderBias: randomVector(INPUT_SIZE, random),
    threshold: randomVector(FEATURE_COUNT, random, 0.6),
    gateBias: randomVector(FEATURE_COUNT, random, 0.4),
    magnitudeBias: randomVector(FEATURE_COUNT, random, 0.4),
    magnitudeScale: randomVector(FEATURE_COUNT, random, 0.5),
    k: 5,
    subtractDecoderBias: false,
    normalization: 'none',
    rescaleByDecoderNorm: false,
    centerInput: false,
    ...overrides,
  };
}

const CASES: Array<[string, Partial<SaeParams>]> = [
  ['standard', {}],
  ['standard, decoder bias subtracted, centred', { subtractDecoderBias: true, centerInput: true }],
  ['standard, constant_norm_rescale', { normalization: 'constant_norm_rescale' }],
  ['standard, layer_norm, centred', { normalization: 'layer_norm', centerInput: true }],
  ['jumprelu', { architecture: 'jumprelu' }],
  ['jumprelu, layer_norm', { architecture: 'jumprelu', normalization: 'layer_norm' }],
  ['topk', { architecture: 'topk', subtractDecoderBias: true }],
  ['topk, rescaled by decoder norm', { architecture: 'topk', rescaleByDecoderNorm: true }],
  ['topk, k past the feature count', { architecture: 'topk', k: FEATURE_COUNT + 3 }],
  ['batchtopk, per-feature threshold', { architecture: 'batchtopk', subtractDecoderBias: true }],
  ['batchtopk, scalar threshold', { architecture: 'batchtopk', threshold: Float32Array.of(0.2) }],
  ['gated', { architecture: 'gated', subtractDecoderBias: true }],
  ['gated, constant_norm_rescale, centred', { architecture: 'gated', normalization: 'constant_norm_rescale', centerInput: true }],
];

const encoders: SaeEncoder[] = [];

afterAll(async () => {
  await Promise.all(encoders.map((encoder) => encoder.dispose()));
});

function expectClose(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  const worst = actual.reduce((most, value, index) => Math.max(most, Math.abs(value - expected[index]!)), 0);
  expect(worst, label).toBeLessThan(1e-4);
}

/** The reference indexes a per-feature threshold; a scalar one is spread to every feature for it. */
function forReference(params: SaeParams): SaeParams {
  if (params.threshold?.length !== 1) return params;
  return { ...params, threshold: new Float32Array(params.featureCount).fill(params.threshold[0]!) };
}

describe('createSaeEncoder', () => {
  it.each(CASES)('matches the float64 reference: %s', async (_, overrides) => {
    const params = randomSae(overrides, CASES.findIndex(([, candidate]) => candidate === overrides) + 1);
    const encoder = await createSaeEncoder(params, { device: 'cpu' });
    encoders.push(encoder);
    const x = randomVector(ROWS * INPUT_SIZE, sampler(99), 3);
    const actual = await encoder.encode(x, ROWS);
    const expected = await referenceEncoder(forReference(params)).encode(x, ROWS);
    expectClose(actual.input, expected.input, 'input');
    expectClose(actual.features, expected.features, 'features');
    expectClose(actual.reconstruction, expected.reconstruction, 'reconstruction');
    expect(actual.features.some((value) => value > 0)).toBe(true);
  });

  it('keeps exactly k features per row for topk', async () => {
    const encoder = await createSaeEncoder(randomSae({ architecture: 'topk', encoderBias: new Float32Array(FEATURE_COUNT).fill(50) }, 7), { device: 'cpu' });
    encoders.push(encoder);
    const { features } = await encoder.encode(randomVector(ROWS * INPUT_SIZE, sampler(5)), ROWS);
    for (let row = 0; row < ROWS; row++) {
      expect(features.subarray(row * FEATURE_COUNT, (row + 1) * FEATURE_COUNT).filter((value) => value > 0).length).toBe(5);
    }
  });

  it('encodes a hand-computed standard SAE', async () => {
    const params = randomSae({ inputSize: 2, featureCount: 2, encoderWeights: Float32Array.of(1, -1, 2, 1), encoderBias: Float32Array.of(0, 0.5), decoderWeights: Float32Array.of(1, 0, 0, 2), decoderBias: Float32Array.of(0.25, 0) }, 3);
    const encoder = await createSaeEncoder(params, { device: 'cpu' });
    encoders.push(encoder);
    const { features, reconstruction } = await encoder.encode(Float32Array.of(1, 1), 1);
    // f = relu([1+2, -1+1+0.5]) = [3, 0.5]; x̂ = [3·1 + 0.25, 0.5·2]
    expect([...features]).toEqual([3, 0.5]);
    expect([...reconstruction]).toEqual([3.25, 1]);
  });

  it('rejects activations of the wrong width', async () => {
    const encoder = await createSaeEncoder(randomSae({}, 11), { device: 'cpu' });
    encoders.push(encoder);
    await expect(encoder.encode(new Float32Array(INPUT_SIZE + 1), 1)).rejects.toThrow(`Expected 1×${INPUT_SIZE} activations, got ${INPUT_SIZE + 1} values.`);
  });
});

/** Every typed array reachable through own enumerable properties. */
function typedArraysIn(value: unknown, seen = new Set<unknown>()): ArrayBufferView[] {
  if (ArrayBuffer.isView(value)) return [value];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.values(value).flatMap((child) => typedArraysIn(child, seen));
}

/** A full collection, from V8's own gc() exposed to a fresh context. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // A WeakRef's target survives until the job that read it ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

describe('an encoder built from SaeParams', () => {
  it('keeps the description and none of the tensors', async () => {
    const params = randomSae({ architecture: 'gated', rescaleByDecoderNorm: true }, 13);
    const encoder = await createSaeEncoder(params, { device: 'cpu' });
    encoders.push(encoder);
    expect(encoder.params).toEqual(describeSae(params));
    expect(typedArraysIn(encoder)).toEqual([]);
  });

  it('lets the weight arrays it was built from be collected', async () => {
    const built = async () => {
      const params = randomSae({}, 17);
      return { encoder: await createSaeEncoder(params, { device: 'cpu' }), weights: new WeakRef(params.encoderWeights) };
    };
    const { encoder, weights } = await built();
    encoders.push(encoder);
    await collectGarbage();
    expect(weights.deref()).toBeUndefined();
    expect((await encoder.encode(new Float32Array(INPUT_SIZE), 1)).features).toHaveLength(FEATURE_COUNT);
  });
});
