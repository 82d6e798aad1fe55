import { GraphBuilder, MICROSOFT_DOMAIN } from '../../../onnx/graph.js';
import { PIECE_TENSORS, type PieceContext } from '../family.js';

const BATCH_DIMS = ['batch', 'sequence'] as const;
/** The head is position-wise and takes flat rows, under a dim name of its own beside the embedding's. */
const HEAD_ROWS = 'rows';

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

/** resid_pre → attn_out: causal multi-head self-attention after ln_1, in onnxruntime's fused Attention kernel. */
export function attentionGraph(layer: number, context: PieceContext): GraphBuilder {
  const prefix = `h.${layer}.attn`;
  const { graph, input } = residualPiece(`attention ${layer}`, context);
  const normed = layerNorm(graph, input, `h.${layer}.ln_1`, context);
  const qkvWeight = weight(graph, context, `${prefix}.c_attn.weight`);
  const qkvBias = weight(graph, context, `${prefix}.c_attn.bias`);
  // unidirectional gives every later position exactly zero weight, as HF's float32-minimum mask does after softmax.
  const attributes = { num_heads: context.config.headCount, unidirectional: 1 };
  const mixed = graph.node('Attention', [normed, qkvWeight, qkvBias], attributes, { domain: MICROSOFT_DOMAIN });
  conv1d(graph, mixed, `${prefix}.c_proj`, context, PIECE_TENSORS.output);
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

/** Final residual rows → logits through ln_f and the tied embedding, and −log p(target) without leaving the graph. */
function addHead(graph: GraphBuilder, context: PieceContext): void {
  const { modelWidth, vocabSize } = context.config;
  const input = graph.input(PIECE_TENSORS.input, 'float', [HEAD_ROWS, modelWidth]);
  const targets = graph.input(PIECE_TENSORS.targets, 'int32', [HEAD_ROWS]);
  graph.output(PIECE_TENSORS.logits, 'float', [HEAD_ROWS, vocabSize]);
  graph.output(PIECE_TENSORS.losses, 'float', [HEAD_ROWS]);
  const normed = layerNorm(graph, input, 'ln_f', context);
  // Gemm reads the [vocab, width] embedding transposed in place, so no transposed copy is made.
  const logits = graph.node('Gemm', [normed, weight(graph, context, 'wte.weight')], { transB: 1 }, { output: PIECE_TENSORS.logits });
  const logProbabilities = graph.node('LogSoftmax', [logits], { axis: -1 });
  const picked = graph.node('GatherElements', [logProbabilities, graph.node('Unsqueeze', [targets, graph.int64s([-1])])], { axis: -1 });
  graph.node('Neg', [graph.node('Squeeze', [picked, graph.int64s([-1])])], undefined, { output: PIECE_TENSORS.losses });
}
