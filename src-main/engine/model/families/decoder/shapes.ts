import type { DecoderConfig } from './config.js';
import { biasOf, weightOf, type DecoderLayout, type NormTensors } from './layout.js';

/** Every tensor a decoder family's forward reads, with the shape its config implies (torch Linear: [out, in]). */
export function decoderTensorShapes(layout: DecoderLayout, config: DecoderConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>([[layout.embedding, [config.vocabSize, config.modelWidth]]]);
  for (let layer = 0; layer < config.layerCount; layer++) {
    addAttentionShapes(shapes, layout, config, layer);
    addMlpShapes(shapes, layout, config, layer);
  }
  addNormShapes(shapes, layout.finalNorm, config.modelWidth);
  shapes.set(layout.head, [config.vocabSize, config.modelWidth]);
  return shapes;
}

function addNormShapes(shapes: Map<string, number[]>, norm: NormTensors | undefined, width: number): void {
  if (!norm) return;
  shapes.set(weightOf(norm.module), [width]);
  if (norm.kind === 'layer') shapes.set(biasOf(norm.module), [width]);
}

function addLinear(shapes: Map<string, number[]>, module: string, sizes: { out: number; in: number; bias: boolean }): void {
  shapes.set(weightOf(module), [sizes.out, sizes.in]);
  if (sizes.bias) shapes.set(biasOf(module), [sizes.out]);
}

function addAttentionShapes(shapes: Map<string, number[]>, layout: DecoderLayout, config: DecoderConfig, layer: number): void {
  const tensors = layout.attention(layer);
  const width = config.modelWidth;
  const queryWidth = config.headCount * config.headSize;
  const keyWidth = config.keyValueHeadCount * config.headSize;
  addNormShapes(shapes, tensors.norm, width);
  if ('fused' in tensors.projection) {
    addLinear(shapes, tensors.projection.fused, { out: 3 * queryWidth, in: width, bias: tensors.bias });
  } else {
    const { query, key, value } = tensors.projection.separate;
    addLinear(shapes, query, { out: queryWidth, in: width, bias: tensors.bias });
    addLinear(shapes, key, { out: keyWidth, in: width, bias: tensors.bias });
    addLinear(shapes, value, { out: keyWidth, in: width, bias: tensors.bias });
  }
  addLinear(shapes, tensors.output, { out: width, in: queryWidth, bias: tensors.bias });
  addNormShapes(shapes, tensors.postNorm, width);
}

function addMlpShapes(shapes: Map<string, number[]>, layout: DecoderLayout, config: DecoderConfig, layer: number): void {
  const tensors = layout.mlp(layer);
  const sizes = { out: config.mlpWidth, in: config.modelWidth, bias: tensors.bias };
  addNormShapes(shapes, tensors.norm, config.modelWidth);
  if ('gate' in tensors.input) {
    addLinear(shapes, tensors.input.gate, sizes);
    addLinear(shapes, tensors.input.up, sizes);
  } else {
    addLinear(shapes, tensors.input.plain, sizes);
  }
  addLinear(shapes, tensors.output, { out: config.modelWidth, in: config.mlpWidth, bias: tensors.bias });
  addNormShapes(shapes, tensors.postNorm, config.modelWidth);
}
