import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kubectlCommands, kubernetesMergeJob, kubernetesShardsJob, type KubernetesOptions } from '../../../src-main/engine/cluster/kubernetes.js';
import type { ClusterPlan } from '../../../src-main/engine/cluster/plan.js';
import { toYaml } from '../../../src-main/engine/cluster/yaml.js';

const PLAN: ClusterPlan = {
  shards: 4,
  runId: '0a1b2c3d',
  sharedDir: '/mnt/shared data',
  cli: [],
  analyze: ['--model', '/mnt/shared data/model', '--sae', '/mnt/shared data/sae: "0"', '--samples', '400'],
  database: '/mnt/shared data/studio.db',
};
const OPTIONS: KubernetesOptions = { image: 'registry.example/sae-studio:0.1', volumeClaim: 'research-pvc', namespace: 'interp', parallelism: 2, gpusPerTask: 1 };

// The Job fields as batch/v1 and core/v1 define them, written out by hand: the writer's YAML must read back to exactly this.
const SHARDS_JOB = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'sae-studio-0a1b2c3d-shards', namespace: 'interp', labels: { app: 'sae-studio', 'sae-studio/run': '0a1b2c3d', 'sae-studio/part': 'shards' } },
  spec: {
    completionMode: 'Indexed',
    completions: 4,
    parallelism: 2,
    backoffLimit: 4,
    template: {
      metadata: { labels: { app: 'sae-studio', 'sae-studio/run': '0a1b2c3d', 'sae-studio/part': 'shards' } },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'sae-studio',
            image: 'registry.example/sae-studio:0.1',
            args: [
              'analyze',
              '--model',
              '/mnt/shared data/model',
              '--sae',
              '/mnt/shared data/sae: "0"',
              '--samples',
              '400',
              '--shard',
              '$(JOB_COMPLETION_INDEX)/4',
              '--shard-out',
              '/mnt/shared data/shard-$(JOB_COMPLETION_INDEX)-of-4.shard',
              '--run-id',
              '0a1b2c3d',
            ],
            volumeMounts: [{ name: 'shared', mountPath: '/mnt/shared data' }],
            resources: { limits: { 'nvidia.com/gpu': '1' } },
            env: [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }],
          },
        ],
        volumes: [{ name: 'shared', persistentVolumeClaim: { claimName: 'research-pvc' } }],
      },
    },
  },
};

describe('Kubernetes manifests', () => {
  it('write the Indexed Job with the Job fields batch/v1 defines, read back by a YAML parser', () => {
    expect(parse(toYaml(kubernetesShardsJob(PLAN, OPTIONS)))).toEqual(SHARDS_JOB);
  });

  it('write a merge Job that reads every shard file into the database, without GPUs', () => {
    const merge = parse(toYaml(kubernetesMergeJob(PLAN, OPTIONS)));
    expect(merge).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'sae-studio-0a1b2c3d-merge', namespace: 'interp' } });
    expect(merge.spec).not.toHaveProperty('completionMode');
    expect(merge.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 0 });
    const [container] = merge.spec.template.spec.containers;
    expect(merge.spec.template.spec.restartPolicy).toBe('Never');
    const shards = [0, 1, 2, 3].map((k) => `/mnt/shared data/shard-${k}-of-4.shard`);
    expect(container.args).toEqual(['merge', ...shards, '--db', '/mnt/shared data/studio.db']);
    expect(container).not.toHaveProperty('resources');
    expect(container.volumeMounts).toEqual([{ name: 'shared', mountPath: '/mnt/shared data' }]);
  });

  it('replace the entrypoint only when the plan names a CLI command', () => {
    const job = parse(toYaml(kubernetesShardsJob({ ...PLAN, cli: ['node', '/app/src-main/cli/bin.js'] }, OPTIONS)));
    expect(job.spec.template.spec.containers[0].command).toEqual(['node', '/app/src-main/cli/bin.js']);
    expect(parse(toYaml(kubernetesShardsJob(PLAN, OPTIONS))).spec.template.spec.containers[0]).not.toHaveProperty('command');
  });

  it('never run more pods at once than there are shards', () => {
    expect(kubernetesShardsJob(PLAN, { ...OPTIONS, parallelism: 10 }).spec.parallelism).toBe(4);
    expect(kubernetesShardsJob(PLAN, { ...OPTIONS, parallelism: undefined }).spec.parallelism).toBe(4);
  });

  it('apply the shards, wait for them, then apply the merge', () => {
    expect(kubectlCommands(PLAN, OPTIONS, { shards: '/tmp/my jobs/k8s-shards.yaml', merge: '/tmp/my jobs/k8s-merge.yaml' })).toEqual([
      "kubectl apply --namespace interp -f '/tmp/my jobs/k8s-shards.yaml'",
      'kubectl wait --namespace interp --for=condition=complete --timeout=168h job/sae-studio-0a1b2c3d-shards',
      "kubectl apply --namespace interp -f '/tmp/my jobs/k8s-merge.yaml'",
    ]);
  });
});

// Mappings, lists, texts of any characters, numbers and booleans: every value a manifest can hold.
const manifestValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'binary' }), fc.integer(), fc.boolean(), tie('list'), tie('mapping')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  mapping: fc.dictionary(fc.string({ unit: 'binary', minLength: 1 }), tie('value'), { maxKeys: 4 }),
}));

describe('the YAML writer', () => {
  it('writes any mapping that a YAML parser reads back unchanged', () => {
    fc.assert(
      fc.property(manifestValue.mapping, (mapping) => {
        expect(parse(toYaml(mapping as object))).toEqual(mapping);
      }),
      { numRuns: 300 },
    );
  });
});
