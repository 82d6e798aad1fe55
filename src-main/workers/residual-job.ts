import { inspectText } from '../engine/residual/inspect.js';
import { runResidual } from '../engine/residual/run.js';
import type { InspectSettings, ResidualSettings } from '../shared/settings/residual-settings.js';
import { saveInspection, saveResidualStats } from '../store/residual.js';
import type { JobHandler } from './handler.js';

/** Computes a residual-stream run in this job process and stores it in the studio database. */
export const residualJob: JobHandler<ResidualSettings> = async ({ runId, settings }, context) => {
  const stats = await runResidual(settings, { progress: context.progress, cancel: context.cancel });
  saveResidualStats(context.database(), runId, stats);
  context.progress.stage('Stored the residual-stream statistics');
  return stats.run;
};

/** Reads one text in this job process, so the app stays responsive, and stores the answer for the inspector to load. */
export const inspectJob: JobHandler<InspectSettings> = async ({ runId, settings }, context) => {
  const inspection = await inspectText(settings, { cancel: context.cancel });
  saveInspection(context.database(), runId, inspection);
  context.progress.stage(`Inspected ${inspection.tokens.length} tokens at ${inspection.layers.length} residual points`);
  return { tokens: inspection.tokens.length };
};
