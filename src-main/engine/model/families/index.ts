import { InputError } from '../../../shared/errors.js';
import { allHookNames, hookName, parseHookName, type HookKind, type HookPoint } from '../../../shared/hooks.js';
import type { ModelConfig } from '../types.js';
import { stepHookKinds, type ModelFamily } from './family.js';
import { gemma2Family } from './gemma2.js';
import { gptNeoxFamily } from './gpt-neox.js';
import { gpt2Family } from './gpt2/index.js';
import { llamaFamily } from './llama.js';

export type { BlockStep, BranchStep, ModelFamily, PieceContext, SumStep } from './family.js';
export { PIECE_TENSORS, stepHookKinds } from './family.js';

const FAMILIES: readonly ModelFamily[] = [gpt2Family, llamaFamily, gemma2Family, gptNeoxFamily];
export const MODEL_TYPES: readonly string[] = FAMILIES.map((family) => family.modelType);

export function findFamily(modelType: unknown): ModelFamily | undefined {
  return FAMILIES.find((candidate) => candidate.modelType === modelType);
}

export function graphFamily(modelType: string): ModelFamily {
  const family = findFamily(modelType);
  if (!family) throw new InputError(`Model type '${modelType}' has no ONNX graph (supported: ${MODEL_TYPES.join(', ')}).`);
  return family;
}

/** The hooks each block of this model exposes, in forward order: a parallel residual has no resid_mid. */
export function blockHookKinds(config: ModelConfig): HookKind[] {
  return stepHookKinds(graphFamily(config.modelType).blockSteps(config));
}

/** Refuses a hook the family's blocks never produce, e.g. resid_mid where attention and MLP run in parallel. */
export function checkHookExists(point: HookPoint, config: ModelConfig): void {
  const kinds = blockHookKinds(config);
  if (kinds.includes(point.kind)) return;
  const why = point.kind === 'hook_resid_mid' ? ': its attention and MLP both read hook_resid_pre in parallel (use_parallel_residual), so nothing lies between them' : '';
  throw new InputError(`Hook '${hookName(point)}' does not exist in this ${config.modelType} model${why}. Its blocks have ${kinds.join(', ')}.`);
}

/** Every hook this model has, in allHookNames's order, leaving out what its blocks never produce. */
export function modelHookNames(config: ModelConfig): string[] {
  const kinds = blockHookKinds(config);
  return allHookNames(config.layerCount).filter((name) => kinds.includes(parseHookName(name).kind));
}
