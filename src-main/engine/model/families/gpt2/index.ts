import type { GraphBuilder } from '../../../onnx/graph.js';
import { SEQUENTIAL_STEPS, type ModelFamily, type PieceContext } from '../family.js';
import { parseGpt2Config } from './config.js';
import { attentionGraph, mlpGraph, vocabularyGraph } from './graph.js';
import { gpt2Weights } from './weights.js';

const BRANCHES: Record<string, (layer: number, context: PieceContext) => GraphBuilder> = {
  attention: attentionGraph,
  mlp: mlpGraph,
};

/** GPT-2: attention then MLP, each added to the residual stream; the head reuses the token embedding. */
export const gpt2Family: ModelFamily = {
  modelType: 'gpt2',
  parseConfig: parseGpt2Config,
  weights: gpt2Weights,
  blockSteps: () => SEQUENTIAL_STEPS,
  tiedEmbedding: () => true,
  embeddingTensor: 'wte.weight',
  vocabulary: vocabularyGraph,
  branch(name, layer, context) {
    const build = BRANCHES[name];
    if (!build) throw new Error(`GPT-2 has no branch '${name}'.`);
    return build(layer, context);
  },
};
