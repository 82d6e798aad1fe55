import { InputError } from '../../shared/errors.js';
import type { ForwardOptions } from '../model/types.js';
import type { SaeParams } from '../sae/types.js';
import type { SteeringFeature, SteeringPositions } from '../../shared/settings/steer-settings.js';
import type { GenerationStep } from './generate.js';

/** One SAE's combined steering Σ cᵢ · directionᵢ in the hook's space, and how that SAE scales its input. */
export interface SteeringVector {
  hook: string;
  vector: Float64Array;
  sae: Pick<SaeParams, 'inputSize' | 'normalization' | 'centerInput'>;
}

/**
 * What one unit of a feature adds to the hook activation when decoded: W_dec[i] (÷ ‖W_dec[i]‖ for SAEs that rescale by
 * decoder norm), its mean removed for SAEs that read centred activations, since centring would remove it again.
 */
export function featureDirection(sae: SaeParams, feature: number): Float64Array {
  if (!Number.isInteger(feature) || feature < 0 || feature >= sae.featureCount) {
    throw new InputError(`Feature ${feature} is outside the SAE in ${sae.source}, which has features 0–${sae.featureCount - 1}.`, sae.source);
  }
  const row = Float64Array.from(sae.decoderWeights.subarray(feature * sae.inputSize, (feature + 1) * sae.inputSize));
  const norm = sae.rescaleByDecoderNorm ? Math.hypot(...row) : 1;
  const mean = sae.centerInput ? row.reduce((sum, value) => sum + value, 0) / row.length : 0;
  return row.map((value) => (value - mean) / (norm || 1));
}

/** One SAE's steering: its features' directions, each times its coefficient, summed. */
export function steeringVector(sae: SaeParams, features: readonly Omit<SteeringFeature, 'sae'>[]): SteeringVector {
  const vector = new Float64Array(sae.inputSize);
  for (const { feature, coefficient } of features) featureDirection(sae, feature).forEach((value, d) => (vector[d] += coefficient * value));
  return { hook: sae.hook, vector, sae: { inputSize: sae.inputSize, normalization: sae.normalization, centerInput: sae.centerInput } };
}

/** Which rows of a forward to steer: rows are positions start … start + length − 1 of one window. */
export function steeredRows(step: GenerationStep, options: { positions: SteeringPositions; promptLength: number }): boolean[] {
  const first = options.positions === 'all' ? 1 : options.promptLength;
  return Array.from({ length: step.length }, (_, row) => step.start + row >= first);
}

/** The hook edit that adds every vector at its hook to the chosen rows; undefined when no row is steered. */
export function steeringEdit(vectors: readonly SteeringVector[], rows: readonly boolean[]): ForwardOptions['edit'] {
  if (vectors.length === 0 || !rows.includes(true)) return undefined;
  const hooks = [...new Set(vectors.map((vector) => vector.hook))];
  return {
    hooks,
    apply: (hook, activation) => steer(activation, vectors.filter((vector) => vector.hook === hook), rows),
  };
}

/** activation + scale(x) · vector on each steered row, every scale read from the unsteered activation. */
export function steer(activation: Float32Array, vectors: readonly SteeringVector[], rows: readonly boolean[]): Float32Array {
  const steered = activation.slice();
  for (const { vector, sae } of vectors) {
    const width = sae.inputSize;
    rows.forEach((chosen, row) => {
      if (!chosen) return;
      const x = activation.subarray(row * width, (row + 1) * width);
      const scale = inputScale(x, sae);
      for (let d = 0; d < width; d++) steered[row * width + d] += scale * vector[d]!;
    });
  }
  return steered;
}

/**
 * How much one unit in the SAE's normalised input space is at the hook, as its decoder's restore step computes it:
 * ‖x‖/√d for constant_norm_rescale, the sample standard deviation for layer_norm, 1 otherwise (x centred first when the SAE is).
 */
export function inputScale(x: Float32Array, sae: SteeringVector['sae']): number {
  if (sae.normalization === 'none') return 1;
  const mean = sae.centerInput || sae.normalization === 'layer_norm' ? x.reduce((sum, value) => sum + value, 0) / x.length : 0;
  let squares = 0;
  for (const value of x) squares += (value - mean) ** 2;
  return sae.normalization === 'layer_norm' ? Math.sqrt(squares / (x.length - 1)) : Math.sqrt(squares) / Math.sqrt(sae.inputSize);
}
