import { InputError } from '../../shared/errors.js';
import { chooseDevice, type ExecutionProvider } from '../onnx/devices.js';
import { silentProgress, throwIfCancelled, type CancelSignal, type ProgressSink } from '../progress.js';
import type { SaeParams } from '../sae/types.js';
import { openCosineSessions, type CosineSessions } from './cosine-pass.js';
import { requireSameInputSize, unitDirections, type Directions } from './directions.js';
import { exactAssignment } from './exact-assignment.js';
import { firstNeighbours, fractionsAbove, mutualCount, splitsOf, summarizeTop1, top1Of } from './summary.js';
import type { MatchSettings, PairMatch } from './types.js';

/** Nearest candidates gathered per feature in the cosine pass: the assignment's sparse graph and the children lists. */
export const CANDIDATE_NEIGHBOURS = 16;

export interface MatchOptions {
  progress?: ProgressSink;
  signal?: CancelSignal;
}

/** Matches SAE A against SAE B; `a`/`b` say which SAE each side is in progress lines. */
export async function matchPair(a: SaeParams, b: SaeParams, settings: MatchSettings, options: MatchOptions = {}): Promise<PairMatch> {
  checkSettings(settings);
  const first = unitDirections(a, settings.by);
  const second = unitDirections(b, settings.by);
  requireSameInputSize(first, second);
  const { provider } = await chooseDevice(settings.device);
  const sessions = await openSessions(second, provider, settings);
  try {
    return await matchDirections(first, sessions, settings, options);
  } finally {
    await sessions.release();
  }
}

export function openSessions(b: Directions, provider: ExecutionProvider, settings: MatchSettings): Promise<CosineSessions> {
  return openCosineSessions(b, provider, settings.splitThreshold);
}

/** One pair from directions already normalised: what a set of SAEs reuses for each of its pairs. */
export async function matchDirections(a: Directions, sessions: CosineSessions, settings: MatchSettings, options: MatchOptions = {}): Promise<PairMatch> {
  const progress = options.progress ?? silentProgress;
  const { b } = sessions;
  const label = `${a.sae.hook} → ${b.sae.hook}`;
  const candidateK = Math.max(settings.topK, CANDIDATE_NEIGHBOURS);
  const pass = await sessions.neighbours(a, candidateK, { signal: options.signal, onBlock: (done, total) => progress.bar(`cosines ${label}`, done, total) });
  progress.stage(`Cosines and nearest neighbours done: ${label}.`);
  const assignment = await exactAssignment(
    { a, sessions, aToB: pass.aToB, bToA: pass.bToA },
    { signal: options.signal, onBlock: (done, total) => progress.bar(`certificate ${label}`, done, total), onRound: (line) => progress.stage(line) },
  );
  throwIfCancelled(options.signal);
  progress.stage(`Assignment ${assignment.optimal ? 'proven optimal' : 'not proven optimal'}: ${label}, total ${assignment.total.toFixed(4)}.`);
  return {
    by: settings.by,
    topK: settings.topK,
    thresholds: settings.thresholds,
    a: a.sae,
    b: b.sae,
    sameModel: (a.sae.modelName ?? '') === (b.sae.modelName ?? ''),
    zeroNorm: { a: a.zeroCount, b: b.zeroCount },
    aToB: firstNeighbours(pass.aToB, settings.topK),
    bToA: firstNeighbours(pass.bToA, settings.topK),
    mutual: mutualCount(pass.aToB, pass.bToA),
    assignment,
    summary: {
      aToB: summarizeTop1(top1Of(pass.aToB), a, settings.thresholds),
      bToA: summarizeTop1(top1Of(pass.bToA), b, settings.thresholds),
      assignmentAbove: fractionsAbove(assignment.cosine, settings.thresholds),
    },
    splits: splitsOf({ a, b, ...pass, threshold: settings.splitThreshold }),
  };
}

export function checkSettings(settings: MatchSettings): void {
  if (!Number.isInteger(settings.topK) || settings.topK < 1) throw new InputError(`top_k must be a whole number of at least 1, not ${settings.topK}.`);
  for (const threshold of [...settings.thresholds, settings.splitThreshold]) {
    if (!(threshold >= -1 && threshold <= 1)) throw new InputError(`A cosine threshold must be from -1 to 1, not ${threshold}.`);
  }
}
