import { runMatch } from '../engine/compare/run.js';
import type { MatchRunSettings, MatchSink } from '../engine/compare/types.js';
import { InputError } from '../shared/errors.js';
import { openDatabase } from '../store/database.js';
import { saveMatchPair, saveMatchSaes } from '../store/matches.js';
import type { JobHandler } from './jobs.js';

export interface MatchPayload {
  runId: string;
  databasePath: string;
  settings: MatchRunSettings;
}

function readPayload(payload: unknown): MatchPayload {
  const value = (payload ?? {}) as Partial<MatchPayload>;
  if (typeof value.runId !== 'string' || typeof value.databasePath !== 'string' || typeof value.settings !== 'object') {
    throw new InputError('The match job needs a run id, its settings and the database path.');
  }
  return value as MatchPayload;
}

/** Matches the SAEs in this job process, storing the SAEs first and each pair as soon as it is done. */
export const matchJob: JobHandler = async (payload, context) => {
  const { runId, settings, databasePath } = readPayload(payload);
  const db = openDatabase(databasePath);
  try {
    let pairs = 0;
    const sink: MatchSink = {
      saveSaes: (saes) => saveMatchSaes(db, runId, saes),
      savePair: (k, l, match) => void (saveMatchPair(db, runId, { k, l, match }), pairs++),
    };
    await runMatch(settings, sink, { progress: context.progress, signal: context.cancel });
    return { pairs };
  } finally {
    db.close();
  }
};
