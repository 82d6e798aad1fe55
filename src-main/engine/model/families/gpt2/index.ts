import type { GraphBuilder } from '../../../onnx/graph.js';
import type { GraphFamily, PieceContext } from '../family.js';
import { attentionGraph, mlpGraph, vocabularyGraph } from './graph.js';

const BRANCHES: Record<string, (layer: number, context: PieceContext) => GraphBuilder> = {
  attention: attentionGraph,
  mlp: mlpGraph,
};

/** GPT-2: attention then MLP, each added to the residual stream; the head reuses the token embedding. */
export const gpt2Family: GraphFamily = {
  modelType: 'gpt2',
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
