import { InputError, isInputError } from '../../shared/errors.js';
import { parseHookName, type HookPoint } from '../../shared/hooks.js';
import { checkHookExists } from '../model/families/index.js';
import type { ModelConfig } from '../model/types.js';
import type { SaeDescription } from './types.js';

/** What the check reads of an SAE: its config and headers give it before any weights are read. */
export type SaeInputShape = Pick<SaeDescription, 'source' | 'hook' | 'inputSize'>;

/** What the check reads of a model: config.json gives it before any weights are read. */
export type ModelShape = Pick<ModelConfig, 'modelWidth' | 'layerCount'> | ModelConfig;

/** Refuses an SAE that cannot read this model's activations; every hook we tap is d_model wide. */
export function checkSaeFitsModel(sae: SaeInputShape, model: ModelShape): void {
  if (sae.inputSize !== model.modelWidth) {
    throw new InputError(
      `The SAE in ${sae.source} reads ${sae.inputSize}-wide activations but the model's ${sae.hook} is ${model.modelWidth} wide.`,
      sae.source,
    );
  }
  const point = parseHookName(sae.hook);
  if (point.layer >= model.layerCount) {
    throw new InputError(
      `The SAE in ${sae.source} reads ${sae.hook} but the model has only ${model.layerCount} layers (0–${model.layerCount - 1}).`,
      sae.source,
    );
  }
  if ('modelType' in model) checkSaeHookExists(sae, point, model as ModelConfig);
}

/** With the whole config at hand, an SAE at a hook the family never produces (resid_mid of a parallel block) is refused too. */
function checkSaeHookExists(sae: SaeInputShape, point: HookPoint, config: ModelConfig): void {
  try {
    checkHookExists(point, config);
  } catch (error) {
    if (!isInputError(error)) throw error;
    throw new InputError(`The SAE in ${sae.source} cannot run on this model. ${error.message}`, sae.source);
  }
}
