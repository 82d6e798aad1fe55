import type { RunInputs } from './inputs.js';
import { referencedWindows, type FeatureExamples } from './top-examples.js';
import { windowBatches } from './windows.js';

/**
 * The token ids of the windows in `wanted`, each cut to its valid length. The windows are built again from the
 * dataset rather than kept while the run streams, so memory follows the examples, not the number of windows.
 */
export function collectWindowTokens(inputs: RunInputs, wanted: ReadonlySet<number>): Map<number, Int32Array> {
  const tokens = new Map<number, Int32Array>();
  if (wanted.size === 0) return tokens;
  let window = 0;
  for (const batch of windowBatches(inputs.source, inputs.tokenizer, inputs.plan)) {
    for (let row = 0; row < batch.batch; row++, window++) {
      if (!wanted.has(window)) continue;
      const start = row * batch.sequence;
      tokens.set(window, batch.ids.slice(start, start + batch.lengths[row]));
    }
    if (tokens.size === wanted.size) break;
  }
  return tokens;
}

/** Every window that some SAE's examples point at. */
export function windowsOfExamples(all: readonly (FeatureExamples | undefined)[]): Set<number> {
  return new Set(all.flatMap((examples) => (examples ? referencedWindows(examples) : [])));
}
