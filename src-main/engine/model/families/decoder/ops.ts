import { GraphBuilder } from '../../../onnx/graph.js';
import { PIECE_TENSORS, type PieceContext } from '../family.js';
import { decoderConfig } from './config.js';
import { biasOf, weightOf, type MlpActivation, type NormTensors } from './layout.js';

export const BATCH_DIMS = ['batch', 'sequence'] as const;

/** A stored tensor as it is, written into the graph when its bytes are. */
export function tensor(graph: GraphBuilder, context: PieceContext, name: string): string {
  return graph.weight(name, context.weights.shape(name), () => context.weights.read(name));
}

/** A torch Linear weight [out, in], written transposed so MatMul reads it as [in, out]. */
function transposedTensor(graph: GraphBuilder, context: PieceContext, name: string): string {
  const [rows, columns] = context.weights.shape(name);
  return graph.weight(`${name}ᵀ`, [columns, rows], () => transposeMatrix(context.weights.read(name), rows, columns));
}

function transposeMatrix(data: Float32Array, rows: number, columns: number): Float32Array {
  const result = new Float32Array(data.length);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) result[column * rows + row] = data[row * columns + column];
  }
  return result;
}

/** y = x Wᵀ (+ b), as torch's Linear. */
export function linear(graph: GraphBuilder, x: string, module: { name: string; bias: boolean; context: PieceContext }, output?: string): string {
  const product = graph.node('MatMul', [x, transposedTensor(graph, module.context, weightOf(module.name))], undefined, module.bias ? {} : { output });
  if (!module.bias) return product;
  return graph.node('Add', [product, tensor(graph, module.context, biasOf(module.name))], undefined, { output });
}

export function norm(graph: GraphBuilder, x: string, spec: NormTensors, context: PieceContext, output?: string): string {
  const epsilon = context.config.layerNormEpsilon;
  if (spec.kind === 'layer') {
    const inputs = [x, tensor(graph, context, weightOf(spec.module)), tensor(graph, context, biasOf(spec.module))];
    return graph.node('LayerNormalization', inputs, { axis: -1, epsilon: { float: epsilon } }, { output });
  }
  const meanSquare = graph.node('ReduceMean', [graph.node('Pow', [x, graph.floats([2], [])]), graph.int64s([-1])], { keepdims: 1 });
  const normalized = graph.node('Div', [x, graph.node('Sqrt', [graph.node('Add', [meanSquare, graph.floats([epsilon], [])])])]);
  return graph.node('Mul', [normalized, normScale(graph, spec, context)], undefined, { output });
}

/** Gemma stores w and scales by (1 + w), added here once, in float32 as Hugging Face does. */
function normScale(graph: GraphBuilder, spec: NormTensors, context: PieceContext): string {
  const name = weightOf(spec.module);
  if (spec.kind === 'rms') return tensor(graph, context, name);
  return graph.weight(`${name}+1`, context.weights.shape(name), () => context.weights.read(name).map((value) => 1 + value));
}

export function activate(graph: GraphBuilder, x: string, activation: MlpActivation): string {
  if (activation === 'silu') return graph.node('Mul', [x, graph.node('Sigmoid', [x])]);
  return graph.node('Gelu', [x], { approximate: activation === 'gelu-tanh' ? 'tanh' : 'none' });
}

/** tanh(x / c) · c: Gemma 2's soft cap on attention scores and logits. */
export function softcap(graph: GraphBuilder, x: string, cap: number, output?: string): string {
  const scaled = graph.node('Tanh', [graph.node('Div', [x, graph.floats([cap], [])])]);
  return graph.node('Mul', [scaled, graph.floats([cap], [])], undefined, { output });
}

/** A piece from one residual-stream tensor to another, both [batch, sequence, width]. */
export function residualPiece(name: string, context: PieceContext): { graph: GraphBuilder; input: string } {
  const graph = new GraphBuilder(name);
  const dims = [...BATCH_DIMS, decoderConfig(context.config).modelWidth];
  const input = graph.input(PIECE_TENSORS.input, 'float', dims);
  graph.output(PIECE_TENSORS.output, 'float', dims);
  return { graph, input };
}

/** Position indices 0…sequence−1 of a [batch, sequence, …] tensor. */
export function positions(graph: GraphBuilder, x: string): string {
  const sequence = graph.node('Gather', [graph.node('Shape', [x]), graph.int64s([1], [])], { axis: 0 });
  return graph.node('Range', [graph.int64s([0], []), sequence, graph.int64s([1], [])]);
}
