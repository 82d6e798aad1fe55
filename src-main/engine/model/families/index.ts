import { InputError } from '../../../shared/errors.js';
import type { ModelFamily } from './family.js';
import { gpt2Family } from './gpt2/index.js';

export type { BlockStep, BranchStep, ModelFamily, PieceContext, SumStep } from './family.js';
export { PIECE_TENSORS } from './family.js';

const FAMILIES: readonly ModelFamily[] = [gpt2Family];
export const MODEL_TYPES: readonly string[] = FAMILIES.map((family) => family.modelType);

export function findFamily(modelType: unknown): ModelFamily | undefined {
  return FAMILIES.find((candidate) => candidate.modelType === modelType);
}

export function graphFamily(modelType: string): ModelFamily {
  const family = findFamily(modelType);
  if (!family) throw new InputError(`Model type '${modelType}' has no ONNX graph (supported: ${MODEL_TYPES.join(', ')}).`);
  return family;
}
