import { InputError } from '../../shared/errors.js';
import { listSaes, openSae, type SaeEntry } from '../sae/registry.js';
import { unitDirections, type Directions } from './directions.js';
import type { MatchDirection } from './types.js';

/** Every SAE the paths hold (a folder may hold a set), listed from configs and headers, sizes checked before any weights load. */
export function listMatchSaes(paths: readonly string[]): SaeEntry[] {
  const entries = paths.flatMap((path) => listSaes(path));
  if (entries.length < 2) {
    throw new InputError(`Matching needs at least two SAEs; ${paths.join(', ') || 'nothing'} ${entries.length === 1 ? 'holds only one' : 'holds none'}.`);
  }
  const first = entries[0]!;
  const other = entries.find((entry) => entry.inputSize !== first.inputSize);
  if (other) {
    throw new InputError(
      `Cannot match ${first.path} (d_in ${first.inputSize}) with ${other.path} (d_in ${other.inputSize}): their directions must have the same d_in.`,
    );
  }
  return entries;
}

/** One SAE's unit directions; its weights are dropped as soon as they are read. */
export function loadDirections(entry: SaeEntry, by: MatchDirection): Directions {
  return unitDirections(openSae(entry.path), by);
}
