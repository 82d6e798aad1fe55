import type { ModelConfig } from '../../types.js';
import type { CheckpointWeights } from '../../weights.js';
import { checkedWeights } from '../checked-weights.js';

/** Fine-tuned and LM-head checkpoints nest the same tensors under this prefix. */
export const GPT2_KEY_PREFIX = 'transformer.';

/** Every tensor the GPT-2 forward reads, by its canonical Hugging Face name, with the shape the config implies. */
export function gpt2TensorShapes(config: ModelConfig): Map<string, number[]> {
  const width = config.modelWidth;
  const shapes = new Map<string, number[]>([
    ['wte.weight', [config.vocabSize, width]],
    ['wpe.weight', [config.contextLength, width]],
  ]);
  for (let layer = 0; layer < config.layerCount; layer++) {
    for (const [name, shape] of blockShapes(width)) shapes.set(`h.${layer}.${name}`, shape);
  }
  shapes.set('ln_f.weight', [width]);
  shapes.set('ln_f.bias', [width]);
  return shapes;
}

function blockShapes(width: number): [string, number[]][] {
  return [
    ['ln_1.weight', [width]],
    ['ln_1.bias', [width]],
    ['attn.c_attn.weight', [width, 3 * width]],
    ['attn.c_attn.bias', [3 * width]],
    ['attn.c_proj.weight', [width, width]],
    ['attn.c_proj.bias', [width]],
    ['ln_2.weight', [width]],
    ['ln_2.bias', [width]],
    ['mlp.c_fc.weight', [width, 4 * width]],
    ['mlp.c_fc.bias', [4 * width]],
    ['mlp.c_proj.weight', [4 * width, width]],
    ['mlp.c_proj.bias', [width]],
  ];
}

/** A view of a checkpoint under canonical names, checked against the config before anything is read. */
export function gpt2Weights(source: CheckpointWeights, config: ModelConfig): CheckpointWeights {
  const prefix = source.has(`${GPT2_KEY_PREFIX}wte.weight`) ? GPT2_KEY_PREFIX : '';
  return checkedWeights(source, { shapes: gpt2TensorShapes(config), prefix, label: 'GPT-2' });
}
