import type { GraphBuilder } from '../../../onnx/graph.js';
import { PIECE_TENSORS, type PieceContext } from '../family.js';
import { decoderConfig, inverseFrequencies, slidesOn, type DecoderConfig } from './config.js';
import type { AttentionTensors } from './layout.js';
import { linear, norm, residualPiece, softcap } from './ops.js';

/** onnx.proto's code for float32, as Cast's `to` attribute takes it. */
const FLOAT_TYPE = 1;

interface Heads {
  /** [batch, heads, sequence, head size] */
  query: string;
  /** [batch, key-value heads, sequence, head size] */
  key: string;
  value: string;
}

/** resid_pre → attn_out: norm, rotary grouped-query attention, output projection, and Gemma 2's post-norm. */
export function attentionGraph(layer: number, tensors: AttentionTensors, context: PieceContext): GraphBuilder {
  const config = decoderConfig(context.config);
  const { graph, input } = residualPiece(`attention ${layer}`, context);
  const past = context.cache ? cacheInputs(graph, config) : undefined;
  const span = positionSpan(graph, input, past?.key);
  const normed = norm(graph, input, tensors.norm, context);
  const heads = projectHeads(graph, normed, tensors, context);
  const table = rotaryTable(graph, span.queries, config);
  const rotated = { ...heads, query: rotate(graph, heads.query, table, config), key: rotate(graph, heads.key, table, config) };
  if (past) {
    rotated.key = graph.node('Concat', [past.key, rotated.key], { axis: 2 }, { output: PIECE_TENSORS.presentKey });
    rotated.value = graph.node('Concat', [past.value, rotated.value], { axis: 2 }, { output: PIECE_TENSORS.presentValue });
  }
  const mixed = attend(graph, rotated, { config, layer, span });
  const output = tensors.postNorm ? undefined : PIECE_TENSORS.output;
  const projected = linear(graph, mixed, { name: tensors.output, bias: tensors.bias, context }, output);
  if (tensors.postNorm) norm(graph, projected, tensors.postNorm, context, PIECE_TENSORS.output);
  return graph;
}

function projectHeads(graph: GraphBuilder, x: string, tensors: AttentionTensors, context: PieceContext): Heads {
  const config = decoderConfig(context.config);
  const split = (value: string, count: number) => toHeads(graph, value, count, config.headSize);
  if ('fused' in tensors.projection) {
    const fused = linear(graph, x, { name: tensors.projection.fused, bias: tensors.bias, context });
    const perHead = graph.node('Reshape', [fused, graph.int64s([0, 0, config.headCount, 3 * config.headSize])]);
    const [query, key, value] = graph.nodeOutputs('Split', [perHead], 3, { axis: 3, num_outputs: 3 });
    const transpose = (part: string) => graph.node('Transpose', [part], { perm: [0, 2, 1, 3] });
    return { query: transpose(query!), key: transpose(key!), value: transpose(value!) };
  }
  const { query, key, value } = tensors.projection.separate;
  const project = (name: string) => linear(graph, x, { name, bias: tensors.bias, context });
  return {
    query: split(project(query), config.headCount),
    key: split(project(key), config.keyValueHeadCount),
    value: split(project(value), config.keyValueHeadCount),
  };
}

/** [batch, sequence, heads·size] → [batch, heads, sequence, size]. */
function toHeads(graph: GraphBuilder, x: string, count: number, size: number): string {
  return graph.node('Transpose', [graph.node('Reshape', [x, graph.int64s([0, 0, count, size])])], { perm: [0, 2, 1, 3] });
}

/** With a KV cache: the keys (already rotated) and values of earlier positions, and the outputs that extend them. */
function cacheInputs(graph: GraphBuilder, config: DecoderConfig): { key: string; value: string } {
  const dims = (positions: string) => ['batch', config.keyValueHeadCount, positions, config.headSize];
  const key = graph.input(PIECE_TENSORS.pastKey, 'float', dims('past'));
  const value = graph.input(PIECE_TENSORS.pastValue, 'float', dims('past'));
  graph.output(PIECE_TENSORS.presentKey, 'float', dims('total'));
  graph.output(PIECE_TENSORS.presentValue, 'float', dims('total'));
  return { key, value };
}

/** Absolute positions of the new queries (after any cached ones) and of every key they may see. */
interface PositionSpan {
  queries: string;
  keys: string;
}

