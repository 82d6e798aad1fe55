import { InputError } from '../../../../shared/errors.js';
import { GraphBuilder } from '../../../onnx/graph.js';
import { PIECE_TENSORS, type PieceContext } from '../family.js';
import { decoderConfig } from './config.js';
import type { DecoderLayout, MlpTensors } from './layout.js';
import { activate, BATCH_DIMS, linear, norm, residualPiece, softcap, tensor } from './ops.js';

/** The head is position-wise and takes flat rows, under a dim name of its own beside the embedding's. */
const HEAD_ROWS = 'rows';

/** resid_mid (or resid_pre, in parallel) → mlp_out: norm, gated or plain MLP, and Gemma 2's post-norm. */
export function mlpGraph(layer: number, tensors: MlpTensors, context: PieceContext): GraphBuilder {
  const { graph, input } = residualPiece(`mlp ${layer}`, context);
  const normed = norm(graph, input, tensors.norm, context);
  const module = (name: string) => ({ name, bias: tensors.bias, context });
  const hidden =
    'gate' in tensors.input
      ? graph.node('Mul', [activate(graph, linear(graph, normed, module(tensors.input.gate)), tensors.activation), linear(graph, normed, module(tensors.input.up))])
      : activate(graph, linear(graph, normed, module(tensors.input.plain)), tensors.activation);
  const output = tensors.postNorm ? undefined : PIECE_TENSORS.output;
  const projected = linear(graph, hidden, module(tensors.output), output);
  if (tensors.postNorm) norm(graph, projected, tensors.postNorm, context, PIECE_TENSORS.output);
  return graph;
}

/** Embedding and unembedding in one graph, so a tied [vocab, width] table is held once. */
export function vocabularyGraph(layout: DecoderLayout, context: PieceContext): GraphBuilder {
  if (context.ablation !== 'none') {
    const reason = `'${context.ablation}' ablation zeroes learned position embeddings, and ${context.config.modelType} has none (its positions are rotary)`;
    throw new InputError(`The ${reason}; run it without an embedding ablation.`);
  }
  const graph = new GraphBuilder('vocabulary');
  addEmbedding(graph, layout, context);
  addHead(graph, layout, context);
  return graph;
}

function addEmbedding(graph: GraphBuilder, layout: DecoderLayout, context: PieceContext): void {
  const width = context.config.modelWidth;
  const tokens = graph.input(PIECE_TENSORS.tokens, 'int32', BATCH_DIMS);
  // Rotary positions are applied in attention, so the embedding takes the cache's start only to share GPT-2's inputs.
  if (context.cache) graph.input(PIECE_TENSORS.start, 'int64', []);
  graph.output(PIECE_TENSORS.output, 'float', [...BATCH_DIMS, width]);
  const output = { output: PIECE_TENSORS.output };
  const embedded = graph.node('Gather', [tensor(graph, context, layout.embedding), tokens], { axis: 0 }, layout.scaleEmbedding ? {} : output);
  // Gemma scales by √width rounded to the stored dtype; in float32 that is Math.fround(√width).
  if (layout.scaleEmbedding) graph.node('Mul', [embedded, graph.floats([Math.sqrt(width)], [])], undefined, output);
}

/** Final residual rows → final norm → logits (soft-capped for Gemma 2) and −log p(target), all inside the graph. */
function addHead(graph: GraphBuilder, layout: DecoderLayout, context: PieceContext): void {
  const { modelWidth, vocabSize } = context.config;
  const cap = decoderConfig(context.config).finalSoftcap;
  const input = graph.input(PIECE_TENSORS.input, 'float', [HEAD_ROWS, modelWidth]);
  const targets = graph.input(PIECE_TENSORS.targets, 'int32', [HEAD_ROWS]);
  graph.output(PIECE_TENSORS.logits, 'float', [HEAD_ROWS, vocabSize]);
  graph.output(PIECE_TENSORS.losses, 'float', [HEAD_ROWS]);
  const normed = norm(graph, input, layout.finalNorm, context);
  // Gemm reads the [vocab, width] table transposed in place, so no transposed copy is made.
  const product = graph.node('Gemm', [normed, tensor(graph, context, layout.head)], { transB: 1 }, cap === undefined ? { output: PIECE_TENSORS.logits } : {});
  const logits = cap === undefined ? product : softcap(graph, product, cap, PIECE_TENSORS.logits);
  const logProbabilities = graph.node('LogSoftmax', [logits], { axis: -1 });
  const picked = graph.node('GatherElements', [logProbabilities, graph.node('Unsqueeze', [targets, graph.int64s([-1])])], { axis: -1 });
  graph.node('Neg', [graph.node('Squeeze', [picked, graph.int64s([-1])])], undefined, { output: PIECE_TENSORS.losses });
}
