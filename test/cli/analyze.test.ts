import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAE_SPECS, writeSpecSae, writeTinyModel, writeWordDataset } from '../engine/stats/fixtures.js';

let root: string;
let inputs: string[];

function cli(args: string[]) {
  const result = spawnSync('node', ['src-main/cli/bin.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cli-analyze-'));
  const model = writeTinyModel(root);
  const saes = SAE_SPECS.slice(2).flatMap((spec, index) => ['--sae', writeSpecSae(join(root, `sae-${index}`), spec, 30 + index)]);
  const dataset = writeWordDataset(join(root, 'words.jsonl'), 60);
  inputs = ['--model', model, ...saes, '--dataset', dataset, '--device', 'cpu', '--db', join(root, 'studio.db')];
});

describe('sae-studio analyze', () => {
  it('runs in a job process, shows progress and stage lines, and writes stats.json', () => {
    const exportPath = join(root, 'stats.json');
    const { code, stdout, stderr } = cli(['analyze', ...inputs, '--samples', '16', '--batch-size', '4', '--ce', '--export', exportPath]);
    expect(stderr).toMatch(/^Layer 1 \(blocks\.1\.hook_resid_pre\): 100%\|██████████\| 16\/16 \[\d\d:\d\d<00:00, [\d.]+(it\/s|s\/it)\]$/m);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Run [0-9a-f]{8}$/);
    expect(lines.slice(1, 3)).toEqual(['Running on cpu.', 'Using 16 windows of 32 tokens.']);
    expect(lines).toContain('Layer 1 (blocks.1.hook_resid_post) - Computed and stored summary stats');
    expect(lines.filter((line) => line.includes(' - Computed and stored '))).toHaveLength(6);
    expect(lines.at(-1)).toBe(`Wrote ${exportPath}`);
    const stats = JSON.parse(readFileSync(exportPath, 'utf8'));
    expect(stats.run).toMatchObject({ samples: 16, context: 32, packing: 'packed' });
    expect(stats.saes.map((sae: { hook: string }) => sae.hook)).toEqual(['blocks.1.hook_resid_pre', 'blocks.1.hook_resid_post']);
    expect(Object.keys(stats.saes[0].summary)).toContain('ce_recovered');
    expect(stats.saes[0].features.count).toHaveLength(24);
    expect(stats.saes[0].positions.ce_loss.at(-1)).toBeNull();
  });

  it('exports the latest run again with the export command', () => {
    const out = join(root, 'again.json');
    const { code } = cli(['export', 'latest', '--format', 'json', '--out', out, '--db', join(root, 'studio.db')]);
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(root, 'stats.json'), 'utf8'));
  });

  it('fails with one line naming the dataset when it has too few tokens', () => {
    const tiny = join(root, 'tiny.jsonl');
    writeFileSync(tiny, '{"text": "Hi."}\n');
    const args = inputs.map((value, index) => (inputs[index - 1] === '--dataset' ? tiny : value));
    const { code, stdout, stderr } = cli(['analyze', ...args, '--samples', '4']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Run [0-9a-f]{8}\nRunning on cpu\.\n$/);
    expect(stderr.trim()).toBe('Error: The dataset tiny.jsonl has too few tokens for one window of 32 tokens.');
  });

  it('rejects a bad flag value before starting a run', () => {
    const { code, stderr } = cli(['analyze', ...inputs, '--packing', 'sideways']);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("Error: --packing must be one of packed, per-row, not 'sideways'.");
  });

  it('rejects a quantile accuracy outside its range before starting a run', () => {
    const { code, stdout, stderr } = cli(['analyze', ...inputs, '--quantile-accuracy', '0.5']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe("Error: --quantile-accuracy must be a number from 0.001 to 0.25, not '0.5'.");
  });

  it('says when the dataset holds fewer windows than requested, counts bars to what it holds and records both', () => {
    const { code, stdout, stderr } = cli(['analyze', ...inputs, '--samples', '5000', '--batch-size', '8']);
    expect(code).toBe(0);
    const warning = /^Warning: words\.jsonl holds (\d+) windows of 32 tokens; using \1 of the 5000 requested\.$/m.exec(stdout);
    const windows = Number(warning?.[1]);
    expect(windows).toBeGreaterThan(0);
    expect(windows).toBeLessThan(5000);
    expect(stderr).toContain(`Layer 1 (blocks.1.hook_resid_pre): 100%|██████████| ${windows}/${windows} [`);
    expect(stderr).not.toContain('/5000');
    const runs = cli(['runs', '--db', join(root, 'studio.db')]).stdout.split('\n');
    expect(runs[1]).toMatch(new RegExp(`\\s${windows} of 5000\\s+cpu\\s*$`));
  });

  it('keeps the native GPU probing messages out of the terminal unless --verbose', () => {
    const auto = inputs.map((value, index) => (inputs[index - 1] === '--device' ? 'auto' : value));
    const quiet = cli(['analyze', ...auto, '--samples', '8']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/^Running on (cpu|webgpu|cuda)( \(skipped [^\n]+\))?\.$/m);
    expect(quiet.stderr).not.toMatch(/Vulkan|BackendVk|dawn/i);
  });
});
