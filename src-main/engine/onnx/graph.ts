import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMessage, type DeferredBytes, type Message } from './proto.js';
import { externalTensorProto, modelProto, nodeProto, tensorProto, valueInfoProto, type AttributeValue, type DataType } from './onnx.js';

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
  #weights = new Map<string, WeightEntry>();
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
    const byteLength = dims.reduce((product, dim) => product * dim, 4);
    this.#weights.set(name, { name, dims, byteLength, read });
    return name;
  }

  /** Bytes of every weight added so far: past ~2 GB one protobuf cannot hold them (see saveWithExternalData). */
  weightBytes(): number {
    return [...this.#weights.values()].reduce((total, entry) => total + entry.byteLength, 0);
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

  /** The whole model in one protobuf, weights inline. */
  toBytes(): Uint8Array {
    if (this.weightBytes() >= PROTOBUF_LIMIT) throw new Error(`Graph '${this.name}' holds ${this.weightBytes()} weight bytes, past protobuf's 2 GB; save it with external data.`);
    const weights = [...this.#weights.values()].map((entry) => tensorProto({ name: entry.name, dataType: 'float', dims: entry.dims, raw: inlineBytes(entry) }));
    return this.#encode(weights);
  }

  /**
   * Writes the weights one at a time into `weights.bin` and the graph, which points at them, into `model.onnx`
   * (ONNX external data), so no protobuf nears its 2 GB limit and no buffer holds every weight; returns the model's path.
   */
  saveWithExternalData(dir: string): string {
    mkdirSync(dir, { recursive: true });
    const descriptor = openSync(join(dir, EXTERNAL_DATA_FILE), 'w');
    const weights: Message[] = [];
    try {
      let offset = 0;
      for (const entry of this.#weights.values()) {
        offset = alignedOffset(offset);
        writeFully(descriptor, inlineBytes(entry).read(), offset);
        weights.push(externalTensorProto({ name: entry.name, dataType: 'float', dims: entry.dims }, { location: EXTERNAL_DATA_FILE, offset, length: entry.byteLength }));
        offset += entry.byteLength;
      }
    } finally {
      closeSync(descriptor);
    }
    const modelPath = join(dir, 'model.onnx');
    writeFileSync(modelPath, this.#encode(weights));
    return modelPath;
  }

  #encode(weights: Message[]): Uint8Array {
    const opsets = { '': ONNX_OPSET, ...Object.fromEntries([...this.#domains].map((domain) => [domain, 1])) };
    const initializers = [...weights, ...this.#initializers];
    const graph = { name: this.name, nodes: this.#nodes, initializers, inputs: this.#inputs, outputs: this.#outputs };
    return encodeMessage(modelProto(graph, opsets));
  }

  #fresh(stem: string): string {
    return `${stem}_${this.#count++}`;
  }
}

interface WeightEntry {
  name: string;
  dims: readonly number[];
  byteLength: number;
  read: () => Float32Array;
}

/** protobuf's hard limit on one message; a model this large must keep its weights outside. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;
const EXTERNAL_DATA_FILE = 'weights.bin';
/** Offsets on 64 KiB boundaries let onnxruntime map each tensor straight from the file on any platform. */
const EXTERNAL_ALIGNMENT = 65536;

function alignedOffset(offset: number): number {
  return Math.ceil(offset / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
}

function inlineBytes(entry: WeightEntry): DeferredBytes & { read(): Uint8Array } {
  const read = () => floatBytes(entry.read(), entry.name, entry.byteLength);
  return { byteLength: entry.byteLength, read, writeInto: (target) => target.set(read()) };
}

function writeFully(descriptor: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(descriptor, bytes, done, bytes.byteLength - done, position + done);
}

function floatBytes(values: Float32Array, name: string, byteLength: number): Uint8Array {
  if (values.byteLength !== byteLength) throw new Error(`Weight '${name}' has ${values.length} values, expected ${byteLength / 4}.`);
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
