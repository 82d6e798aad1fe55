import { runStatistics } from '../engine/stats/run.js';
import type { RunSettings } from '../shared/settings/run-settings.js';
import { createStatsStore } from '../store/statistics.js';
import type { JobHandler } from './handler.js';

/** Computes a run's statistics in this job process and stores them in the studio database. */
export const statisticsJob: JobHandler<RunSettings> = async ({ runId, settings }, context) => {
  const store = createStatsStore(context.database(), runId);
  return await runStatistics(settings, { progress: context.progress, cancel: context.cancel, store });
};
