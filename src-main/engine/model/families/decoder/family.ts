import type { ModelConfig } from '../../types.js';
import type { CheckpointWeights } from '../../weights.js';
import { checkedWeights } from '../checked-weights.js';
import { PARALLEL_STEPS, SEQUENTIAL_STEPS, type ModelFamily } from '../family.js';
import { attentionGraph } from './attention.js';
import { decoderConfig, type DecoderConfig } from './config.js';
import { mlpGraph, vocabularyGraph } from './graph.js';
import type { DecoderLayout } from './layout.js';
import { decoderTensorShapes } from './shapes.js';

export interface DecoderFamilyDefinition {
  modelType: string;
  /** The family as messages name it, e.g. 'Llama'. */
  label: string;
  embeddingTensor: string;
  parseConfig(raw: unknown, file: string): DecoderConfig;
  layout(config: DecoderConfig): DecoderLayout;
}

export interface DecoderFamily extends ModelFamily {
  parseConfig(raw: unknown, file: string): DecoderConfig;
  /** Every tensor the forward reads, by its Hugging Face name, with the shape the config implies. */
  tensorShapes(config: DecoderConfig): Map<string, number[]>;
}

/** A rotary decoder family (Llama, Gemma 2, GPT-NeoX) from its config parser and tensor layout. */
export function decoderFamily(definition: DecoderFamilyDefinition): DecoderFamily {
  const layoutOf = (config: ModelConfig) => definition.layout(decoderConfig(config));
  const tensorShapes = (config: DecoderConfig) => decoderTensorShapes(layoutOf(config), config);
  return {
    modelType: definition.modelType,
    parseConfig: definition.parseConfig,
    tensorShapes,
    weights(source: CheckpointWeights, config: ModelConfig) {
      return checkedWeights(source, { shapes: tensorShapes(decoderConfig(config)), prefix: '', label: definition.label });
    },
    blockSteps: (config) => (decoderConfig(config).parallelResidual ? PARALLEL_STEPS : SEQUENTIAL_STEPS),
    tiedEmbedding: (config) => decoderConfig(config).tiedEmbedding,
    embeddingTensor: definition.embeddingTensor,
    vocabulary: (context) => vocabularyGraph(layoutOf(context.config), context),
    branch(name, layer, context) {
      const layout = layoutOf(context.config);
      if (name === 'attention') return attentionGraph(layer, layout.attention(layer), context);
      if (name === 'mlp') return mlpGraph(layer, layout.mlp(layer), context);
      throw new Error(`${definition.label} has no branch '${name}'.`);
    },
  };
}
