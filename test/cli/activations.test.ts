import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allHookNames } from '../../src-main/shared/hooks.js';
import { maxDifference, reference } from '../engine/model/onnx-helpers.js';
import { writeTinyModel } from '../engine/model/tiny-model.js';

const TEXT = 'The quick brown fox';

interface ActivationsFile {
  tokens: number[];
  hooks: Record<string, number[][]>;
  logits: number[][];
}

let model: string;
let output: string;

function cli(args: string[]) {
  const result = spawnSync('node', ['src-main/cli/bin.js', 'activations', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function rows(values: number[][]): Float32Array {
  return Float32Array.from(values.flat());
}

beforeAll(() => {
  model = writeTinyModel();
  output = mkdtempSync(join(tmpdir(), 'cli-activations-'));
});

describe('sae-studio activations', () => {
  it('writes the hooks asked for and the logits, as the reference computes them', () => {
    const out = join(output, 'two-hooks.json');
    const hooks = ['blocks.1.hook_resid_post', 'blocks.0.hook_attn_out'];
    const { code, stdout } = cli(['--model', model, '--text', TEXT, '--hooks', hooks.join(','), '--prepend-bos', '--device', 'cpu', '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toContain('Running on cpu.');
    const written = JSON.parse(readFileSync(out, 'utf8')) as ActivationsFile;
    expect(written.tokens[0]).toBe(50256);
    expect(Object.keys(written.hooks)).toEqual(hooks);
    const expected = reference(model, written.tokens);
    for (const hook of hooks) expect(maxDifference(rows(written.hooks[hook]!), expected.hooks.get(hook)!)).toBeLessThan(1e-4);
    expect(maxDifference(rows(written.logits), expected.logits)).toBeLessThan(1e-4);
    expect(stdout.trim().split('\n').at(-1)).toBe(`Wrote ${written.tokens.length} positions to ${out}.`);
  });

  it('writes every hook by default and honours --ablate', () => {
    const out = join(output, 'ablated.json');
    const { code } = cli(['--model', model, '--text', TEXT, '--ablate', 'positions-only', '--device', 'cpu', '--out', out]);
    expect(code).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8')) as ActivationsFile;
    expect(Object.keys(written.hooks)).toEqual(allHookNames(2));
    const expected = reference(model, written.tokens, 'positions-only');
    expect(maxDifference(rows(written.hooks['blocks.1.hook_mlp_out']!), expected.hooks.get('blocks.1.hook_mlp_out')!)).toBeLessThan(1e-4);
  });

  it.each([
    [['--device', 'cuda'], /^Error: Device 'cuda' is not available: .+\.$/],
    [['--ablate', 'everything'], /^Error: --ablate must be one of none, positions-only, tokens-only, not 'everything'\.$/],
    [['--hooks', 'blocks.7.hook_resid_pre', '--device', 'cpu'], /^Error: Hook 'blocks\.7\.hook_resid_pre' is past the model's last block \(1\)\.$/],
    [['--hooks', 'blocks.0.resid'], /^Error: Unknown hook 'blocks\.0\.resid': expected blocks\.L\.\{.+\}\.$/],
  ])('fails with one line for %j', (flags, message) => {
    const { code, stderr } = cli(['--model', model, '--text', TEXT, '--out', join(output, 'never.json'), ...flags]);
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(message);
  });

  it('asks for --out', () => {
    const { code, stderr } = cli(['--model', model, '--text', TEXT]);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("Error: --out is required. See 'sae-studio activations --help'.");
  });
});
