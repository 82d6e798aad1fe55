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

/** One dimension of a tensor's shape, as an int64 scalar. */
function dimension(graph: GraphBuilder, x: string, axis: number): string {
  return graph.node('Gather', [graph.node('Shape', [x]), graph.int64s([axis], [])], { axis: 0 });
}

/** Position indices start…start+sequence−1 of a [batch, sequence, …] tensor; start is 0 without a cache. */
function positions(graph: GraphBuilder, x: string, start: string): string {
  const end = graph.node('Add', [start, dimension(graph, x, 1)]);
  return graph.node('Range', [start, end, graph.int64s([1], [])]);
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
  const start = context.cache ? graph.input(PIECE_TENSORS.start, 'int64', []) : graph.int64s([0], []);
  graph.output(PIECE_TENSORS.output, 'float', [...BATCH_DIMS, context.config.modelWidth]);
  const output = { output: PIECE_TENSORS.output };
  const tokenEmbedding = () => graph.node('Gather', [weight(graph, context, 'wte.weight'), tokens], { axis: 0 });
  const positionEmbedding = () => graph.node('Gather', [weight(graph, context, 'wpe.weight'), positions(graph, tokens, start)], { axis: 0 });
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
  if (context.cache) return cachedAttentionGraph(layer, context);
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

/** The same attention over the cached keys and values of earlier positions followed by the new ones. */
function cachedAttentionGraph(layer: number, context: PieceContext): GraphBuilder {
  const { modelWidth, headCount } = context.config;
  const headWidth = modelWidth / headCount;
  const { graph, input } = residualPiece(`attention ${layer}`, context);
  const cacheDims = ['batch', headCount, 'past', headWidth];
  const past = { key: graph.input(PIECE_TENSORS.pastKey, 'float', cacheDims), value: graph.input(PIECE_TENSORS.pastValue, 'float', cacheDims) };
  graph.output(PIECE_TENSORS.presentKey, 'float', ['batch', headCount, 'total', headWidth]);
  graph.output(PIECE_TENSORS.presentValue, 'float', ['batch', headCount, 'total', headWidth]);
  const normed = layerNorm(graph, input, `h.${layer}.ln_1`, context);
  const [query, key, value] = graph
    .nodeOutputs('Split', [conv1d(graph, normed, `h.${layer}.attn.c_attn`, context), graph.int64s([modelWidth, modelWidth, modelWidth])], 3, { axis: -1 })
    .map((part) => splitHeads(graph, part, { headCount, headWidth }));
  const keys = graph.node('Concat', [past.key, key!], { axis: 2 }, { output: PIECE_TENSORS.presentKey });
  const values = graph.node('Concat', [past.value, value!], { axis: 2 }, { output: PIECE_TENSORS.presentValue });
  const scores = graph.node('Mul', [graph.node('MatMul', [query!, graph.node('Transpose', [keys], { perm: [0, 1, 3, 2] })]), graph.floats([1 / Math.sqrt(headWidth)], [])]);
  const masked = graph.node('Where', [causalMask(graph, { input, past: past.key, keys }), scores, graph.floats([-Infinity], [])]);
  const mixed = graph.node('MatMul', [graph.node('Softmax', [masked], { axis: -1 }), values]);
  const merged = graph.node('Reshape', [graph.node('Transpose', [mixed], { perm: [0, 2, 1, 3] }), graph.int64s([0, 0, modelWidth])]);
  conv1d(graph, merged, `h.${layer}.attn.c_proj`, context, PIECE_TENSORS.output);
  return graph;
}

/** [batch, sequence, width] → [batch, heads, sequence, head width]. */
function splitHeads(graph: GraphBuilder, x: string, shape: { headCount: number; headWidth: number }): string {
  return graph.node('Transpose', [graph.node('Reshape', [x, graph.int64s([0, 0, shape.headCount, shape.headWidth])])], { perm: [0, 2, 1, 3] });
}

/** [sequence, total]: new position past + i may see every key up to and including its own. */
function causalMask(graph: GraphBuilder, tensors: { input: string; past: string; keys: string }): string {
  const start = dimension(graph, tensors.past, 2);
  const rows = graph.node('Unsqueeze', [positions(graph, tensors.input, start), graph.int64s([1])]);
  const columns = graph.node('Range', [graph.int64s([0], []), dimension(graph, tensors.keys, 2), graph.int64s([1], [])]);
  return graph.node('LessOrEqual', [graph.node('Unsqueeze', [columns, graph.int64s([0])]), rows]);
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