function positionSpan(graph: GraphBuilder, input: string, pastKey: string | undefined): PositionSpan {
  const start = pastKey ? graph.node('Gather', [graph.node('Shape', [pastKey]), graph.int64s([2], [])], { axis: 0 }) : graph.int64s([0], []);
  const sequence = graph.node('Gather', [graph.node('Shape', [input]), graph.int64s([1], [])], { axis: 0 });
  const end = graph.node('Add', [start, sequence]);
  const one = graph.int64s([1], []);
  return { queries: graph.node('Range', [start, end, one]), keys: graph.node('Range', [graph.int64s([0], []), end, one]) };
}

interface RotaryTable {
  cos: string;
  sin: string;
}

/** cos and sin of position × frequency, [sequence, rotary dims], each frequency repeated for both halves as HF does. */
function rotaryTable(graph: GraphBuilder, queryPositions: string, config: DecoderConfig): RotaryTable {
  const position = graph.node('Cast', [queryPositions], { to: FLOAT_TYPE });
  const frequencies = graph.floats(inverseFrequencies(config.rotary));
  const angles = graph.node('Mul', [graph.node('Unsqueeze', [position, graph.int64s([1])]), frequencies]);
  const repeated = graph.node('Concat', [angles, angles], { axis: -1 });
  return { cos: graph.node('Cos', [repeated]), sin: graph.node('Sin', [repeated]) };
}

/** Hugging Face's rotate-half rotary embedding on the leading rotary dims of each head; the rest pass through. */
function rotate(graph: GraphBuilder, x: string, table: RotaryTable, config: DecoderConfig): string {
  const { dimensions } = config.rotary;
  const slice = (start: number, end: number, from = x) => graph.node('Slice', [from, graph.int64s([start]), graph.int64s([end]), graph.int64s([3])]);
  const rotating = dimensions < config.headSize ? slice(0, dimensions) : x;
  const half = dimensions / 2;
  const turned = graph.node('Concat', [graph.node('Neg', [slice(half, dimensions, rotating)]), slice(0, half, rotating)], { axis: 3 });
  const rotated = graph.node('Add', [graph.node('Mul', [rotating, table.cos]), graph.node('Mul', [turned, table.sin])]);
  return dimensions < config.headSize ? graph.node('Concat', [rotated, slice(dimensions, config.headSize)], { axis: 3 }) : rotated;
}

/**
 * Causal softmax attention with each key-value head shared by a group of query heads: queries are viewed as
 * [batch, kv heads, group, sequence, size] so MatMul broadcasts keys and values over the group without copies.
 */
function attend(graph: GraphBuilder, heads: Heads, where: { config: DecoderConfig; layer: number; span: PositionSpan }): string {
  const { config } = where;
  const group = config.headCount / config.keyValueHeadCount;
  const query = graph.node('Reshape', [heads.query, graph.int64s([0, config.keyValueHeadCount, group, -1, config.headSize])]);
  const key = graph.node('Unsqueeze', [graph.node('Transpose', [heads.key], { perm: [0, 1, 3, 2] }), graph.int64s([2])]);
  let scores = graph.node('Mul', [graph.node('MatMul', [query, key]), graph.floats([config.attentionScale], [])]);
  if (config.attentionSoftcap !== undefined) scores = softcap(graph, scores, config.attentionSoftcap);
  const masked = graph.node('Where', [blockedPairs(graph, where), graph.floats([-Infinity], []), scores]);
  const weights = graph.node('Softmax', [masked], { axis: -1 });
  const value = graph.node('Unsqueeze', [heads.value, graph.int64s([2])]);
  const mixed = graph.node('MatMul', [weights, value]);
  const perHead = graph.node('Reshape', [mixed, graph.int64s([0, config.headCount, -1, config.headSize])]);
  const perPosition = graph.node('Transpose', [perHead], { perm: [0, 2, 1, 3] });
  return graph.node('Reshape', [perPosition, graph.int64s([0, 0, config.headCount * config.headSize])]);
}

/** [queries, keys] true where query i may not see key j: j after i, or (sliding layers) i − j ≥ the window. */
function blockedPairs(graph: GraphBuilder, where: { config: DecoderConfig; layer: number; span: PositionSpan }): string {
  const { queries, keys } = where.span;
  const distance = graph.node('Sub', [graph.node('Unsqueeze', [queries, graph.int64s([1])]), graph.node('Unsqueeze', [keys, graph.int64s([0])])]);
  const future = graph.node('Less', [distance, graph.int64s([0], [])]);
  if (!slidesOn(where.config, where.layer)) return future;
  const tooFar = graph.node('GreaterOrEqual', [distance, graph.int64s([where.config.slidingWindow!], [])]);
  return graph.node('Or', [future, tooFar]);
}
