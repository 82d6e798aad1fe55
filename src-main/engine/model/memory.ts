import { InputError } from '../../shared/errors.js';
import type { WeightSource } from './types.js';

/** The block a tensor belongs to, from the first `.N.` in its name (h.3., model.layers.3., gpt_neox.layers.3.). */
const LAYER_IN_NAME = /\.(\d+)\./;
const GIGABYTE = 1024 ** 3;

export interface MemoryPlan {
  /** Bytes the loaded pieces hold as float32, plus the largest piece again while its session is built. */
  needed: number;
  layers: number;
  layerCount: number;
}

/** What opening blocks 0…layers−1 and the vocabulary costs in float32, whatever dtype the checkpoint stores. */
export function planModelMemory(weights: WeightSource, shape: { layers: number; layerCount: number }): MemoryPlan {
  const perPiece = new Map<string, number>();
  for (const name of weights.names()) {
    const layer = LAYER_IN_NAME.exec(name)?.[1];
    if (layer !== undefined && Number(layer) >= shape.layers) continue;
    const piece = layer ?? 'vocabulary';
    perPiece.set(piece, (perPiece.get(piece) ?? 0) + 4 * weights.shape(name).reduce((product, size) => product * size, 1));
  }
  const sizes = [...perPiece.values()];
  const needed = sizes.reduce((total, size) => total + size, 0) + Math.max(0, ...sizes);
  return { needed, layers: shape.layers, layerCount: shape.layerCount };
}

/** Refuses up front, with the numbers and what to do, a model that would not fit in the memory that is free. */
export function checkModelFits(plan: MemoryPlan, available: number): void {
  if (plan.needed <= available) return;
  const gigabytes = (bytes: number) => `${(bytes / GIGABYTE).toFixed(1)} GB`;
  const layers = plan.layers < plan.layerCount ? `its first ${plan.layers} of ${plan.layerCount} layers` : `all ${plan.layerCount} layers`;
  throw new InputError(
    `The model needs about ${gigabytes(plan.needed)} of memory for ${layers} and its vocabulary in float32, but only ${gigabytes(available)} is free. ` +
      'Run it on a GPU (--device cuda), read hooks in earlier layers (only layers up to the deepest hook are loaded, unless LM losses are on), or free memory.',
  );
}
