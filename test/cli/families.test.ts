import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectModelFolder } from '../../src-main/engine/model/folder.js';
import { openSaes } from '../../src-main/engine/sae/registry.js';

let root: string;
const DATASET = resolve('resources/demo-data/demo.jsonl');

function cli(args: string[]) {
  const result = spawnSync('node', ['src-main/cli/bin.js', ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SMALL = ['--layers', '2', '--width', '32', '--heads', '4', '--kv-heads', '2', '--context', '64', '--vocab-size', '512'];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cli-families-'));
});

describe('sae-studio make-model --family', () => {
  it.each([
    ['llama', { architecture: 'llama', layers: 2, d_model: 32, heads: 4, vocab: 514, context: 64, dtype: 'BF16' }],
    ['gemma2', { architecture: 'gemma2', layers: 2, d_model: 32, heads: 4, vocab: 515, context: 64, dtype: 'BF16' }],
    ['neox', { architecture: 'gpt_neox', layers: 2, d_model: 32, heads: 4, vocab: 513, context: 64, dtype: 'BF16' }],
  ])('writes a %s folder that the Library reads', (family, facts) => {
    const out = join(root, `${family}-bf16`);
    const { code, stdout } = cli(['make-model', '--family', family, '--out', out, ...SMALL, '--dtype', 'BF16', '--shards', '2']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`Wrote a 2-layer ${family} of width 32 to ${out}`);
    expect(inspectModelFolder(out)).toMatchObject(facts);
  });

  it('refuses heads that the key-value heads do not divide', () => {
    const { code, stderr } = cli(['make-model', '--family', 'llama', '--out', join(root, 'bad'), '--heads', '4', '--kv-heads', '3']);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Error: The 4 heads must be a multiple of the 3 key-value heads.');
  });
});

describe('statistics and activations on a generated GPT-NeoX', () => {
  it('fits SAEs to the model, analyzes them, and lists only the hooks a parallel block has', () => {
    const model = join(root, 'neox');
    const saes = join(root, 'neox-saes');
    expect(cli(['make-model', '--family', 'neox', '--out', model, ...SMALL]).code).toBe(0);
    expect(cli(['make-saes', '--out', saes, '--model', model, '--layers', '2', '--width', '32', '--features', '64', '--calibration-windows', '2']).code).toBe(0);
    expect(openSaes(saes).map((sae) => [sae.hook, sae.centerInput, sae.modelName])).toEqual([
      ['blocks.0.hook_resid_pre', false, 'sae-studio-demo-gpt_neox'],
      ['blocks.1.hook_resid_pre', false, 'sae-studio-demo-gpt_neox'],
    ]);
    const exportPath = join(root, 'neox-stats.json');
    const args = ['analyze', '--model', model, '--sae', saes, '--dataset', DATASET, '--samples', '4', '--context', '32', '--ce', '--device', 'cpu'];
    const analyzed = cli([...args, '--db', join(root, 'studio.db'), '--export', exportPath]);
    expect(analyzed.code, analyzed.stderr).toBe(0);
    const stats = JSON.parse(readFileSync(exportPath, 'utf8'));
    expect(stats.saes.map((sae: { hook: string }) => sae.hook)).toEqual(['blocks.0.hook_resid_pre', 'blocks.1.hook_resid_pre']);
    expect(stats.saes[0].summary.tokens).toBe(4 * 31);
    expect(stats.saes[0].summary.ce_clean).toBeGreaterThan(0);
    const out = join(root, 'neox-activations.json');
    expect(cli(['activations', '--model', model, '--text', 'The fox', '--prepend-bos', '--out', out, '--device', 'cpu']).code).toBe(0);
    const hooks = Object.keys(JSON.parse(readFileSync(out, 'utf8')).hooks);
    expect(hooks).toHaveLength(8);
    expect(hooks.some((hook) => hook.includes('resid_mid'))).toBe(false);
  });
});

describe('generation and residual statistics on a generated Gemma 2', () => {
  it('continues a prompt through the KV cache and computes residual-stream statistics', () => {
    const model = join(root, 'gemma2-small');
    expect(cli(['make-model', '--family', 'gemma2', '--out', model, ...SMALL]).code).toBe(0);
    const db = join(root, 'gemma2.db');
    const generated = cli(['generate', '--model', model, '--prompt', 'Hello there', '--max-new-tokens', '8', '--device', 'cpu', '--db', db]);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toContain('Stored 1 continuation');
    const residual = cli(['residual', '--model', model, '--dataset', DATASET, '--samples', '4', '--context', '32', '--device', 'cpu', '--db', db]);
    expect(residual.code, residual.stderr).toBe(0);
    expect(residual.stdout).toContain('Computed the logit lens at every residual point');
  });
});
