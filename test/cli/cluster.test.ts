import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';

let root: string;
const INPUTS = ['--model', '/data/model', '--sae', '/data/sae', '--dataset', '/data/rows.jsonl'];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cli-cluster-'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function refusal(argv: string[]): Promise<string> {
  const { code, errors } = await runCli(['cluster', ...argv]);
  expect(code).toBe(1);
  return errors;
}

describe('sae-studio cluster', () => {
  it('writes both Slurm scripts into the shared folder and prints the sbatch commands', async () => {
    const shared = join(root, 'shared one');
    const { code, output } = await runCli(['cluster', 'slurm', '--shards', '2', '--shared-dir', shared, '--db', join(root, 'merged.db'), '--', 'analyze', ...INPUTS]);
    expect(code).toBe(0);
    const lines = output.split('\n');
    expect(lines[0]).toMatch(/^Run [0-9a-f]{8}: 2 shards\.$/);
    expect(lines.slice(1)).toEqual([
      `Wrote ${shared}/slurm-shards.sh`,
      `Wrote ${shared}/slurm-merge.sh`,
      'Run them with:',
      `  ARRAY_JOB=$(sbatch --parsable '${shared}/slurm-shards.sh')`,
      `  sbatch --dependency=afterok:"$ARRAY_JOB" '${shared}/slurm-merge.sh'`,
    ]);
    expect(readFileSync(join(shared, 'slurm-merge.sh'), 'utf8')).toContain(`--db ${join(root, 'merged.db')}`);
  });

  it('writes the Kubernetes manifests into --out and prints the kubectl commands', async () => {
    const out = join(root, 'manifests');
    const { code, output } = await runCli(['cluster', 'k8s', '--shards', '3', '--out', out, '--', 'analyze', ...INPUTS]);
    expect(code).toBe(0);
    expect(readFileSync(join(out, 'k8s-shards.yaml'), 'utf8')).toContain('image: "sae-studio"\n');
    expect(output).toContain(`Wrote ${out}/k8s-shards.yaml\nWrote ${out}/k8s-merge.yaml\nRun them with:\n  kubectl apply -f ${out}/k8s-shards.yaml\n`);
    expect(readFileSync(join(out, 'k8s-merge.yaml'), 'utf8')).toContain('"/shared/studio.db"');
  });

  it('refuses a folder that already holds shard files', async () => {
    const shared = join(root, 'stale');
    await runCli(['cluster', 'slurm', '--shards', '2', '--shared-dir', shared, '--', 'analyze', ...INPUTS]);
    writeFileSync(join(shared, 'shard-0-of-2.shard'), 'old');
    expect(await refusal(['slurm', '--shards', '2', '--shared-dir', shared, '--', 'analyze', ...INPUTS])).toBe(
      `Error: ${shared} already holds shard files (shard-0-of-2.shard); choose an empty folder or remove them.`,
    );
  });

  it.each([
    [['slurm', '--shards', '2'], "Error: Give the run after '--': sae-studio cluster slurm --shards N -- analyze --model DIR --sae PATH --dataset FILE …."],
    [['pbs', '--shards', '2', '--', 'analyze', ...INPUTS], "Error: Name the cluster first: 'sae-studio cluster slurm …' or 'sae-studio cluster k8s …', not 'pbs'."],
    [['slurm', '--', 'analyze', ...INPUTS], "Error: --shards is required. See 'sae-studio cluster --help'."],
    [['slurm', '--shards', '0', '--', 'analyze', ...INPUTS], "Error: --shards must be a whole number from 1 to 100000, not '0'."],
    [['slurm', '--shards', '2', '--time', '2h', '--', 'analyze', ...INPUTS], "Error: --time must be a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS), not '2h'."],
    [['slurm', '--shards', '2', '--image', 'x', '--', 'analyze', ...INPUTS], "Error: --image is for 'cluster k8s', not 'cluster slurm'."],
    [['k8s', '--shards', '2', '--submit', '--image', 'x', '--', 'analyze', ...INPUTS], "Error: --submit is for 'cluster slurm', not 'cluster k8s'."],
    [['slurm', '--shards', '2', '--', 'analyze', ...INPUTS, '--shard', '0/2'], 'Error: Leave --shard out of the analyze part: the cluster chooses --shard, --shard-out and --run-id for each task.'],
    [['slurm', '--shards', '2', '--', 'analyze', ...INPUTS, '--db', 'x.db'], "Error: Leave --db out of the analyze part: the merge job records the run (give --db before '--'; export it afterwards with 'sae-studio export')."],
    [['slurm', '--shards', '2', '--', 'analyze', '--sae', '/data/sae', '--dataset', '/d.jsonl'], "Error: --model is required. See 'sae-studio analyze --help'."],
    [['k8s', '--shards', '2', '--image', 'x', '--', 'analyze', ...INPUTS.slice(0, 5), 'rows.jsonl'], "Error: --dataset (a path inside the container) must be an absolute path, as the tasks see it, not 'rows.jsonl'."],
  ])('refuses %j with one sentence', async (argv, message) => {
    expect(await refusal(argv)).toBe(message);
  });

  it('says that sbatch is missing rather than failing on --submit', async () => {
    vi.stubEnv('PATH', join(root, 'no-such-folder'));
    const shared = join(root, 'no sbatch');
    const message = await refusal(['slurm', '--shards', '2', '--shared-dir', shared, '--submit', '--', 'analyze', ...INPUTS]);
    vi.unstubAllEnvs();
    expect(message).toBe("Error: sbatch was not found: --submit needs Slurm's commands on this machine's PATH; without --submit, run the printed commands on a machine that has them.");
    expect(existsSync(join(shared, 'slurm-shards.sh'))).toBe(true);
  });

  it("leaves the analyze part's --help to analyze", async () => {
    const { code, output } = await runCli(['cluster', '--help']);
    expect(code).toBe(0);
    expect(output).toContain('Usage: sae-studio cluster slurm|k8s --shards N … -- analyze [options]');
    expect(await refusal(['slurm', '--shards', '2', '--', 'analyze', '--help'])).toMatch(/^Error: Unknown option '--help'\..* See 'sae-studio analyze --help'\.$/);
  });
});
