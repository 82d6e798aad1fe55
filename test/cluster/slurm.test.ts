import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
