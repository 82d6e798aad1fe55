import { describe, expect, it } from 'vitest';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import type { SaeParams } from '../../../src-main/engine/sae/types.js';

interface TinySae extends Partial<Omit<SaeParams, 'encoderWeights' | 'encoderBias' | 'decoderWeights' | 'decoderBias' | 'threshold' | 'gateBias' | 'magnitudeBias' | 'magnitudeScale'>> {
  encoder: number[][];
  decoder: number[][];
  encoderBias?: number[];
  decoderBias?: number[];
  threshold?: number[];
  gateBias?: number[];
  magnitudeBias?: number[];
  magnitudeScale?: number[];
}

/** An SAE small enough to check by hand: encoder is [inputSize][featureCount], decoder [featureCount][inputSize]. */
function tinySae(spec: TinySae): SaeParams {
  const { encoder, decoder, encoderBias, decoderBias, threshold, gateBias, magnitudeBias, magnitudeScale, ...rest } = spec;
  const inputSize = encoder.length;
  const featureCount = encoder[0].length;
  const optional = (values?: number[]) => (values ? Float32Array.from(values) : undefined);
  return {
    format: 'saelens',
    architecture: 'standard',
    source: 'tiny',
    hook: 'blocks.0.hook_resid_pre',
    subtractDecoderBias: false,
    normalization: 'none',
    rescaleByDecoderNorm: false,
    centerInput: false,
    ...rest,
    inputSize,
    featureCount,
    encoderWeights: Float32Array.from(encoder.flat()),
    decoderWeights: Float32Array.from(decoder.flat()),
    encoderBias: Float32Array.from(encoderBias ?? new Array(featureCount).fill(0)),
    decoderBias: Float32Array.from(decoderBias ?? new Array(inputSize).fill(0)),
    threshold: optional(threshold),
    gateBias: optional(gateBias),
    magnitudeBias: optional(magnitudeBias),
    magnitudeScale: optional(magnitudeScale),
  };
}

async function encodeOne(params: SaeParams, x: number[]) {
  const batch = await referenceEncoder(params).encode(Float32Array.from(x), 1);
  return { input: [...batch.input], features: [...batch.features], reconstruction: [...batch.reconstruction] };
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
}

const IDENTITY = [
  [1, 0],
  [0, 1],
];

describe('referenceEncoder formulas', () => {
  // x' = x − b_dec = [1, 2]; pre = x'W_enc + b_enc = [1 + 4 + 0.5, −1 + 1 + 2] = [5.5, 2].
  const base = { encoder: [[1, -1], [2, 0.5]], decoder: IDENTITY, encoderBias: [0.5, 2], decoderBias: [0.1, 0.2], subtractDecoderBias: true };
  const x = [1.1, 2.2];

  it('standard: relu of the pre-activation, decoded with the bias', async () => {
    const result = await encodeOne(tinySae(base), x);
    expectClose(result.features, [5.5, 2]);
    expectClose(result.reconstruction, [5.6, 2.2]);
  });

  it('does not subtract b_dec when the SAE says not to', async () => {
    // pre = [1.1 + 4.4 + 0.5, −1.1 + 1.1 + 2]
    const result = await encodeOne(tinySae({ ...base, subtractDecoderBias: false }), x);
    expectClose(result.features, [6, 2]);
  });

  it('jumprelu: keeps a feature only above its threshold', async () => {
    const result = await encodeOne(tinySae({ ...base, architecture: 'jumprelu', threshold: [6, 1] }), x);
    expectClose(result.features, [0, 2]);
    expectClose(result.reconstruction, [0.1, 2.2]);
  });

  it('batchtopk: thresholds the relu output', async () => {
    const result = await encodeOne(tinySae({ ...base, architecture: 'batchtopk', threshold: [5, 2.5] }), x);
    expectClose(result.features, [5.5, 0]);
  });

  it('topk: keeps the k largest pre-activations', async () => {
    const result = await encodeOne(tinySae({ ...base, architecture: 'topk', k: 1 }), x);
    expectClose(result.features, [5.5, 0]);
    expectClose(result.reconstruction, [5.6, 0.2]);
  });

  it('topk with decoder-norm rescaling ranks pre × ‖W_dec row‖ and divides it back before decoding', async () => {
    // pre = [1, 2]; decoder norms [5, 1] make feature 0 win with 5 > 2.
    const params = tinySae({ encoder: IDENTITY, decoder: [[3, 4], [0, 1]], architecture: 'topk', k: 1, rescaleByDecoderNorm: true });
    const result = await encodeOne(params, [1, 2]);
    expectClose(result.features, [5, 0]);
    expectClose(result.reconstruction, [3, 4]);
  });

  it('gated: the gate path decides, the magnitude path scales by exp(r_mag)', async () => {
    // x'W_enc = [5, 3]; gates 5 − 10 < 0 (closed) and 3 − 1 > 0 (open); magnitude 3·exp(ln 2) − 1 = 5.
    const params = tinySae({
      encoder: [[1, 1], [2, 1]],
      decoder: IDENTITY,
      architecture: 'gated',
      gateBias: [-10, -1],
      magnitudeScale: [0, Math.log(2)],
      magnitudeBias: [1, -1],
      decoderBias: [0.1, 0.2],
    });
    const result = await encodeOne(params, [1, 2]);
    expectClose(result.features, [0, 5]);
    expectClose(result.reconstruction, [0.1, 5.2]);
  });
});

