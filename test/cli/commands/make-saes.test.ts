import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSaes } from '../../../src-main/engine/sae/registry.js';
import { runCli } from '../../helpers/cli.js';

afterEach(() => vi.restoreAllMocks());

describe('sae-studio make-saes and inspect', () => {
  it('writes SAEs with the sizes given as flags and inspects them', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'make-saes-')), 'saes');
    expect((await runCli(['make-saes', '--out', out, '--layers', '3', '--width', '8', '--features', '24', '--seed', '5'])).code).toBe(0);
    expect(openSaes(out).map((sae) => [sae.hook, sae.inputSize, sae.featureCount])).toEqual([
      ['blocks.0.hook_resid_pre', 8, 24],
      ['blocks.1.hook_resid_pre', 8, 24],
      ['blocks.2.hook_resid_pre', 8, 24],
    ]);
    const inspected = await runCli(['inspect', out]);
    expect(inspected.code).toBe(0);
    expect(inspected.output).toContain('hook                   blocks.2.hook_resid_pre');
  });

  it('refuses a density range that is upside down, in one sentence', async () => {
    const { code, errors } = await runCli(['make-saes', '--out', tmpdir(), '--min-density', '0.2', '--max-density', '0.1']);
    expect(code).toBe(1);
    expect(errors).toBe('Error: --min-density (0.2) must not exceed --max-density (0.1).');
  });
});
