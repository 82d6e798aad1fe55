import { runResidual } from '../engine/residual/run.js';
import type { ResidualSettings } from '../shared/settings/residual-settings.js';
import { saveResidualStats } from '../store/residual.js';
import type { JobHandler } from './handler.js';

/** Computes a residual-stream run in this job process and stores it in the studio database. */
export const residualJob: JobHandler<ResidualSettings> = async ({ runId, settings }, context) => {
  const stats = await runResidual(settings, { progress: context.progress, cancel: context.cancel });
  saveResidualStats(context.database(), runId, stats);
  context.progress.stage('Stored the residual-stream statistics');
  return stats.run;
};
