import { InputError } from '../../shared/errors.js';
import { shellLine, shellWord } from './shell.js';
import { shardFileName, shardFiles, shardFlags, type ClusterPlan } from './plan.js';

/** What the user may ask of Slurm for every task; absent fields take the cluster's defaults. */
export interface SlurmOptions {
  partition?: string;
  gpusPerTask?: number;
  /** A time limit in one of sbatch's forms, e.g. 90, 2:00:00 or 1-12. */
  time?: string;
}

export const SLURM_SHARDS_SCRIPT = 'slurm-shards.sh';
export const SLURM_MERGE_SCRIPT = 'slurm-merge.sh';

/** sbatch reads #SBATCH values in double quotes, and expands % as a file-name pattern: a folder with either cannot be named there. */
export function checkSlurmFolder(folder: string): void {
  const bad = ['"', '%', '\n'].find((character) => folder.includes(character));
  if (bad) throw new InputError(`The shared folder '${folder}' holds ${JSON.stringify(bad)}, which an #SBATCH line cannot carry; choose another folder.`);
}

function directives(options: SlurmOptions, own: string[]): string[] {
  const asked = [
    options.partition && `--partition=${options.partition}`,
    options.gpusPerTask !== undefined && `--gpus-per-task=${options.gpusPerTask}`,
    options.time && `--time=${options.time}`,
  ].filter((line): line is string => Boolean(line));
  return [...own, '--ntasks=1', ...asked].map((line) => `#SBATCH ${line}`);
}

function script(lines: { directives: string[]; about: string; plan: ClusterPlan; command: string }): string {
  const header = ['#!/bin/bash', ...lines.directives, `# ${lines.about}`, 'set -euo pipefail'];
  return [...header, `SHARED_DIR=${shellWord(lines.plan.sharedDir)}`, `exec ${lines.command}`, ''].join('\n');
}

// Words that name the task's variables go in double quotes, so the shell expands them but splits nothing.
function shellWordWithVariables(word: string): string {
  return word.includes('${') ? `"${word}"` : shellWord(word);
}

/** The array job: task K runs shard K and writes SHARED_DIR/shard-K-of-N. */
export function slurmShardsScript(plan: ClusterPlan, options: SlurmOptions): string {
  const task = '${SLURM_ARRAY_TASK_ID}';
  const logs = `--output="${plan.sharedDir}/slurm-${plan.runId}-shard-%a.out"`;
  const own = [`--job-name=sae-studio-${plan.runId}-shards`, `--array=0-${plan.shards - 1}`, logs];
  const flags = shardFlags(plan, task, `\${SHARED_DIR}/${shardFileName(task, plan.shards)}`).map(shellWordWithVariables);
  const command = `${shellLine([...plan.cli, 'analyze', ...plan.analyze])} ${flags.join(' ')}`;
  const about = `Shard ${task} of ${plan.shards} of run ${plan.runId}, written by sae-studio cluster slurm.`;
  return script({ directives: directives(options, own), about, plan, command });
}

/** The merge job: reads every shard file and records one finished run. */
export function slurmMergeScript(plan: ClusterPlan, options: SlurmOptions): string {
  const own = [`--job-name=sae-studio-${plan.runId}-merge`, `--output="${plan.sharedDir}/slurm-${plan.runId}-merge.out"`];
  const files = shardFiles({ ...plan, sharedDir: '${SHARED_DIR}' }).map(shellWordWithVariables);
  const command = `${shellLine([...plan.cli, 'merge'])} ${files.join(' ')} ${shellLine(['--db', plan.database])}`;
  const about = `Merges the ${plan.shards} shards of run ${plan.runId}, written by sae-studio cluster slurm.`;
  return script({ directives: directives(options, own), about, plan, command });
}

/** The commands that submit both jobs, the merge waiting for every shard to succeed. */
export function sbatchCommands(shardsScript: string, mergeScript: string): string[] {
  return [`ARRAY_JOB=$(sbatch --parsable ${shellWord(shardsScript)})`, `sbatch --dependency=afterok:"$ARRAY_JOB" ${shellWord(mergeScript)}`];
}
