import { runCorrelation } from '../engine/correlate/run.js';
import type { CorrelationSettings } from '../shared/settings/correlation-settings.js';
import { saveCorrelation } from '../store/correlations.js';
import type { JobHandler } from './handler.js';

/** Correlates a run's SAE features with its label in this job process and stores the result. */
export const correlateJob: JobHandler<CorrelationSettings> = async ({ runId, settings }, context) => {
  const result = await runCorrelation(settings, { progress: context.progress, cancel: context.cancel });
  saveCorrelation(context.database(), runId, result);
  context.progress.stage(`Stored the correlations of ${result.saes.length} SAE${result.saes.length === 1 ? '' : 's'} over ${result.rows} rows`);
  return { label: result.label, rows: result.rows };
};
