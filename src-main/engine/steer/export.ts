import type { GenerationSettings, SteeringPositions } from '../../shared/settings/steer-settings.js';
import type { Continuation, SteeringResult } from '../../shared/steering.js';

/** What a steering export records of the run besides its outputs. */
export interface SteeringExportRun extends GenerationSettings {
  model: string;
  positions: SteeringPositions;
}

/** steer.json: the run, the steered features, and per prompt both continuations with each steered feature's activation on the generated tokens. */
export function steeringToJson(run: SteeringExportRun, result: SteeringResult): string {
  const { model, positions, maxNewTokens, temperature, topP, seed } = run;
  return JSON.stringify({
    model,
    positions,
    max_new_tokens: maxNewTokens,
    temperature,
    top_p: topP,
    seed,
    features: result.features.map(({ hook, feature, coefficient }) => ({ hook, feature, coefficient })),
    prompts: result.comparisons.map((comparison) => ({ prompt: comparison.prompt, default: continuationJson(comparison.default), steered: continuationJson(comparison.steered) })),
  });
}

function continuationJson(continuation: Continuation): Record<string, unknown> {
  const activations = continuation.features.map(({ hook, feature, max, mean, values }) => ({ hook, feature, max, mean, values }));
  return { text: continuation.text, tokens: continuation.tokens, activations };
}
