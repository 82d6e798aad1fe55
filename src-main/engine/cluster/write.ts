import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { fileError } from '../files.js';
import { KUBERNETES_MERGE_MANIFEST, KUBERNETES_SHARDS_MANIFEST, kubectlCommands, kubernetesMergeJob, kubernetesShardsJob, type KubernetesOptions } from './kubernetes.js';
import { SHARD_FILE_EXTENSION, type ClusterPlan } from './plan.js';
import { checkSlurmFolder, sbatchCommands, SLURM_MERGE_SCRIPT, SLURM_SHARDS_SCRIPT, slurmMergeScript, slurmShardsScript, type SlurmOptions } from './slurm.js';
import { toYaml } from './yaml.js';

/** What was written where, and the commands that run it. */
export interface ClusterFiles {
  runId: string;
  /** The shards job's file, then the merge job's. */
  files: [string, string];
  commands: string[];
}

const SHARD_FILE = new RegExp(`^shard-\\d+-of-\\d+\\.${SHARD_FILE_EXTENSION}$`);

/** A folder to write into, refused when it already holds shard files that a merge could mix with the new run's. */
function prepareFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw fileError(folder, 'create', error);
  }
  const stale = readdirSync(folder).filter((name) => SHARD_FILE.test(name));
  if (stale.length > 0) throw new InputError(`${folder} already holds shard files (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''}); choose an empty folder or remove them.`, folder);
}

function writeText(path: string, text: string, executable = false): string {
  try {
    writeFileSync(path, text);
    if (executable) chmodSync(path, 0o755);
  } catch (error) {
    throw fileError(path, 'write', error);
  }
  return path;
}

/** The array job and the merge job, written into the shared folder that every task reaches. */
export function writeSlurmFiles(plan: ClusterPlan, options: SlurmOptions): ClusterFiles {
  checkSlurmFolder(plan.sharedDir);
  prepareFolder(plan.sharedDir);
  const shards = writeText(join(plan.sharedDir, SLURM_SHARDS_SCRIPT), slurmShardsScript(plan, options), true);
  const merge = writeText(join(plan.sharedDir, SLURM_MERGE_SCRIPT), slurmMergeScript(plan, options), true);
  return { runId: plan.runId, files: [shards, merge], commands: sbatchCommands(shards, merge) };
}

/** The Indexed Job and the merge Job manifests, written into `folder` on this machine. */
export function writeKubernetesFiles(plan: ClusterPlan, options: KubernetesOptions, folder: string): ClusterFiles {
  prepareFolder(folder);
  const shards = writeText(join(folder, KUBERNETES_SHARDS_MANIFEST), toYaml(kubernetesShardsJob(plan, options)));
  const merge = writeText(join(folder, KUBERNETES_MERGE_MANIFEST), toYaml(kubernetesMergeJob(plan, options)));
  return { runId: plan.runId, files: [shards, merge], commands: kubectlCommands(plan, options, { shards, merge }) };
}
