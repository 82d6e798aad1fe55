import { InputError } from '../../errors.js';
import type { GraphFamily } from './family.js';
import { gpt2Family } from './gpt2/index.js';

export type { BlockStep, BranchStep, GraphFamily, PieceContext, SumStep } from './family.js';
export { PIECE_TENSORS } from './family.js';

const FAMILIES: readonly GraphFamily[] = [gpt2Family];

export function graphFamily(modelType: string): GraphFamily {
  const family = FAMILIES.find((candidate) => candidate.modelType === modelType);
  if (!family) {
    const supported = FAMILIES.map((candidate) => candidate.modelType).join(', ');
    throw new InputError(`Model type '${modelType}' has no ONNX graph (supported: ${supported}).`);
  }
  return family;
}
