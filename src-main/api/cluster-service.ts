import { fileURLToPath } from 'node:url';
import { checkAbsolute, newRunId, type ClusterPlan } from '../engine/cluster/plan.js';
import { writeKubernetesFiles, writeSlurmFiles } from '../engine/cluster/write.js';
import { DEFAULT_IMAGE, DEFAULT_VOLUME_CLAIM, type ClusterSettings } from '../shared/settings/cluster-settings.js';
import { RUN_SETTINGS_SCHEMA, type RunSettings } from '../shared/settings/run-settings.js';
import { flagsOf } from '../shared/settings/schema.js';
import type { ClusterFilesWritten } from './contract.js';

/** The CLI as a Slurm node runs it: this checkout's bin.js (two folders up from the sources and the bundle alike) under node. */
function nodeCli(): string[] {
  const bin = fileURLToPath(new URL('../../src-main/cli/bin.js', import.meta.url));
  return [process.versions.electron ? 'node' : process.execPath, bin];
}

/**
 * Writes a statistics run split into shards as a Slurm array job and a Kubernetes Indexed Job, each with its merge job,
 * into one folder that every task reaches; Slurm's merge records the run in this studio's database.
 */
export function writeClusterFiles(request: { settings: RunSettings; cluster: ClusterSettings; folder: string }, databasePath: string): ClusterFilesWritten {
  const { settings, cluster, folder } = request;
  checkAbsolute(folder, 'The cluster folder');
  const plan: ClusterPlan = { shards: cluster.shards, runId: newRunId(), sharedDir: folder, cli: nodeCli(), analyze: flagsOf(RUN_SETTINGS_SCHEMA, settings), database: databasePath };
  const slurm = writeSlurmFiles(plan, { partition: cluster.partition, gpusPerTask: cluster.gpusPerTask, time: cluster.time });
  const pods = { ...plan, cli: [], database: `${folder}/studio.db` };
  const kubernetes = writeKubernetesFiles(pods, { ...cluster, image: cluster.image ?? DEFAULT_IMAGE, volumeClaim: cluster.volumeClaim ?? DEFAULT_VOLUME_CLAIM }, folder);
  return { runId: plan.runId, files: [...slurm.files, ...kubernetes.files], commands: { slurm: slurm.commands, kubernetes: kubernetes.commands } };
}