describe('referenceEncoder input handling', () => {
  it('centres each row on its own mean and reports the centred input', async () => {
    const params = tinySae({ encoder: [[1, 0], [0, 1], [1, 1]], decoder: [[1, 0, 0], [0, 1, 0]], centerInput: true });
    const result = await encodeOne(params, [1, 2, 6]);
    expectClose(result.input, [-2, -1, 3]);
    expectClose(result.features, [1, 2]);
    expectClose(result.reconstruction, [1, 2, 0]);
  });

  it('constant_norm_rescale scales x to norm √d_in and undoes it on the output', async () => {
    const params = tinySae({ encoder: IDENTITY, decoder: IDENTITY, decoderBias: [0.1, 0], normalization: 'constant_norm_rescale' });
    const result = await encodeOne(params, [3, 4]);
    const coefficient = Math.SQRT2 / 5;
    expectClose(result.input, [3, 4]);
    expectClose(result.features, [3 * coefficient, 4 * coefficient]);
    expectClose(result.reconstruction, [3 + 0.1 / coefficient, 4]);
  });

  it('layer_norm standardises with the n − 1 deviation plus 1e-5 and restores without it', async () => {
    const params = tinySae({ encoder: IDENTITY, decoder: IDENTITY, normalization: 'layer_norm' });
    const result = await encodeOne(params, [1, 3]);
    const scaled = 1 / (Math.SQRT2 + 1e-5);
    expectClose(result.features, [0, scaled]);
    expectClose(result.reconstruction, [2, scaled * Math.SQRT2 + 2]);
  });

  it('encodes several rows independently, in row-major order', async () => {
    const params = tinySae({ encoder: IDENTITY, decoder: IDENTITY, architecture: 'topk', k: 1 });
    const batch = await referenceEncoder(params).encode(Float32Array.from([1, 2, 4, -3]), 2);
    expect([...batch.features]).toEqual([0, 2, 4, 0]);
    expect([...batch.reconstruction]).toEqual([0, 2, 4, 0]);
  });

  it('refuses a batch whose length does not match rows × inputSize', async () => {
    const params = tinySae({ encoder: IDENTITY, decoder: IDENTITY });
    await expect(referenceEncoder(params).encode(new Float32Array(3), 2)).rejects.toThrow('Expected 2×2 activations');
  });
});
