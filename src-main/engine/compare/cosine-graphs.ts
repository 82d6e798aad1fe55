import { GraphBuilder } from '../onnx/graph.js';
import { transpose } from '../sae/files.js';
import type { Directions } from './directions.js';

/** Names of the graphs' inputs and outputs. */
export const TENSORS = {
  a: 'a',
  rowK: 'row_k',
  columnK: 'column_k',
  shift: 'shift',
  k: 'k',
  rowCosine: 'row_cosine',
  rowIndex: 'row_index',
  columnCosine: 'column_cosine',
  columnIndex: 'column_index',
  rowChildren: 'row_children',
  columnChildren: 'column_children',
  shiftedValue: 'shifted_value',
  shiftedIndex: 'shifted_index',
  shiftedCosine: 'shifted_cosine',
} as const;

const INT32 = 6;
const FLOAT = 1;

/** One block of A's rows against all of B: each row's and each column's nearest, and counts above the split threshold. */
export function neighbourGraph(b: Directions, splitThreshold: number): GraphBuilder {
  const graph = new GraphBuilder(`neighbours ${b.sae.hook}`);
  const cosines = blockCosines(graph, b);
  const [rowCosine, rowIndex] = graph.nodeOutputs('TopK', [cosines, graph.input(TENSORS.rowK, 'int64', [1])], 2, { axis: 1, largest: 1, sorted: 1 });
  const [columnCosine, columnIndex] = graph.nodeOutputs('TopK', [cosines, graph.input(TENSORS.columnK, 'int64', [1])], 2, { axis: 0, largest: 1, sorted: 1 });
  graph.node('Identity', [rowCosine!], undefined, { output: TENSORS.rowCosine });
  graph.node('Cast', [rowIndex!], { to: INT32 }, { output: TENSORS.rowIndex });
  graph.node('Identity', [columnCosine!], undefined, { output: TENSORS.columnCosine });
  graph.node('Cast', [columnIndex!], { to: INT32 }, { output: TENSORS.columnIndex });
  const above = graph.node('Cast', [graph.node('Greater', [cosines, graph.floats([splitThreshold], [])])], { to: FLOAT });
  graph.node('ReduceSum', [above, graph.int64s([1])], { keepdims: 0 }, { output: TENSORS.rowChildren });
  graph.node('ReduceSum', [above, graph.int64s([0])], { keepdims: 0 }, { output: TENSORS.columnChildren });
  graph.output(TENSORS.rowCosine, 'float', ['rows', 'k']);
  graph.output(TENSORS.rowIndex, 'int32', ['rows', 'k']);
  graph.output(TENSORS.columnCosine, 'float', ['k', b.count]);
  graph.output(TENSORS.columnIndex, 'int32', ['k', b.count]);
  graph.output(TENSORS.rowChildren, 'float', ['rows']);
  graph.output(TENSORS.columnChildren, 'float', [b.count]);
  return graph;
}

/** One block of A's rows: the k largest C[i, j] + shift[j] per row, with their cosines, for the dual certificate. */
export function violationGraph(b: Directions): GraphBuilder {
  const graph = new GraphBuilder(`certificate ${b.sae.hook}`);
  const cosines = blockCosines(graph, b);
  const shifted = graph.node('Add', [cosines, graph.input(TENSORS.shift, 'float', [b.count])]);
  const k = graph.input(TENSORS.k, 'int64', [1]);
  const [value, index] = graph.nodeOutputs('TopK', [shifted, k], 2, { axis: 1, largest: 1, sorted: 1 });
  graph.node('Identity', [value!], undefined, { output: TENSORS.shiftedValue });
  graph.node('Cast', [index!], { to: INT32 }, { output: TENSORS.shiftedIndex });
  graph.node('GatherElements', [cosines, index!], { axis: 1 }, { output: TENSORS.shiftedCosine });
  graph.output(TENSORS.shiftedValue, 'float', ['rows', 'k']);
  graph.output(TENSORS.shiftedIndex, 'int32', ['rows', 'k']);
  graph.output(TENSORS.shiftedCosine, 'float', ['rows', 'k']);
  return graph;
}

function blockCosines(graph: GraphBuilder, b: Directions): string {
  const a = graph.input(TENSORS.a, 'float', ['rows', b.inputSize]);
  const columns = graph.weight('b_columns', [b.inputSize, b.count], () => transpose(b.unit, b.count, b.inputSize));
  return graph.node('MatMul', [a, columns]);
}
