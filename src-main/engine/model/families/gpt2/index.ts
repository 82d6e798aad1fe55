import type { GraphBuilder } from '../../../onnx/graph.js';
import type { ModelFamily, PieceContext } from '../family.js';
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
  blockSteps: [
    { branch: 'attention', input: 'hook_resid_pre', output: 'hook_attn_out' },
    { sum: 'hook_resid_mid', terms: ['hook_resid_pre', 'hook_attn_out'] },
    { branch: 'mlp', input: 'hook_resid_mid', output: 'hook_mlp_out' },
    { sum: 'hook_resid_post', terms: ['hook_resid_mid', 'hook_mlp_out'] },
  ],
  tiedEmbedding: true,
  vocabulary: vocabularyGraph,
  branch(name, layer, context) {
    const build = BRANCHES[name];
    if (!build) throw new Error(`GPT-2 has no branch '${name}'.`);
    return build(layer, context);
  },
};
