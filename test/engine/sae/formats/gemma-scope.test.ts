import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gemmaScopeAdapter, hookFromPath } from '../../../../src-main/engine/sae/formats/gemma-scope.js';
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
