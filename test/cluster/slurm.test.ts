import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAE_SPECS, writeSpecSae, writeTinyModel, writeWordDataset } from '../engine/stats/fixtures.js';
import { startOneNodeSlurm, type OneNodeSlurm } from './one-node-slurm.js';

// A stand-in CLI that writes the words it was given, so the test sees exactly what a node ran.
const ECHO_CLI = `import { writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
const out = args[0] === 'merge' ? args[args.indexOf('--db') + 1] : args[args.indexOf('--shard-out') + 1];
writeFileSync(out, JSON.stringify({ args, task: process.env.SLURM_ARRAY_TASK_ID ?? null }));
`;

let root: string;
let slurm: OneNodeSlurm;

function cli(args: string[]) {
  const result = spawnSync('node', ['src-main/cli/bin.js', ...args], { encoding: 'utf8', timeout: 120_000, env: slurm.env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The two job ids that `cluster slurm --submit` printed. */
function submittedJobs(stdout: string): { arrayJob: string; mergeJob: string } {
  const match = /^Submitted array job (\d+) and merge job (\d+) /m.exec(stdout);
  if (!match) throw new Error(`No job ids in the output:\n${stdout}`);
  return { arrayJob: match[1], mergeJob: match[2] };
}

function readJson(path: string): { args: string[]; task: string | null } {
  return JSON.parse(readFileSync(path, 'utf8'));
}

interface StatsJson {
  saes: { hook: string; summary: Record<string, number>; features: Record<string, number[]> & { quantiles: { values: number[][] } } }[];
}

function exportRun(database: string, runId: string): StatsJson {
  const out = join(root, `${runId}-${Math.random().toString(16).slice(2)}.json`);
  const exported = cli(['export', runId, '--format', 'json', '--out', out, '--db', database]);
  if (exported.code !== 0) throw new Error(`export ${runId} failed: ${exported.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((value, index) => expect(Math.abs(value - expected[index]), `${what}[${index}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[index]))));
}

/** shards.md's equality: counts, max and quantiles identical; means and stds within 1e-12 relative. */
function expectSameRun(merged: StatsJson, single: StatsJson): void {
  expect(merged.saes.map((sae) => sae.hook)).toEqual(single.saes.map((sae) => sae.hook));
  merged.saes.forEach((sae, index) => {
    const reference = single.saes[index];
    for (const exact of ['count', 'density', 'max']) expect(sae.features[exact], `${sae.hook} ${exact}`).toEqual(reference.features[exact]);
    expect(sae.features.quantiles).toEqual(reference.features.quantiles);
    for (const moment of ['mean', 'std', 'mean_all']) expectClose(sae.features[moment], reference.features[moment], `${sae.hook} ${moment}`);
    expect(sae.summary.dead).toBe(reference.summary.dead);
    expectClose([sae.summary.l0, sae.summary.mse], [reference.summary.l0, reference.summary.mse], `${sae.hook} summary`);
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cluster-slurm-'));
  mkdirSync(join(root, 'slurm'));
  slurm = await startOneNodeSlurm(join(root, 'slurm'));
}, 120_000);

afterAll(async () => {
  await slurm?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('cluster slurm on a real one-node Slurm', () => {
  it('runs one task per shard with the words it was given, then the merge once every task succeeded', async () => {
    const echo = join(root, 'echo-cli.mjs');
    writeFileSync(echo, ECHO_CLI);
    const shared = join(root, "shared dir with 'quotes'");
    const inputs = ['--model', join(root, 'a model'), '--sae', join(root, 'sae $HOME'), '--dataset', join(root, 'rows.jsonl')];
    const { code, stdout, stderr } = cli(['cluster', 'slurm', '--shards', '3', '--shared-dir', shared, '--db', join(root, 'merged db'), '--cli', `${process.execPath} ${echo}`, '--submit', '--', 'analyze', ...inputs, '--samples', '12']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const runId = /^Run ([0-9a-f]{8}): 3 shards\.$/m.exec(stdout)![1];
    const { arrayJob, mergeJob } = submittedJobs(stdout);
    await slurm.waitForJob(arrayJob, 60_000);
    await slurm.waitForJob(mergeJob, 60_000);
    for (const task of ['0', '1', '2']) {
      const shard = readJson(join(shared, `shard-${task}-of-3.shard`));
      expect(shard.task).toBe(task);
      expect(shard.args.slice(0, 7)).toEqual(['analyze', ...inputs]);
      expect(shard.args.slice(-6)).toEqual(['--shard', `${task}/3`, '--shard-out', join(shared, `shard-${task}-of-3.shard`), '--run-id', runId]);
    }
    const files = ['0', '1', '2'].map((task) => join(shared, `shard-${task}-of-3.shard`));
    expect(readJson(join(root, 'merged db'))).toEqual({ args: ['merge', ...files, '--db', join(root, 'merged db')], task: null });
  });

  it('runs a real analyze as two shards and merges them into the run one process computes', async () => {
    const model = writeTinyModel(root);
    const saes = SAE_SPECS.slice(2).flatMap((spec, index) => ['--sae', writeSpecSae(join(root, `sae ${index}`), spec, 30 + index)]);
    const dataset = writeWordDataset(join(root, 'words.jsonl'), 60);
    const run = ['--model', model, ...saes, '--dataset', dataset, '--samples', '10', '--batch-size', '4', '--device', 'cpu'];
    const merged = join(root, 'merged.db');
    const submitted = cli(['cluster', 'slurm', '--shards', '2', '--shared-dir', join(root, 'analyze shards'), '--db', merged, '--submit', '--', 'analyze', ...run]);
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    const runId = /^Run ([0-9a-f]{8}): 2 shards\.$/m.exec(submitted.stdout)![1];
    const single = join(root, 'single.db');
    const alone = cli(['analyze', ...run, '--db', single]);
    expect(alone.code).toBe(0);
    const { arrayJob, mergeJob } = submittedJobs(submitted.stdout);
    await slurm.waitForJob(arrayJob, 120_000);
    await slurm.waitForJob(mergeJob, 60_000);
    const singleId = /^Run ([0-9a-f]{8})$/m.exec(alone.stdout)![1];
    expectSameRun(exportRun(merged, runId), exportRun(single, singleId));
  }, 240_000);
});
