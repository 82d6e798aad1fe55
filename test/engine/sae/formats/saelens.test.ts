import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../../src-main/engine/model/safetensors.js';
import { saeLensAdapter } from '../../../../src-main/engine/sae/formats/saelens.js';
import { referenceEncoder } from '../../../../src-main/engine/sae/reference.js';
import type { SaeArchitecture, SaeParams } from '../../../../src-main/engine/sae/types.js';
import { sampleSaeParams, writeSaeLensFolder } from '../../../helpers/sae-files.js';

const scratch = mkdtempSync(join(tmpdir(), 'saelens-'));
let folders = 0;
const nextFolder = () => join(scratch, `sae${folders++}`);

function rewriteConfig(folder: string, edit: (cfg: Record<string, any>) => Record<string, any>): void {
  const file = join(folder, 'cfg.json');
  writeFileSync(file, JSON.stringify(edit(JSON.parse(readFileSync(file, 'utf8')))));
}

function expectSameWeights(actual: SaeParams, expected: SaeParams): void {
  for (const key of ['encoderWeights', 'encoderBias', 'decoderWeights', 'decoderBias', 'threshold', 'gateBias', 'magnitudeBias', 'magnitudeScale'] as const) {
    expect(actual[key] && [...actual[key]], key).toEqual(expected[key] && [...expected[key]]);
  }
}

