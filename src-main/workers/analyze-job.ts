import type { AnalyzePayload } from '../api/run-service.js';
import { InputError } from '../shared/errors.js';
import { runStatistics } from '../engine/stats/run.js';
import { openDatabase } from '../store/database.js';
import { createStatsStore } from '../store/statistics.js';
import type { JobHandler } from './jobs.js';

function readPayload(payload: unknown): AnalyzePayload {
  const value = (payload ?? {}) as Partial<AnalyzePayload>;
  if (typeof value.runId !== 'string' || typeof value.databasePath !== 'string' || typeof value.settings !== 'object') {
    throw new InputError('The analyze job needs a run id, its settings and the database path.');
  }
  return value as AnalyzePayload;
}

/** Computes a run's statistics in this job process and stores them in the studio database. */
export const analyzeJob: JobHandler = async (payload, context) => {
  const { runId, settings, databasePath } = readPayload(payload);
  const db = openDatabase(databasePath);
  try {
    const store = createStatsStore(db, runId);
    return await runStatistics(settings, { progress: context.progress, cancel: context.cancel, store });
  } finally {
    db.close();
  }
};
