import { shellLine } from './shell.js';
import { shardFileName, shardFiles, shardFlags, type ClusterPlan } from './plan.js';

/** The Job fields the manifests use, as batch/v1 and core/v1 name them; nothing else is written. */
export interface EnvVar {
  name: string;
  valueFrom: { fieldRef: { fieldPath: string } };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
}

export interface Volume {
  name: string;
  persistentVolumeClaim: { claimName: string };
}

export interface Container {
  name: string;
  image: string;
  /** Replaces the image's entrypoint when the plan names its own CLI command. */
  command?: string[];
  args: string[];
  env?: EnvVar[];
  volumeMounts: VolumeMount[];
  resources?: { limits: Record<string, string> };
}

export interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { restartPolicy: 'Never'; containers: Container[]; volumes: Volume[] };
}

export interface Job {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  spec: {
    completionMode?: 'Indexed';
    completions: number;
    parallelism: number;
    backoffLimit: number;
    template: PodTemplate;
  };
}

/** Where the pods run and what they get; the image is built from build/Dockerfile. */
export interface KubernetesOptions {
  image: string;
  /** The PersistentVolumeClaim mounted at the plan's shared folder in every pod. */
  volumeClaim: string;
  namespace?: string;
  /** Pods of the shards job that run at once; every shard when absent. */
  parallelism?: number;
  gpusPerTask?: number;
}

export const KUBERNETES_SHARDS_MANIFEST = 'k8s-shards.yaml';
export const KUBERNETES_MERGE_MANIFEST = 'k8s-merge.yaml';

// The index of an Indexed Job's pod, which the Job controller writes in this annotation.
const COMPLETION_INDEX = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } };
const VOLUME = 'shared';

export function kubernetesJobName(plan: ClusterPlan, part: 'shards' | 'merge'): string {
  return `sae-studio-${plan.runId}-${part}`;
}

function container(plan: ClusterPlan, options: KubernetesOptions, args: string[]): Container {
  const resources = options.gpusPerTask ? { limits: { 'nvidia.com/gpu': String(options.gpusPerTask) } } : undefined;
  const command = plan.cli.length > 0 ? { command: plan.cli } : {};
  return { name: 'sae-studio', image: options.image, ...command, args, volumeMounts: [{ name: VOLUME, mountPath: plan.sharedDir }], ...(resources ? { resources } : {}) };
}

function job(plan: ClusterPlan, options: KubernetesOptions, part: 'shards' | 'merge', pod: Container): Job {
  const labels = { app: 'sae-studio', 'sae-studio/run': plan.runId, 'sae-studio/part': part };
  const metadata = { name: kubernetesJobName(plan, part), ...(options.namespace ? { namespace: options.namespace } : {}), labels };
  const volumes = [{ name: VOLUME, persistentVolumeClaim: { claimName: options.volumeClaim } }];
  const template: PodTemplate = { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [pod], volumes } };
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: { completions: 1, parallelism: 1, backoffLimit: 0, template } };
}

/** The Indexed Job: pod K runs shard K, its index read from JOB_COMPLETION_INDEX; the image's entrypoint is the CLI. */
export function kubernetesShardsJob(plan: ClusterPlan, options: KubernetesOptions): Job {
  const index = '$(JOB_COMPLETION_INDEX)';
  const args = ['analyze', ...plan.analyze, ...shardFlags(plan, index, `${plan.sharedDir}/${shardFileName(index, plan.shards)}`)];
  const shards = job(plan, options, 'shards', { ...container(plan, options, args), env: [COMPLETION_INDEX] });
  const parallelism = Math.min(options.parallelism ?? plan.shards, plan.shards);
  return { ...shards, spec: { completionMode: 'Indexed', completions: plan.shards, parallelism, backoffLimit: plan.shards, template: shards.spec.template } };
}

/** The merge Job, applied once the shards job is complete (Kubernetes has no dependencies between Jobs). */
export function kubernetesMergeJob(plan: ClusterPlan, options: KubernetesOptions): Job {
  return job(plan, options, 'merge', container(plan, { ...options, gpusPerTask: undefined }, ['merge', ...shardFiles(plan), '--db', plan.database]));
}

/** kubectl commands that run the shards, wait for all of them, then merge. */
export function kubectlCommands(plan: ClusterPlan, options: KubernetesOptions, manifests: { shards: string; merge: string }): string[] {
  const namespace = options.namespace ? ['--namespace', options.namespace] : [];
  return [
    ['kubectl', 'apply', ...namespace, '-f', manifests.shards],
    ['kubectl', 'wait', ...namespace, '--for=condition=complete', '--timeout=168h', `job/${kubernetesJobName(plan, 'shards')}`],
    ['kubectl', 'apply', ...namespace, '-f', manifests.merge],
  ].map(shellLine);
}
