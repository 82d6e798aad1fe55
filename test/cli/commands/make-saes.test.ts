import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import { openSaes } from '../../../src-main/engine/sae/registry.js';

describe('sae-studio make-saes and inspect', () => {
  it('writes SAEs with the sizes given as flags and inspects them', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'make-saes-')), 'saes');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['make-saes', '--out', out, '--layers', '3', '--width', '8', '--features', '24', '--seed', '5'])).toBe(0);
    expect(openSaes(out).map((sae) => [sae.hook, sae.inputSize, sae.featureCount])).toEqual([
      ['blocks.0.hook_resid_pre', 8, 24],
      ['blocks.1.hook_resid_pre', 8, 24],
      ['blocks.2.hook_resid_pre', 8, 24],
    ]);
    expect(await main(['inspect', out])).toBe(0);
    expect(log.mock.calls.map((call) => String(call[0])).join('\n')).toContain('hook                   blocks.2.hook_resid_pre');
    log.mockRestore();
  });

  it('refuses a density range that is upside down, in one sentence', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['make-saes', '--out', tmpdir(), '--min-density', '0.2', '--max-density', '0.1'])).toBe(1);
    expect(error).toHaveBeenCalledWith('Error: --min-density (0.2) must not exceed --max-density (0.1).');
    error.mockRestore();
  });
});
