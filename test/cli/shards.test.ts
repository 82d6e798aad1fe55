import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAE_SPECS, writeSpecSae, writeTinyModel, writeWordDataset } from '../engine/stats/fixtures.js';

let root: string;
let inputs: string[];

function cli(args: string[]) {
  const result = spawnSync('node', ['src-main/cli/bin.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cli-shards-'));
  const model = writeTinyModel(root);
  const sae = writeSpecSae(join(root, 'sae'), SAE_SPECS[3], 60);
  const dataset = writeWordDataset(join(root, 'words.jsonl'), 40);
  inputs = ['--model', model, '--sae', sae, '--dataset', dataset, '--device', 'cpu', '--samples', '5', '--context', '16', '--batch-size', '2'];
});

type Stats = { run: unknown; saes: { summary: Record<string, number>; features: Record<string, unknown>; positions: Record<string, number[]> }[] };

describe('sae-studio analyze --shard and merge', () => {
  it('runs each shard alone, merges them into one run equal to the single run, and lists its shards', () => {
    const single = join(root, 'single.json');
    expect(cli(['analyze', ...inputs, '--db', join(root, 'single.db'), '--export', single]).code).toBe(0);
    const files = [0, 1].map((index) => join(root, `part-${index}.shard`));
    for (const [index, file] of files.entries()) {
      const { code, stdout } = cli(['analyze', ...inputs, '--shard', `${index}/2`, '--shard-out', file, '--run-id', 'cli-run']);
      expect(code).toBe(0);
      expect(stdout.trim().split('\n').at(-1)).toBe(`Shard ${index}/2 of run cli-run: ${index === 0 ? 3 : 2} windows, ${file}`);
    }
    const db = join(root, 'merged.db');
    const merged = cli(['merge', files[1], files[0], '--db', db]);
    expect(merged.code).toBe(0);
    expect(merged.stdout.trim().split('\n').at(-1)).toBe('Run cli-run');
    const exported = join(root, 'merged.json');
    expect(cli(['export', 'cli-run', '--format', 'json', '--out', exported, '--db', db]).code).toBe(0);
    const [mine, theirs] = [exported, single].map((path) => JSON.parse(readFileSync(path, 'utf8')) as Stats);
    expect(mine.run).toEqual(theirs.run);
    for (const key of ['count', 'density', 'max', 'quantiles']) expect(mine.saes[0].features[key]).toEqual(theirs.saes[0].features[key]);
    expect(mine.saes[0].summary.dead).toBe(theirs.saes[0].summary.dead);
    expect(mine.saes[0].positions.n).toEqual(theirs.saes[0].positions.n);
    const listed = cli(['runs', '--db', db]);
    expect(listed.stdout).toContain('cli-run');
  }, 600_000);

  it('refuses --shard without --shard-out, K out of range, and --shard-out alone, naming the flag', () => {
    const refusal = (args: string[]) => cli(['analyze', ...inputs, ...args]).stderr.trim();
    expect(refusal(['--shard', '0/2'])).toBe("Error: --shard needs --shard-out FILE, the shard file to write. See 'sae-studio analyze --help'.");
    expect(refusal(['--shard', '2/2', '--shard-out', 'x.shard'])).toBe("Error: --shard must be K/N with whole numbers 0 ≤ K < N, such as 0/4, not '2/2'.");
    expect(refusal(['--shard-out', 'x.shard'])).toBe("Error: --shard-out goes with --shard K/N. See 'sae-studio analyze --help'.");
  });

  it('merge fails with one line naming a missing shard and writes no run', () => {
    const db = join(root, 'empty.db');
    const { code, stderr } = cli(['merge', join(root, 'part-1.shard'), '--db', db]);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Error: Shard 0 of 2 is missing (given: part-1.shard).');
    expect(cli(['runs', '--db', db]).stdout).not.toContain('cli-run');
  });
});
