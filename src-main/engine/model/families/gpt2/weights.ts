import { basename } from 'node:path';
import { InputError } from '../../../../shared/errors.js';
import type { TensorInfo } from '../../safetensors.js';
import type { ModelConfig, WeightSource } from '../../types.js';
import type { CheckpointWeights } from '../../weights.js';

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
  const shapes = gpt2TensorShapes(config);
  const prefix = source.has(`${GPT2_KEY_PREFIX}wte.weight`) ? GPT2_KEY_PREFIX : '';
  for (const [name, shape] of shapes) checkTensor(source, { name, key: prefix + name, shape });
  return new CanonicalWeights(source, { shapes, prefix });
}

function checkTensor(source: WeightSource, expected: { name: string; key: string; shape: number[] }): void {
  const file = basename(source.path);
  if (!source.has(expected.key)) {
    throw new InputError(`The GPT-2 tensor '${expected.name}' is missing from ${file}.`, source.path);
  }
  const actual = source.shape(expected.key);
  if (actual.join(',') !== expected.shape.join(',')) {
    const found = `[${actual.join(', ')}]`;
    throw new InputError(`Tensor '${expected.key}' in ${file} has shape ${found} but the config needs [${expected.shape.join(', ')}].`, source.path);
  }
}

class CanonicalWeights implements CheckpointWeights {
  readonly path: string;
  #source: CheckpointWeights;
  #shapes: Map<string, number[]>;
  #prefix: string;

  constructor(source: CheckpointWeights, layout: { shapes: Map<string, number[]>; prefix: string }) {
    this.path = source.path;
    this.#source = source;
    this.#shapes = layout.shapes;
    this.#prefix = layout.prefix;
  }

  names(): string[] {
    return [...this.#shapes.keys()];
  }

  has(name: string): boolean {
    return this.#shapes.has(name);
  }

  shape(name: string): number[] {
    return [...this.#known(name)];
  }

  describe(name: string): TensorInfo {
    return this.#source.describe(this.#prefix + name);
  }

  read(name: string): Float32Array {
    this.#known(name);
    return this.#source.read(this.#prefix + name);
  }

  close(): void {
    this.#source.close();
  }

  #known(name: string): number[] {
    const shape = this.#shapes.get(name);
    if (!shape) throw new InputError(`'${name}' is not a GPT-2 tensor.`, this.path);
    return shape;
  }
}
