import type { SamplingSettings } from '../../shared/settings/steer-settings.js';
import { uniformSampler } from '../demo/random.js';

/** Picks one token from a row of logits; a sampler holds its generator, so one sequence draws from one stream. */
export type TokenPicker = (logits: Float32Array) => number;

export function tokenPicker(settings: SamplingSettings): TokenPicker {
  if (settings.temperature === 0) return greedyToken;
  const uniform = uniformSampler(settings.seed);
  return (logits) => sampleNucleus(logits, settings, uniform());
}

/** The largest logit, ties to the lower id. */
export function greedyToken(logits: Float32Array): number {
  let best = 0;
  for (let id = 1; id < logits.length; id++) if (logits[id]! > logits[best]!) best = id;
  return best;
}

/** Softmax at the temperature in float64, keep the most likely tokens until their mass reaches top-p, draw `draw` ∈ [0, 1) among them. */
export function sampleNucleus(logits: Float32Array, settings: Pick<SamplingSettings, 'temperature' | 'topP'>, draw: number): number {
  const largest = logits[greedyToken(logits)]!;
  // A plain loop: TypedArray.from with a map function is many times slower on V8.
  const weights = new Float64Array(logits.length);
  for (let id = 0; id < logits.length; id++) weights[id] = Math.exp((logits[id]! - largest) / settings.temperature);
  const nucleus = nucleusOf(weights, settings.topP);
  let remaining = draw * nucleus.mass;
  for (const id of nucleus.ids) {
    remaining -= weights[id]!;
    if (remaining < 0) return id;
  }
  return nucleus.ids.at(-1)!;
}

/** The most likely ids (ties to the lower id) until their mass reaches topP of the total, in id order; a numeric sort finds the cut. */
function nucleusOf(weights: Float64Array, topP: number): { ids: number[]; mass: number } {
  const descending = Float64Array.from(weights).sort().reverse();
  const total = descending.reduce((sum, weight) => sum + weight, 0);
  let [kept, mass] = [0, 0];
  while (kept < descending.length && (kept === 0 || mass < topP * total)) mass += descending[kept++]!;
  const cut = descending[kept - 1]!;
  const ids: number[] = [];
  for (let id = 0; id < weights.length; id++) if (weights[id]! > cut) ids.push(id);
  for (let id = 0; id < weights.length && ids.length < kept; id++) if (weights[id] === cut) ids.push(id);
  return { ids: ids.sort((a, b) => a - b), mass };
}
