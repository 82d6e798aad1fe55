import type { PayloadReader } from './payload-reader.js';
import { readSettings, type SettingsOf, type SettingsSchema } from './schema.js';

/** How a run splits over a cluster: the CLI's `cluster` flags, the API's checks and New run's "Split into N shards" read it. */
export const CLUSTER_SETTINGS_SCHEMA = {
  shards: { type: 'integer', min: 1, max: 100_000, label: 'Shards', hint: 'Shards (one task each) to split the windows into', group: 'Cluster' },
  gpusPerTask: { type: 'integer', min: 1, optional: true, label: 'GPUs per task', hint: 'GPUs per task (Slurm --gpus-per-task; Kubernetes nvidia.com/gpu limit)', group: 'Cluster' },
  partition: { type: 'text', optional: true, label: 'Slurm partition', hint: "Slurm partition (blank: the cluster's default)", value: 'NAME', group: 'Slurm' },
  time: { type: 'text', optional: true, label: 'Slurm time limit', hint: 'Slurm time limit per job, e.g. 90, 2:00:00 or 1-12 (blank: the partition\'s)', value: 'TIME', group: 'Slurm' },
  image: { type: 'text', optional: true, label: 'Container image', hint: 'Kubernetes: the image built from build/Dockerfile (blank: sae-studio)', value: 'IMAGE', group: 'Kubernetes' },
  volumeClaim: { type: 'text', optional: true, label: 'Volume claim', hint: 'Kubernetes: PersistentVolumeClaim mounted at the shared folder (blank: sae-studio-shared)', value: 'NAME', group: 'Kubernetes' },
  namespace: { type: 'text', optional: true, label: 'Namespace', hint: 'Kubernetes namespace (blank: the current one)', value: 'NAME', group: 'Kubernetes' },
  parallelism: { type: 'integer', min: 1, optional: true, label: 'Parallel pods', hint: 'Kubernetes: shard pods that run at once (blank: every shard)', group: 'Kubernetes' },
} as const satisfies SettingsSchema;

export type ClusterSettings = SettingsOf<typeof CLUSTER_SETTINGS_SCHEMA>;

// What blank fields mean: the README's docker build tag and the claim name its example creates.
export const DEFAULT_IMAGE = 'sae-studio';
export const DEFAULT_VOLUME_CLAIM = 'sae-studio-shared';

// sbatch's forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
const SLURM_TIME = /^(\d+(:\d{1,2}){0,2}|\d+-\d{1,2}(:\d{1,2}){0,2})$/;

/** Checked settings, the time limit in one of the forms sbatch reads. */
export function readClusterSettings(reader: PayloadReader): ClusterSettings {
  const settings = readSettings(CLUSTER_SETTINGS_SCHEMA, reader);
  if (settings.time !== undefined && !SLURM_TIME.test(settings.time)) {
    reader.fail('time', 'a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)');
  }
  return settings;
}
