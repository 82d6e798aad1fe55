import { spawnSync } from 'node:child_process';
import { InputError } from '../../shared/errors.js';

/** The job ids Slurm gave the array job and the merge job. */
export interface SubmittedJobs {
  arrayJob: string;
  mergeJob: string;
}

/** Runs sbatch --parsable and returns the job id it prints ("ID" or "ID;CLUSTER"), or says in words why it could not. */
function sbatch(script: string, extra: string[]): string {
  const result = spawnSync('sbatch', ['--parsable', ...extra, script], { encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new InputError("sbatch was not found: --submit needs Slurm's commands on this machine's PATH; without --submit, run the printed commands on a machine that has them.");
  }
  if (result.error) throw new InputError(`sbatch could not run: ${result.error.message}.`);
  const id = result.stdout.trim().split(';')[0];
  if (result.status !== 0 || !/^\d+$/.test(id)) {
    throw new InputError(`sbatch refused ${script}: ${(result.stderr || result.stdout).trim() || `exit status ${result.status}`}.`, script);
  }
  return id;
}

/** Submits the array job, then the merge job to start once every task has succeeded. */
export function submitSlurm([shards, merge]: readonly [string, string]): SubmittedJobs {
  const arrayJob = sbatch(shards, []);
  return { arrayJob, mergeJob: sbatch(merge, [`--dependency=afterok:${arrayJob}`]) };
}
