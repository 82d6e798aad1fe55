import { InputError } from '../../shared/errors.js';
import { parseHookName } from '../../shared/hooks.js';
import type { ModelConfig } from '../model/types.js';
import type { SaeDescription } from './types.js';

/** What the check reads of an SAE: its config and headers give it before any weights are read. */
export type SaeInputShape = Pick<SaeDescription, 'source' | 'hook' | 'inputSize'>;

/** What the check reads of a model: config.json gives it before any weights are read. */
export type ModelShape = Pick<ModelConfig, 'modelWidth' | 'layerCount'>;

/** Refuses an SAE that cannot read this model's activations; every hook we tap is d_model wide. */
export function checkSaeFitsModel(sae: SaeInputShape, model: ModelShape): void {
  if (sae.inputSize !== model.modelWidth) {
    throw new InputError(
      `The SAE in ${sae.source} reads ${sae.inputSize}-wide activations but the model's ${sae.hook} is ${model.modelWidth} wide.`,
      sae.source,
    );
  }
  const { layer } = parseHookName(sae.hook);
  if (layer >= model.layerCount) {
    throw new InputError(
      `The SAE in ${sae.source} reads ${sae.hook} but the model has only ${model.layerCount} layers (0–${model.layerCount - 1}).`,
      sae.source,
    );
  }
}
