import { runMatch } from '../engine/compare/run.js';
import type { MatchRunSettings, MatchSink } from '../engine/compare/types.js';
import { saveMatchPair, saveMatchSaes } from '../store/matches.js';
import { writeWhileActive } from '../store/runs.js';
import type { JobHandler } from './handler.js';

/** Matches the SAEs in this job process, storing the SAEs first and each pair as soon as it is done. */
export const matchJob: JobHandler<MatchRunSettings> = async ({ runId, settings }, context) => {
  const db = context.database();
  let pairs = 0;
  const sink: MatchSink = {
    // A cancelled run's rows are gone; a late write must not bring them back.
    saveSaes: (saes) => writeWhileActive(db, runId, () => saveMatchSaes(db, runId, saes)),
    savePair: (k, l, match) => writeWhileActive(db, runId, () => void (saveMatchPair(db, runId, { k, l, match }), pairs++)),
  };
  await runMatch(settings, sink, { progress: context.progress, signal: context.cancel });
  return { pairs };
};
