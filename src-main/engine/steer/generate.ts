import { InputError } from '../../shared/errors.js';
import type { ForwardOptions, LanguageModel } from '../model/types.js';
import type { GenerationSettings } from '../../shared/settings/steer-settings.js';
import { tokenPicker } from './sampling.js';

/** One forward of a generation: the positions of its rows, `start` … `start + length − 1`. */
export interface GenerationStep {
  start: number;
  length: number;
}

/** What a generation does at each forward besides picking tokens: edit hooks, and read captured ones. */
export interface GenerationHooks {
  edit?(step: GenerationStep): ForwardOptions['edit'];
  capture?: readonly string[];
  /** Receives the captured hooks of each forward; with it the last generated token is run through the model as well. */
  observe?(activations: Map<string, Float32Array>, step: GenerationStep): void | Promise<void>;
}

/**
 * Greedy or sampled continuation of `prompt` (token ids, BOS included) with the model's KV cache: the prompt runs once,
 * then each new token alone. Stops after maxNewTokens, at EOS (not returned), or when the context is full.
 */
export async function generateTokens(model: LanguageModel, prompt: readonly number[], settings: GenerationSettings, hooks: GenerationHooks = {}): Promise<number[]> {
  if (!model.createCache) throw new InputError('This model was opened without a KV cache, which generation needs.');
  const { contextLength, eosTokenId } = model.config;
  if (prompt.length >= contextLength) throw new InputError(`The prompt has ${prompt.length} tokens; the model's context of ${contextLength} leaves no room to generate.`);
  const cache = model.createCache(1);
  const pick = tokenPicker(settings);
  const generated: number[] = [];
  let input = [...prompt];
  for (;;) {
    const wantsToken = generated.length < settings.maxNewTokens;
    if ((!wantsToken && !hooks.observe) || cache.length + input.length > contextLength) break;
    const logits = await runStep(model, { input, cache, hooks, logits: wantsToken });
    if (!wantsToken) break;
    const token = pick(logits!);
    if (token === eosTokenId) break;
    generated.push(token);
    input = [token];
  }
  return generated;
}

interface StepInput {
  input: number[];
  cache: NonNullable<ForwardOptions['cache']>;
  hooks: GenerationHooks;
  logits: boolean;
}

async function runStep(model: LanguageModel, step: StepInput): Promise<Float32Array | undefined> {
  const position: GenerationStep = { start: step.cache.length, length: step.input.length };
  const batch = { ids: Int32Array.from(step.input), batch: 1, sequence: step.input.length };
  const options: ForwardOptions = { capture: step.hooks.capture ?? [], edit: step.hooks.edit?.(position), cache: step.cache };
  if (step.logits) options.logits = 'last';
  const result = await model.forward(batch, options);
  await step.hooks.observe?.(result.activations, position);
  return result.logits;
}
