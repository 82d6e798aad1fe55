import { GraphBuilder } from '../../../onnx/graph.js';
import { PIECE_TENSORS, type PieceContext } from '../family.js';

/** HF GPT-2 masks future positions with the float32 minimum rather than −∞. */
const MASK_VALUE = -3.4028234663852886e38;

const BATCH_DIMS = ['batch', 'sequence'] as const;
/** The head's own dim names: in the vocabulary piece it runs on other shapes than the embedding beside it. */
const HEAD_DIMS = ['rows', 'positions'] as const;

function weight(graph: GraphBuilder, context: PieceContext, name: string): string {
  return graph.weight(name, context.weights.shape(name), () => context.weights.read(name));
}

function layerNorm(graph: GraphBuilder, x: string, prefix: string, context: PieceContext): string {
  const scale = weight(graph, context, `${prefix}.weight`);
  const bias = weight(graph, context, `${prefix}.bias`);
  return graph.node('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { float: context.config.layerNormEpsilon } });
}

/** GPT-2's Conv1D: y = x W + b with W stored [in, out]. */
function conv1d(graph: GraphBuilder, x: string, prefix: string, context: PieceContext, output?: string): string {
  const product = graph.node('MatMul', [x, weight(graph, context, `${prefix}.weight`)]);
  return graph.node('Add', [product, weight(graph, context, `${prefix}.bias`)], undefined, { output });
}

function residualPiece(name: string, context: PieceContext): { graph: GraphBuilder; input: string } {
  const graph = new GraphBuilder(name);
  const dims = [...BATCH_DIMS, context.config.modelWidth];
  const input = graph.input(PIECE_TENSORS.input, 'float', dims);
  graph.output(PIECE_TENSORS.output, 'float', dims);
  return { graph, input };
}

/** Position indices 0…sequence−1 of a [batch, sequence, …] tensor. */
function positions(graph: GraphBuilder, x: string): string {
  const sequence = graph.node('Gather', [graph.node('Shape', [x]), graph.int64s([1], [])], { axis: 0 });
  return graph.node('Range', [graph.int64s([0], []), sequence, graph.int64s([1], [])]);
}

/** Embedding and unembedding in one graph, so the tied [vocab, width] table is held once. */
export function vocabularyGraph(context: PieceContext): GraphBuilder {
  const graph = new GraphBuilder('vocabulary');
  addEmbedding(graph, context);
  addHead(graph, context);
  return graph;
}

/** Token plus position embeddings; an ablation leaves one of them out. */
function addEmbedding(graph: GraphBuilder, context: PieceContext): void {
  const tokens = graph.input(PIECE_TENSORS.tokens, 'int32', BATCH_DIMS);
  graph.output(PIECE_TENSORS.output, 'float', [...BATCH_DIMS, context.config.modelWidth]);
  const output = { output: PIECE_TENSORS.output };
  const tokenEmbedding = () => graph.node('Gather', [weight(graph, context, 'wte.weight'), tokens], { axis: 0 });
  const positionEmbedding = () => graph.node('Gather', [weight(graph, context, 'wpe.weight'), positions(graph, tokens)], { axis: 0 });
  if (context.ablation === 'tokens-only') {
    graph.node('Identity', [tokenEmbedding()], undefined, output);
  } else if (context.ablation === 'positions-only') {
    const shape = graph.node('Concat', [graph.node('Shape', [tokens]), graph.int64s([context.config.modelWidth])], { axis: 0 });
    graph.node('Expand', [positionEmbedding(), shape], undefined, output);
  } else {
    graph.node('Add', [tokenEmbedding(), positionEmbedding()], undefined, output);
  }
}

function splitHeads(graph: GraphBuilder, x: string, context: PieceContext, perm: number[]): string {
  const { headCount, modelWidth } = context.config;
  const split = graph.node('Reshape', [x, graph.int64s([0, 0, headCount, modelWidth / headCount])]);
  return graph.node('Transpose', [split], { perm });
}

/** Keeps score[i, j] where j ≤ i and sets the rest to the mask value, as HF's torch.where does. */
function causalMask(graph: GraphBuilder, scores: string, x: string): string {
  const index = positions(graph, x);
  const rows = graph.node('Unsqueeze', [index, graph.int64s([1])]);
  const columns = graph.node('Unsqueeze', [index, graph.int64s([0])]);
  const allowed = graph.node('LessOrEqual', [columns, rows]);
  return graph.node('Where', [allowed, scores, graph.floats([MASK_VALUE], [])]);
}

/** resid_pre → attn_out: causal multi-head self-attention after ln_1. */
export function attentionGraph(layer: number, context: PieceContext): GraphBuilder {
  const prefix = `h.${layer}`;
  const { graph, input } = residualPiece(`attention ${layer}`, context);
  const { modelWidth, headCount } = context.config;
  const qkv = conv1d(graph, layerNorm(graph, input, `${prefix}.ln_1`, context), `${prefix}.attn.c_attn`, context);
  const [query, key, value] = graph.nodeOutputs('Split', [qkv, graph.int64s([modelWidth, modelWidth, modelWidth])], 3, { axis: -1 });
  const scores = graph.node('MatMul', [splitHeads(graph, query!, context, [0, 2, 1, 3]), splitHeads(graph, key!, context, [0, 2, 3, 1])]);
  const scaled = graph.node('Mul', [scores, graph.floats([1 / Math.sqrt(modelWidth / headCount)], [])]);
  const weights = graph.node('Softmax', [causalMask(graph, scaled, input)], { axis: -1 });
  const mixed = graph.node('MatMul', [weights, splitHeads(graph, value!, context, [0, 2, 1, 3])]);
  const merged = graph.node('Reshape', [graph.node('Transpose', [mixed], { perm: [0, 2, 1, 3] }), graph.int64s([0, 0, modelWidth])]);
  conv1d(graph, merged, `${prefix}.attn.c_proj`, context, PIECE_TENSORS.output);
  return graph;
}

/** resid_mid → mlp_out: ln_2, c_fc, gelu_new (the tanh approximation), c_proj. */
export function mlpGraph(layer: number, context: PieceContext): GraphBuilder {
  const prefix = `h.${layer}`;
  const { graph, input } = residualPiece(`mlp ${layer}`, context);
  const hidden = conv1d(graph, layerNorm(graph, input, `${prefix}.ln_2`, context), `${prefix}.mlp.c_fc`, context);
  const activated = graph.node('Gelu', [hidden], { approximate: 'tanh' });
  conv1d(graph, activated, `${prefix}.mlp.c_proj`, context, PIECE_TENSORS.output);
  return graph;
}

/** Final residual → logits through ln_f and the tied embedding, and −log p(target) without leaving the graph. */
function addHead(graph: GraphBuilder, context: PieceContext): void {
  const { modelWidth, vocabSize } = context.config;
  const input = graph.input(PIECE_TENSORS.input, 'float', [...HEAD_DIMS, modelWidth]);
  const targets = graph.input(PIECE_TENSORS.targets, 'int32', HEAD_DIMS);
  graph.output(PIECE_TENSORS.logits, 'float', [...HEAD_DIMS, vocabSize]);
  graph.output(PIECE_TENSORS.losses, 'float', HEAD_DIMS);
  const rows = graph.node('Reshape', [layerNorm(graph, input, 'ln_f', context), graph.int64s([-1, modelWidth])]);
  // Gemm reads the [vocab, width] embedding transposed in place, so no transposed copy is made.
  const flat = graph.node('Gemm', [rows, weight(graph, context, 'wte.weight')], { transB: 1 });
  const shape = graph.node('Concat', [graph.node('Shape', [targets]), graph.int64s([vocabSize])], { axis: 0 });
  const logits = graph.node('Reshape', [flat, shape], undefined, { output: PIECE_TENSORS.logits });
  // −log softmax(logits)[target] = logsumexp(logits) − logits[target], without a second vocabulary-sized buffer.
  const normalizer = graph.node('ReduceLogSumExp', [logits, graph.int64s([-1])], { keepdims: 0 });
  const picked = graph.node('GatherElements', [logits, graph.node('Unsqueeze', [targets, graph.int64s([-1])])], { axis: -1 });
  graph.node('Sub', [normalizer, graph.node('Squeeze', [picked, graph.int64s([-1])])], undefined, { output: PIECE_TENSORS.losses });
}
