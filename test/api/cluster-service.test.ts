import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/api/dispatch.js';
import { Studio } from '../../src-main/api/studio.js';
import { RUN_SETTINGS } from '../helpers/runs.js';

// The analyze flags RUN_SETTINGS means, written out by hand in the schema's order.
const ANALYZE_FLAGS = [
  '--model', '/models/gpt2', '--sae', '/saes/layer0', '--dataset', '/data/rows.jsonl', '--samples', '8', '--packing', 'packed', '--batch-size', '2',
  '--ablate', 'none', '--device', 'cpu', '--quantile-buckets', '1024', '--quantile-accuracy', '0.009', '--examples', '20',
];

let folder: string;
let studio: Studio;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-api-cluster-'));
  studio = new Studio({ databasePath: join(folder, 'studio.db'), host: 'browser', recognizers: [] });
});

afterAll(() => {
  studio.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('cluster.write', () => {
  it("writes the Slurm scripts and Kubernetes manifests of a split run, Slurm's merge recording into this studio", async () => {
    const target = join(folder, 'split run');
    const reply = await dispatch(studio.handlers, 'cluster.write', { settings: RUN_SETTINGS, cluster: { shards: 2, partition: 'gpu', image: 'reg/sae:1' }, folder: target });
    if (!reply.ok) throw new Error(reply.error.message);
    const { runId, files, commands } = reply.value as { runId: string; files: string[]; commands: { slurm: string[]; kubernetes: string[] } };
    expect(files).toEqual(['slurm-shards.sh', 'slurm-merge.sh', 'k8s-shards.yaml', 'k8s-merge.yaml'].map((name) => join(target, name)));
    expect(commands.slurm[0]).toBe(`ARRAY_JOB=$(sbatch --parsable '${target}/slurm-shards.sh')`);
    expect(commands.kubernetes[1]).toBe(`kubectl wait --for=condition=complete --timeout=168h job/sae-studio-${runId}-shards`);
    const merge = spawnSync('bash', ['-c', `grep '^exec ' '${target}/slurm-merge.sh' | sed 's/^exec [^ ]* [^ ]* //'`], { encoding: 'utf8' }).stdout.trim();
    expect(merge).toBe(`merge "\${SHARED_DIR}/shard-0-of-2.shard" "\${SHARED_DIR}/shard-1-of-2.shard" --db ${join(folder, 'studio.db')}`);
    const pod = parse(readFileSync(join(target, 'k8s-shards.yaml'), 'utf8')).spec.template.spec.containers[0];
    expect(pod.image).toBe('reg/sae:1');
    expect(pod.args).toEqual(['analyze', ...ANALYZE_FLAGS, '--shard', '$(JOB_COMPLETION_INDEX)/2', '--shard-out', `${target}/shard-$(JOB_COMPLETION_INDEX)-of-2.shard`, '--run-id', runId]);
  });

  it('refuses a folder that is not absolute', async () => {
    const reply = await dispatch(studio.handlers, 'cluster.write', { settings: RUN_SETTINGS, cluster: { shards: 2 }, folder: 'shards' });
    expect(reply).toEqual({ ok: false, error: { message: "The cluster folder must be an absolute path, as the tasks see it, not 'shards'." } });
  });
});