describe('SAELens adapter', () => {
  it.each<SaeArchitecture>(['standard', 'jumprelu', 'topk', 'gated'])('reads a v6 %s folder back as written', (architecture) => {
    const params = { ...sampleSaeParams({ inputSize: 4, featureCount: 6, architecture }), contextSize: 128, prependBos: true, modelName: 'gpt2' };
    const folder = writeSaeLensFolder(nextFolder(), params);
    const opened = saeLensAdapter.open(folder);
    expectSameWeights(opened, params);
    expect(opened).toMatchObject({ format: 'saelens', architecture, hook: params.hook, inputSize: 4, featureCount: 6, source: folder });
    expect(opened).toMatchObject({ k: params.k, contextSize: 128, prependBos: true, modelName: 'gpt2', subtractDecoderBias: true, centerInput: false });
  });

  it('reads the older layout with top-level keys and hook_point', () => {
    const folder = writeSaeLensFolder(nextFolder(), sampleSaeParams({ inputSize: 3, featureCount: 4 }));
    rewriteConfig(folder, ({ metadata, ...cfg }) => ({
      ...cfg,
      hook_point: 'blocks.7.hook_resid_pre',
      context_size: 64,
      prepend_bos: false,
      apply_b_dec_to_input: false,
      model_from_pretrained_kwargs: { center_writing_weights: false },
    }));
    expect(saeLensAdapter.open(folder)).toMatchObject({ hook: 'blocks.7.hook_resid_pre', contextSize: 64, prependBos: false, subtractDecoderBias: false, centerInput: false });
  });

  it('centres the input when center_writing_weights is true or absent', () => {
    const folder = writeSaeLensFolder(nextFolder(), sampleSaeParams({ inputSize: 3, featureCount: 4 }));
    rewriteConfig(folder, (cfg) => ({ ...cfg, metadata: { ...cfg.metadata, model_from_pretrained_kwargs: { center_writing_weights: true } } }));
    expect(saeLensAdapter.open(folder).centerInput).toBe(true);
    rewriteConfig(folder, (cfg) => ({ ...cfg, metadata: { hook_name: 'blocks.0.hook_resid_pre' } }));
    expect(saeLensAdapter.open(folder).centerInput).toBe(true);
  });

  it.each([
    ['gemma-2-2b', undefined, false],
    ['meta-llama/Llama-3.1-8B', undefined, false],
    ['pythia-70m-deduped', undefined, false],
    ['pythia-70m-deduped', true, true],
    ['gpt2-small', undefined, true],
    ['openai-community/gpt2', undefined, true],
  ])('for model %s with center_writing_weights %s, centres: %s', (model, centre, expected) => {
    const folder = writeSaeLensFolder(nextFolder(), sampleSaeParams({ inputSize: 3, featureCount: 4 }));
    const kwargs = centre === undefined ? {} : { center_writing_weights: centre };
    rewriteConfig(folder, (cfg) => ({ ...cfg, metadata: { hook_name: 'blocks.0.hook_resid_pre', model_name: model, model_from_pretrained_kwargs: kwargs } }));
    expect(saeLensAdapter.open(folder).centerInput).toBe(expected);
  });

  it.each(['activation_fn_str', 'activation_fn'])('reads top-k from an older %s config', (key) => {
    const folder = writeSaeLensFolder(nextFolder(), sampleSaeParams({ inputSize: 3, featureCount: 4 }));
    rewriteConfig(folder, ({ architecture, k, ...cfg }) => ({ ...cfg, [key]: 'topk', activation_fn_kwargs: { k: 2 } }));
    expect(saeLensAdapter.open(folder)).toMatchObject({ architecture: 'topk', k: 2 });
  });

  it('defaults prepend_bos to true and reads normalize_activations: true as expected_average_only_in, as SAELens does', () => {
    const folder = writeSaeLensFolder(nextFolder(), sampleSaeParams({ inputSize: 2, featureCount: 2 }));
    rewriteConfig(folder, ({ metadata, ...cfg }) => ({ ...cfg, hook_point: 'blocks.0.hook_resid_pre', normalize_activations: true }));
    writeFileSync(join(folder, 'activation_scaler.json'), JSON.stringify({ scaling_factor: 2 }));
    expect(saeLensAdapter.open(folder)).toMatchObject({ prependBos: true, normalization: 'none' });
  });

  it('folds a fine-tuned scaling_factor into the decoder rows', async () => {
    const params = sampleSaeParams({ inputSize: 3, featureCount: 2, seed: 5 });
    const folder = writeSaeLensFolder(nextFolder(), params);
    writeSafetensors(join(folder, 'sae_weights.safetensors'), {
      W_enc: { shape: [3, 2], data: params.encoderWeights },
      b_enc: { shape: [2], data: params.encoderBias },
      W_dec: { shape: [2, 3], data: params.decoderWeights },
      b_dec: { shape: [3], data: params.decoderBias },
      scaling_factor: { shape: [2], data: Float32Array.of(2, 0.5) },
    });
    const opened = saeLensAdapter.open(folder);
    const x = Float32Array.of(1, -0.5, 2);
    const plain = await referenceEncoder(params).encode(x, 1);
    const scaled = await referenceEncoder(opened).encode(x, 1);
    expect([...scaled.features]).toEqual([...plain.features]);
    const expected = [0, 1, 2].map((d) => 2 * plain.features[0] * params.decoderWeights[d] + 0.5 * plain.features[1] * params.decoderWeights[3 + d] + params.decoderBias[d]);
    [...scaled.reconstruction].forEach((value, d) => expect(value).toBeCloseTo(expected[d], 5));
  });

  it('reads half-precision weights and sparsity.safetensors', () => {
    const params = { ...sampleSaeParams({ inputSize: 2, featureCount: 3 }), sparsity: Float32Array.of(-1, -2.5, -10) };
    params.encoderWeights = Float32Array.of(0.5, -1, 2, 0.25, 1.5, -0.125);
    const folder = writeSaeLensFolder(nextFolder(), params, { dtype: 'F16' });
    expect(saeLensAdapter.inspect(folder).dtype).toBe('F16');
    const opened = saeLensAdapter.open(folder);
    expect([...opened.encoderWeights]).toEqual([0.5, -1, 2, 0.25, 1.5, -0.125]);
    expect([...opened.sparsity!]).toEqual([-1, -2.5, -10]);
  });

  it('turns a stored log_threshold into the threshold', () => {
    const params = sampleSaeParams({ inputSize: 2, featureCount: 2, architecture: 'jumprelu' });
    const folder = writeSaeLensFolder(nextFolder(), { ...params, architecture: 'standard' });
    rewriteConfig(folder, (cfg) => ({ ...cfg, architecture: 'jumprelu' }));
    writeSafetensors(join(folder, 'sae_weights.safetensors'), {
      W_enc: { shape: [2, 2], data: params.encoderWeights },
      b_enc: { shape: [2], data: params.encoderBias },
      W_dec: { shape: [2, 2], data: params.decoderWeights },
      b_dec: { shape: [2], data: params.decoderBias },
      log_threshold: { shape: [2], data: Float32Array.of(0, Math.log(2)) },
    });
    const threshold = [...saeLensAdapter.open(folder).threshold!];
    expect(threshold[0]).toBeCloseTo(1, 6);
    expect(threshold[1]).toBeCloseTo(2, 6);
  });

  it('folds expected_average_only_in: raw x gives the features of x·c and the reconstruction over c', async () => {
    const factor = 2.5;
    const params = sampleSaeParams({ inputSize: 3, featureCount: 5, seed: 9 });
    const folder = writeSaeLensFolder(nextFolder(), params, { cfg: { normalize_activations: 'expected_average_only_in' } });
    writeFileSync(join(folder, 'activation_scaler.json'), JSON.stringify({ scaling_factor: factor }));
    const folded = saeLensAdapter.open(folder);
    expect(folded.normalization).toBe('none');
    const x = Float32Array.of(0.3, -1.2, 0.8);
    const raw = await referenceEncoder(folded).encode(x, 1);
    const trained = await referenceEncoder(params).encode(x.map((value) => value * factor), 1);
    [...raw.features].forEach((value, i) => expect(value).toBeCloseTo(trained.features[i], 4));
    [...raw.reconstruction].forEach((value, i) => expect(value).toBeCloseTo(trained.reconstruction[i] / factor, 4));
  });

  it('keeps constant_norm_rescale and layer_norm for the encoder to apply', () => {
    for (const normalization of ['constant_norm_rescale', 'layer_norm'] as const) {
      const folder = writeSaeLensFolder(nextFolder(), { ...sampleSaeParams({ inputSize: 2, featureCount: 2 }), normalization });
      expect(saeLensAdapter.open(folder).normalization).toBe(normalization);
    }
  });

  it('inspects cfg and header facts', () => {
    const folder = writeSaeLensFolder(nextFolder(), { ...sampleSaeParams({ inputSize: 4, featureCount: 8, architecture: 'topk', k: 3 }), contextSize: 128 });
    expect(saeLensAdapter.inspect(folder)).toEqual({
      format: 'saelens',
      architecture: 'topk',
      hook: 'blocks.1.hook_resid_pre',
      d_in: 4,
      d_sae: 8,
      dtype: 'F32',
      k: 3,
      context_size: 128,
      normalize_activations: 'none',
    });
  });

  it('matches a folder or one of its files, and nothing else', () => {
    const folder = writeSaeLensFolder(nextFolder(), sampleSaeParams({ inputSize: 2, featureCount: 2 }));
    expect(saeLensAdapter.match(folder)).toBe(true);
    expect(saeLensAdapter.match(join(folder, 'cfg.json'))).toBe(true);
    expect(saeLensAdapter.match(scratch)).toBe(false);
  });
});
