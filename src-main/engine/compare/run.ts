import type { MatchOptions } from './match.js';
import { listMatchSaes, loadDirections } from './load.js';
import { matchSet } from './set.js';
import type { MatchRunSettings, MatchSink, SetMatrices } from './types.js';

/** A whole match job: lists the SAEs, normalises each once, matches every pair and hands each result to the sink. */
export async function runMatch(settings: MatchRunSettings, sink: MatchSink, options: MatchOptions = {}): Promise<SetMatrices> {
  const entries = listMatchSaes(settings.saes);
  options.progress?.stage(`Matching ${entries.length} SAEs by ${settings.by} directions: ${(entries.length * (entries.length - 1)) / 2} pairs.`);
  const saes = entries.map((entry, index) => {
    const directions = loadDirections(entry, settings.by);
    options.progress?.bar('directions', index + 1, entries.length);
    return directions;
  });
  sink.saveSaes(saes.map((sae) => ({ ...sae.sae, zeroNorm: sae.zeroCount })));
  return matchSet(saes, settings, { ...options, onPair: (k, l, match) => sink.savePair(k, l, match) });
}
