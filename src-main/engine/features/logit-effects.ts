import { largestIndices } from './ranking.js';

import type { LogitEffect } from '../../shared/features.js';

export const LOGIT_EFFECT_TOKENS = 10;

/** A decoder row's direct effect on every logit, W_dec[i] · W_U (no final norm): its `count` largest and smallest tokens. */
export function logitEffect(direction: ArrayLike<number>, unembedding: Float32Array, count = LOGIT_EFFECT_TOKENS): LogitEffect {
  const width = direction.length;
  const effects = new Float64Array(unembedding.length / width);
  for (let token = 0; token < effects.length; token++) {
    let sum = 0;
    for (let d = 0, row = token * width; d < width; d++) sum += direction[d] * unembedding[row + d];
    effects[token] = sum;
  }
  const negated = effects.map((value) => -value);
  return {
    top: largestIndices(effects, count).map((token) => [token, effects[token]]),
    bottom: largestIndices(negated, count).map((token) => [token, effects[token]]),
  };
}
