import { InputError } from '../errors.js';
import { parseHookName } from '../model/hooks.js';
import type { ModelConfig } from '../model/types.js';
import type { SaeParams } from './types.js';

/** Refuses an SAE that cannot read this model's activations; every hook we tap is d_model wide. */
export function checkSaeFitsModel(params: SaeParams, config: ModelConfig): void {
  if (params.inputSize !== config.modelWidth) {
    throw new InputError(
      `The SAE in ${params.source} reads ${params.inputSize}-wide activations but the model's ${params.hook} is ${config.modelWidth} wide.`,
      params.source,
    );
  }
  const { layer } = parseHookName(params.hook);
  if (layer >= config.layerCount) {
    throw new InputError(
      `The SAE in ${params.source} reads ${params.hook} but the model has only ${config.layerCount} layers (0–${config.layerCount - 1}).`,
      params.source,
    );
  }
}
