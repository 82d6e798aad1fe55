import { encodeMessage, type DeferredBytes, type Message } from './proto.js';
import { modelProto, nodeProto, tensorProto, valueInfoProto, type AttributeValue, type DataType } from './onnx.js';

/** The default-domain opset our graphs use: 20 brings Gelu with the tanh approximation. */
export const ONNX_OPSET = 20;
/** onnxruntime's own fused kernels, e.g. Attention; their opset is 1. */
export const MICROSOFT_DOMAIN = 'com.microsoft';

export interface NodeOptions {
  /** The output's name when it is a graph output; generated otherwise. */
  output?: string;
  domain?: string;
}

/** Builds one ONNX graph node by node; weights are read only when the model bytes are written. */
export class GraphBuilder {
  readonly name: string;
  #nodes: Message[] = [];
  #initializers: Message[] = [];
  #inputs: Message[] = [];
  #outputs: Message[] = [];
  #weights = new Set<string>();
  #domains = new Set<string>();
  #count = 0;

  constructor(name: string) {
    this.name = name;
  }

  input(name: string, dataType: DataType, dims: readonly (number | string)[]): string {
    this.#inputs.push(valueInfoProto(name, dataType, dims));
    return name;
  }

  output(name: string, dataType: DataType, dims: readonly (number | string)[]): void {
    this.#outputs.push(valueInfoProto(name, dataType, dims));
  }

  /** A float32 weight whose values are read at write time, so only one tensor is in memory at once; added once per name. */
  weight(name: string, dims: readonly number[], read: () => Float32Array): string {
    if (this.#weights.has(name)) return name;
    this.#weights.add(name);
    const byteLength = dims.reduce((product, dim) => product * dim, 4);
    const raw: DeferredBytes = { byteLength, writeInto: (target) => target.set(floatBytes(read(), name, byteLength)) };
    this.#initializers.push(tensorProto({ name, dataType: 'float', dims, raw }));
    return name;
  }

  floats(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.#fresh('floats');
    const raw = new Uint8Array(Float32Array.from(values).buffer);
    this.#initializers.push(tensorProto({ name, dataType: 'float', dims, raw }));
    return name;
  }

  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.#fresh('ints');
    const raw = new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
    this.#initializers.push(tensorProto({ name, dataType: 'int64', dims, raw }));
    return name;
  }

  node(opType: string, inputs: readonly string[], attributes?: Record<string, AttributeValue>, options: NodeOptions = {}): string {
    return this.nodeOutputs(opType, inputs, 1, attributes, options)[0]!;
  }

  nodeOutputs(opType: string, inputs: readonly string[], count: number, attributes?: Record<string, AttributeValue>, options: NodeOptions = {}): string[] {
    const outputs = Array.from({ length: count }, (_, index) => (index === 0 && options.output) || this.#fresh(opType));
    const name = this.#fresh(`${opType}_node`);
    if (options.domain) this.#domains.add(options.domain);
    this.#nodes.push(nodeProto({ opType, inputs, outputs, name, attributes, domain: options.domain }));
    return outputs;
  }

  toBytes(): Uint8Array {
    const opsets = { '': ONNX_OPSET, ...Object.fromEntries([...this.#domains].map((domain) => [domain, 1])) };
    const graph = { name: this.name, nodes: this.#nodes, initializers: this.#initializers, inputs: this.#inputs, outputs: this.#outputs };
    return encodeMessage(modelProto(graph, opsets));
  }

  #fresh(stem: string): string {
    return `${stem}_${this.#count++}`;
  }
}

function floatBytes(values: Float32Array, name: string, byteLength: number): Uint8Array {
  if (values.byteLength !== byteLength) throw new Error(`Weight '${name}' has ${values.length} values, expected ${byteLength / 4}.`);
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
