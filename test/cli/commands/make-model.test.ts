import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspectModelFolder } from '../../../src-main/engine/model/folder.js';
import { runCli } from '../../helpers/cli.js';

afterEach(() => vi.restoreAllMocks());

describe('sae-studio make-model', () => {
  it('writes a model folder with the sizes and layout its flags ask for', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'make-model-')), 'model');
    const flags = ['--layers', '3', '--width', '24', '--heads', '3', '--context', '16', '--dtype', 'BF16', '--shards', '2', '--key-prefix'];
    expect((await runCli(['make-model', '--out', out, ...flags])).code).toBe(0);
    expect(inspectModelFolder(out)).toMatchObject({ layers: 3, d_model: 24, heads: 3, context: 16, vocab: 50257, dtype: 'BF16' });
  });

  it('explains a width that the heads do not divide', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'make-model-')), 'model');
    const { code, errors } = await runCli(['make-model', '--out', out, '--width', '30', '--heads', '4']);
    expect(code).toBe(1);
    expect(errors).toBe("Error: The demo model's width 30 must be a multiple of its 4 heads.");
  });
});
