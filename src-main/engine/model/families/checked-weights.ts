import { basename } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import type { TensorInfo } from '../safetensors.js';
import type { WeightSource } from '../types.js';
import type { CheckpointWeights } from '../weights.js';

export interface WeightLayout {
  /** Every tensor the forward reads, by canonical name, with the shape the config implies. */
  shapes: Map<string, number[]>;
  /** What the checkpoint puts before each canonical name, e.g. GPT2LMHeadModel's 'transformer.'. */
  prefix: string;
  /** The family as messages name it, e.g. 'GPT-2'. */
  label: string;
  /** Canonical names read from another stored tensor, e.g. a tied head read from the embedding. */
  aliases?: Map<string, string>;
}

/** A view of a checkpoint under canonical names, every tensor checked against the config before anything is read. */
export function checkedWeights(source: CheckpointWeights, layout: WeightLayout): CheckpointWeights {
  for (const [name, shape] of layout.shapes) {
    checkTensor(source, { name, key: storedKey(layout, name), shape, label: layout.label });
  }
  return new CanonicalWeights(source, layout);
}

function storedKey(layout: WeightLayout, name: string): string {
  return layout.prefix + (layout.aliases?.get(name) ?? name);
}

function checkTensor(source: WeightSource, expected: { name: string; key: string; shape: number[]; label: string }): void {
  const file = basename(source.path);
  if (!source.has(expected.key)) {
    throw new InputError(`The ${expected.label} tensor '${expected.name}' is missing from ${file}.`, source.path);
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
  #layout: WeightLayout;

  constructor(source: CheckpointWeights, layout: WeightLayout) {
    this.path = source.path;
    this.#source = source;
    this.#layout = layout;
  }

  names(): string[] {
    return [...this.#layout.shapes.keys()];
  }

  has(name: string): boolean {
    return this.#layout.shapes.has(name);
  }

  shape(name: string): number[] {
    return [...this.#known(name)];
  }

  describe(name: string): TensorInfo {
    this.#known(name);
    return this.#source.describe(storedKey(this.#layout, name));
  }

  read(name: string): Float32Array {
    this.#known(name);
    return this.#source.read(storedKey(this.#layout, name));
  }

  close(): void {
    this.#source.close();
  }

  #known(name: string): number[] {
    const shape = this.#layout.shapes.get(name);
    if (!shape) throw new InputError(`'${name}' is not a ${this.#layout.label} tensor.`, this.path);
    return shape;
  }
}
