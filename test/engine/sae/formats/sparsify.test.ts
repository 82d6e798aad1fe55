import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookFromFolder, sparsifyAdapter } from '../../../../src-main/engine/sae/formats/sparsify.js';
import { referenceEncoder } from '../../../../src-main/engine/sae/reference.js';
import { sampleSaeParams, writeSparsifyFolder } from '../../../helpers/sae-files.js';

const scratch = mkdtempSync(join(tmpdir(), 'sparsify-'));

describe('sparsify adapter', () => {
  it('transposes encoder.weight into [d_in, d_sae] so features match the original SAE', async () => {
    const params = sampleSaeParams({ inputSize: 3, featureCount: 5, architecture: 'topk', k: 2, seed: 4 });
    const opened = sparsifyAdapter.open(writeSparsifyFolder(join(scratch, 'layers.6'), params));
    expect([...opened.encoderWeights]).toEqual([...params.encoderWeights]);
    expect(opened).toMatchObject({ format: 'sparsify', architecture: 'topk', k: 2, hook: 'blocks.6.hook_resid_post', subtractDecoderBias: true, centerInput: false });
    const x = Float32Array.of(0.5, -1, 2, 1, 1, -1);
    const expected = await referenceEncoder({ ...params, hook: opened.hook }).encode(x, 2);
    expect([...(await referenceEncoder(opened).encode(x, 2)).features]).toEqual([...expected.features]);
  });

  it.each([
    ['layers.6', 'blocks.6.hook_resid_post'],
    ['h.11', 'blocks.11.hook_resid_post'],
    ['layers.2.mlp', 'blocks.2.hook_mlp_out'],
    ['h.0.attn', 'blocks.0.hook_attn_out'],
  ])('reads the hook of folder %s as %s', (name, hook) => {
    expect(hookFromFolder(join(scratch, name))).toBe(hook);
  });

  it('inspects the header for sizes', () => {
    const folder = writeSparsifyFolder(join(scratch, 'h.3'), sampleSaeParams({ inputSize: 4, featureCount: 16, architecture: 'topk', k: 4 }));
    expect(sparsifyAdapter.inspect(folder)).toEqual({ format: 'sparsify', architecture: 'topk', hook: 'blocks.3.hook_resid_post', d_in: 4, d_sae: 16, dtype: 'F32', k: 4 });
  });
});
