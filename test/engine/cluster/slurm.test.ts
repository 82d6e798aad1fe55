import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPlan } from '../../../src-main/engine/cluster/plan.js';
import { shellLine } from '../../../src-main/engine/cluster/shell.js';
import { checkSlurmFolder, sbatchCommands, slurmMergeScript, slurmShardsScript } from '../../../src-main/engine/cluster/slurm.js';

// Prints each word it was given as one JSON line, so bash's reading of a script can be compared with the words meant.
const PRINT_WORDS = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';

let folder: string;
let plan: ClusterPlan;

/** Runs a written script as a node would, with bash, and returns the words the CLI received. */
function wordsFromScript(script: string, env: Record<string, string> = {}): string[] {
  const path = join(folder, `script-${Math.random().toString(16).slice(2)}.sh`);
  writeFileSync(path, script);
  const result = spawnSync('bash', [path], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

function directivesOf(script: string): string[] {
  return script.split('\n').filter((line) => line.startsWith('#SBATCH '));
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'slurm-script-'));
  plan = {
    shards: 3,
    runId: 'c0ffee00',
    sharedDir: join(folder, "it's shared $HOME `x`"),
    cli: [process.execPath, '-e', PRINT_WORDS],
    analyze: ['--model', '/data/my model', '--sae', '/data/sae; rm -rf /', '--samples', '12'],
    database: '/home/me/my studio.db',
  };
});

describe('Slurm scripts', () => {
  it('give task K the analyze words, its shard and its shard file, however odd the paths', () => {
    const words = wordsFromScript(slurmShardsScript(plan, {}), { SLURM_ARRAY_TASK_ID: '2' });
    expect(words).toEqual([
      'analyze',
      '--model',
      '/data/my model',
      '--sae',
      '/data/sae; rm -rf /',
      '--samples',
      '12',
      '--shard',
      '2/3',
      '--shard-out',
      `${plan.sharedDir}/shard-2-of-3.shard`,
      '--run-id',
      'c0ffee00',
    ]);
  });

  it('ask for an array of one task per shard with the chosen partition, GPUs and time', () => {
    expect(directivesOf(slurmShardsScript(plan, { partition: 'gpu', gpusPerTask: 2, time: '1-12:00' }))).toEqual([
      '#SBATCH --job-name=sae-studio-c0ffee00-shards',
      '#SBATCH --array=0-2',
      `#SBATCH --output="${plan.sharedDir}/slurm-c0ffee00-shard-%a.out"`,
      '#SBATCH --ntasks=1',
      '#SBATCH --partition=gpu',
      '#SBATCH --gpus-per-task=2',
      '#SBATCH --time=1-12:00',
    ]);
    expect(directivesOf(slurmMergeScript(plan, {}))).toEqual([
      '#SBATCH --job-name=sae-studio-c0ffee00-merge',
      `#SBATCH --output="${plan.sharedDir}/slurm-c0ffee00-merge.out"`,
      '#SBATCH --ntasks=1',
    ]);
  });

  it('merge every shard file into the database', () => {
    const files = [0, 1, 2].map((k) => `${plan.sharedDir}/shard-${k}-of-3.shard`);
    expect(wordsFromScript(slurmMergeScript(plan, {}))).toEqual(['merge', ...files, '--db', '/home/me/my studio.db']);
  });

  it('submit the merge to start only after every task of the array succeeded', () => {
    const [array, merge] = sbatchCommands('/x y/slurm-shards.sh', '/x y/slurm-merge.sh');
    expect(array).toBe("ARRAY_JOB=$(sbatch --parsable '/x y/slurm-shards.sh')");
    expect(merge).toBe(`sbatch --dependency=afterok:"$ARRAY_JOB" '/x y/slurm-merge.sh'`);
  });

  it('refuse a shared folder an #SBATCH line cannot name', () => {
    expect(() => checkSlurmFolder('/scratch/50%')).toThrow(`The shared folder '/scratch/50%' holds "%", which an #SBATCH line cannot carry; choose another folder.`);
    expect(() => checkSlurmFolder('/scratch/"q"')).toThrow('holds "\\"", which');
  });
});

// Any text but NUL (which no argument can hold) and the record separator that splits bash's answers here.
const word = fc.string({ unit: 'grapheme' }).filter((text) => !/[\0\x1e]/.test(text));

describe('shell words', () => {
  it('reach the program exactly, whatever characters they hold', () => {
    const cases = fc.sample(fc.array(word, { minLength: 1, maxLength: 5 }), 300);
    const script = cases.map((words) => `${shellLine(['printf', '%s\\0', ...words])}; printf '\\036'`).join('\n');
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    const heard = result.stdout.split('\x1e').slice(0, -1).map((answer) => answer.split('\0').slice(0, -1));
    expect(heard).toEqual(cases);
  });
});
