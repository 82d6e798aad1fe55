import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gemmaScopeAdapter, hookFromPath } from '../../../../src-main/engine/sae/formats/gemma-scope.js';
import { writeSafetensors } from '../../../../src-main/engine/model/safetensors.js';
import { sampleSaeParams, writeGemmaScopeFile } from '../../../helpers/sae-files.js';

const scratch = mkdtempSync(join(tmpdir(), 'gemma-'));

describe('Gemma Scope adapter', () => {
  it.each([false, true])('reads params.npz (deflated: %s) as a jumprelu SAE without b_dec subtraction', (deflate) => {
    const params = sampleSaeParams({ inputSize: 3, featureCount: 4, architecture: 'jumprelu' });
    const file = writeGemmaScopeFile(join(scratch, `gemma-scope-2b-pt-res-${deflate}`, 'layer_4', 'width_16k', 'average_l0_71', 'params.npz'), params, { deflate });
    const opened = gemmaScopeAdapter.open(file);
    for (const key of ['encoderWeights', 'encoderBias', 'decoderWeights', 'decoderBias', 'threshold'] as const) expect([...opened[key]!]).toEqual([...params[key]!]);
    expect(opened).toMatchObject({ format: 'gemma-scope', architecture: 'jumprelu', hook: 'blocks.4.hook_resid_post', subtractDecoderBias: false, centerInput: false });
  });

  it.each([
    ['gemma-scope-2b-pt-res/layer_20/width_16k/average_l0_71/params.npz', 'blocks.20.hook_resid_post'],
    ['gemma-scope-9b-pt-mlp/layer_3/width_131k/average_l0_9/params.npz', 'blocks.3.hook_mlp_out'],
    ['gemma-scope-2b-pt-att/layer_0/width_16k/canonical/params.npz', 'blocks.0.attn.hook_z'],
  ])('reads the hook of %s as %s', (path, hook) => {
    expect(hookFromPath(join('/data', path))).toBe(hook);
  });

  it('inspects array headers for sizes and dtype', () => {
    const params = sampleSaeParams({ inputSize: 5, featureCount: 7, architecture: 'jumprelu' });
    const folder = join(scratch, 'gemma-scope-2b-pt-mlp', 'layer_2', 'width_16k', 'canonical');
    writeGemmaScopeFile(join(folder, 'params.npz'), params);
    expect(gemmaScopeAdapter.match(folder)).toBe(true);
    expect(gemmaScopeAdapter.inspect(folder)).toEqual({ format: 'gemma-scope', architecture: 'jumprelu', hook: 'blocks.2.hook_mlp_out', d_in: 5, d_sae: 7, dtype: 'F32' });
  });
});

describe('Gemma Scope 2 params.safetensors', () => {
  function writeParamsSafetensors(folder: string, params: ReturnType<typeof sampleSaeParams>, config?: object): string {
    mkdirSync(folder, { recursive: true });
    const { inputSize, featureCount } = params;
    writeSafetensors(join(folder, 'params.safetensors'), {
      w_enc: { shape: [inputSize, featureCount], data: params.encoderWeights, dtype: 'BF16' },
      w_dec: { shape: [featureCount, inputSize], data: params.decoderWeights, dtype: 'BF16' },
      b_enc: { shape: [featureCount], data: params.encoderBias, dtype: 'BF16' },
      b_dec: { shape: [inputSize], data: params.decoderBias, dtype: 'BF16' },
      threshold: { shape: [featureCount], data: params.threshold!, dtype: 'BF16' },
    });
    if (config) writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
    return folder;
  }

  it('reads the lower-case tensors of a resid_post/layer_N_width_…_l0_… folder, hook from the path', () => {
    const params = sampleSaeParams({ inputSize: 4, featureCount: 6, architecture: 'jumprelu', seed: 3 });
    const folder = writeParamsSafetensors(join(scratch, 'gemma-scope-2-1b-pt', 'resid_post', 'layer_7_width_16k_l0_small'), params);
    expect(gemmaScopeAdapter.match(folder)).toBe(true);
    const opened = gemmaScopeAdapter.open(folder);
    expect(opened.encoderWeights).toHaveLength(24);
    [...opened.encoderWeights].forEach((value, i) => expect(value).toBeCloseTo(params.encoderWeights[i]!, 1));
    [...opened.threshold!].forEach((value, i) => expect(value).toBeCloseTo(params.threshold![i]!, 1));
    expect(opened).toMatchObject({ hook: 'blocks.7.hook_resid_post', architecture: 'jumprelu', subtractDecoderBias: false, centerInput: false });
    expect(gemmaScopeAdapter.inspect(folder)).toEqual({ format: 'gemma-scope', architecture: 'jumprelu', hook: 'blocks.7.hook_resid_post', d_in: 4, d_sae: 6, dtype: 'BF16' });
  });

  it.each([
    ['model.layers.3.output', 'blocks.3.hook_resid_post'],
    ['model.layers.5.post_feedforward_layernorm.output', 'blocks.5.hook_mlp_out'],
  ])('takes the hook from config.json hf_hook_point_in %s', (point, hook) => {
    const params = sampleSaeParams({ inputSize: 2, featureCount: 3, architecture: 'jumprelu' });
    const folder = writeParamsSafetensors(join(scratch, `plain-${hook}`), params, { hf_hook_point_in: point, hf_hook_point_out: point, width: 3 });
    expect(gemmaScopeAdapter.open(folder).hook).toBe(hook);
  });

  it('maps mlp_out_all and attn_out folders by path', () => {
    expect(hookFromPath('/data/gemma-scope-2-4b-it/mlp_out_all/layer_11_width_65k_l0_big/params.safetensors')).toBe('blocks.11.hook_mlp_out');
    expect(hookFromPath('/data/gemma-scope-2-4b-it/attn_out/layer_2_width_16k_l0_medium/params.safetensors')).toBe('blocks.2.attn.hook_z');
  });

  it('refuses a transcoder, naming its config', () => {
    const params = sampleSaeParams({ inputSize: 2, featureCount: 3, architecture: 'jumprelu' });
    const config = { hf_hook_point_in: 'model.layers.1.pre_feedforward_layernorm.output', hf_hook_point_out: 'model.layers.1.post_feedforward_layernorm.output', type: 'transcoder' };
    const folder = writeParamsSafetensors(join(scratch, 'transcoder_all', 'layer_1_width_16k_l0_small'), params, config);
    expect(() => gemmaScopeAdapter.open(folder)).toThrow('layer_1_width_16k_l0_small/config.json describes a transcoder (it reads one point and writes another); only SAEs can be loaded.');
  });
});
