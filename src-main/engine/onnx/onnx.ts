import type { DeferredBytes, Message } from './proto.js';

/** The ONNX messages we write, field numbers as in onnx.proto. */

const DATA_TYPES = { float: 1, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export type DataType = keyof typeof DATA_TYPES;

const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

export type AttributeValue = number | string | number[] | { float: number } | { floats: number[] };

/** IR version 9 is the one opset 20 (our Gelu) belongs to; onnxruntime 1.30 reads up to 11. */
const IR_VERSION = 9;

export interface TensorData {
  name: string;
  dataType: DataType;
  dims: readonly number[];
  raw: Uint8Array | DeferredBytes;
}

export function tensorProto(tensor: TensorData): Message {
  return [
    ...tensor.dims.map((dim) => ({ number: 1, varint: dim })),
    { number: 2, varint: DATA_TYPES[tensor.dataType] },
    { number: 8, bytes: tensor.name },
    { number: 9, bytes: tensor.raw },
  ];
}

/** A tensor whose bytes lie in a file beside the model (TensorProto.external_data, data_location EXTERNAL). */
export function externalTensorProto(tensor: Omit<TensorData, 'raw'>, where: { location: string; offset: number; length: number }): Message {
  const entry = (key: string, value: string) => ({ number: 13, message: [{ number: 1, bytes: key }, { number: 2, bytes: value }] });
  return [
    ...tensor.dims.map((dim) => ({ number: 1, varint: dim })),
    { number: 2, varint: DATA_TYPES[tensor.dataType] },
    { number: 8, bytes: tensor.name },
    entry('location', where.location),
    entry('offset', String(where.offset)),
    entry('length', String(where.length)),
    { number: 14, varint: 1 },
  ];
}

/** A tensor-typed graph input or output; string dims are symbolic (e.g. 'batch'). */
export function valueInfoProto(name: string, dataType: DataType, dims: readonly (number | string)[]): Message {
  const shape: Message = dims.map((dim) => ({
    number: 1,
    message: typeof dim === 'number' ? [{ number: 1, varint: dim }] : [{ number: 2, bytes: dim }],
  }));
  const tensorType: Message = [
    { number: 1, varint: DATA_TYPES[dataType] },
    { number: 2, message: shape },
  ];
  return [
    { number: 1, bytes: name },
    { number: 2, message: [{ number: 1, message: tensorType }] },
  ];
}

export interface NodeData {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  domain?: string;
  attributes?: Record<string, AttributeValue>;
}

export function nodeProto(node: NodeData): Message {
  const attributes = Object.entries(node.attributes ?? {}).map(([name, value]) => ({ number: 5, message: attributeProto(name, value) }));
  return [
    ...node.inputs.map((input) => ({ number: 1, bytes: input })),
    ...node.outputs.map((output) => ({ number: 2, bytes: output })),
    { number: 3, bytes: node.name },
    { number: 4, bytes: node.opType },
    ...attributes,
    ...(node.domain ? [{ number: 7, bytes: node.domain }] : []),
  ];
}

function attributeProto(name: string, value: AttributeValue): Message {
  const head = { number: 1, bytes: name };
  if (typeof value === 'number') return [head, { number: 20, varint: ATTRIBUTE_TYPES.int }, { number: 3, varint: value }];
  if (typeof value === 'string') return [head, { number: 20, varint: ATTRIBUTE_TYPES.string }, { number: 4, bytes: value }];
  if (Array.isArray(value)) {
    return [head, { number: 20, varint: ATTRIBUTE_TYPES.ints }, ...value.map((item) => ({ number: 8, varint: item }))];
  }
  if ('float' in value) return [head, { number: 20, varint: ATTRIBUTE_TYPES.float }, { number: 2, float: value.float }];
  return [head, { number: 20, varint: ATTRIBUTE_TYPES.floats }, ...value.floats.map((item) => ({ number: 7, float: item }))];
}

export interface GraphData {
  name: string;
  nodes: Message[];
  initializers: Message[];
  inputs: Message[];
  outputs: Message[];
}

export function modelProto(graph: GraphData, opsets: Record<string, number>): Message {
  const graphMessage: Message = [
    ...graph.nodes.map((node) => ({ number: 1, message: node })),
    { number: 2, bytes: graph.name },
    ...graph.initializers.map((tensor) => ({ number: 5, message: tensor })),
    ...graph.inputs.map((input) => ({ number: 11, message: input })),
    ...graph.outputs.map((output) => ({ number: 12, message: output })),
  ];
  const opsetImports = Object.entries(opsets).map(([domain, version]) => ({
    number: 8,
    message: [{ number: 1, bytes: domain }, { number: 2, varint: version }],
  }));
  return [{ number: 1, varint: IR_VERSION }, { number: 2, bytes: 'sae-studio' }, ...opsetImports, { number: 7, message: graphMessage }];
}
