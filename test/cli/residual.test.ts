import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../../src-main/engine/progress.js';
import { runResidual } from '../../src-main/engine/residual/run.js';
import { DEFAULT_RESIDUAL_SETTINGS } from '../../src-main/shared/settings/residual-settings.js';
import { writeTinyModel, writeWordDataset } from '../engine/stats/fixtures.js';

let root: string;
let model: string;
let dataset: string;

function cli(args: string[]) {
  const result = spawnSync('node', ['src-main/cli/bin.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cli-residual-'));
  model = writeTinyModel(root);
  dataset = writeWordDataset(join(root, 'words.jsonl'), 60);
});

describe('sae-studio residual', () => {
  it('runs in a job process with a bar and stage lines, stores the run and writes residual.json as the spec orders it', async () => {
    const exportPath = join(root, 'residual.json');
    const args = ['--model', model, '--dataset', dataset, '--samples', '10', '--context', '12', '--batch-size', '4', '--device', 'cpu'];
    const { code, stdout, stderr } = cli(['residual', ...args, '--db', join(root, 'studio.db'), '--export', exportPath]);
    expect(stderr).toMatch(/^Residual stream: 100%\|██████████\| 10\/10 /m);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Run [0-9a-f]{8}$/);
    expect(lines).toContain('Computed the logit lens at every residual point');
    expect(lines.at(-1)).toBe(`Wrote ${exportPath}`);
    const json = JSON.parse(readFileSync(exportPath, 'utf8'));
    const keys = ['run', 'layers', 'norm_mean', 'norm_std', 'cos_next', 'cos_prev_position', 'dim_mean_abs', 'dim_mean_abs_bos', 'massive', 'logit_lens_kl', 'logit_lens_top1'];
    expect(Object.keys(json)).toEqual(keys);
    expect(json.run).toEqual({ model, samples: 10, context: 12, packing: 'packed', ablate: 'none' });
    expect(Object.keys(json.massive[0])).toEqual(['dims', 'values', 'bos_dims', 'bos_values']);
    const direct = await runResidual({ ...DEFAULT_RESIDUAL_SETTINGS, model, dataset, samples: 10, context: 12, batchSize: 4, device: 'cpu' }, { progress: silentProgress });
    expect(json.norm_mean).toEqual(direct.norm_mean.map((row) => Array.from(row)));
    expect(json.cos_next).toHaveLength(2);
    expect(json.logit_lens_kl).toEqual(Array.from(direct.logit_lens_kl));
    expect(json.massive).toEqual(direct.massive);
  });

  it('rejects a bad ablation before starting a run', () => {
    const { code, stderr } = cli(['residual', '--model', model, '--dataset', dataset, '--ablate', 'both', '--db', join(root, 'other.db')]);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("Error: --ablate must be one of none, positions-only, tokens-only, not 'both'.");
  });
});
