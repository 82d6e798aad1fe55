import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { ExecutionProvider } from './devices.js';

export interface SessionSettings {
  /** Prepacking keeps a second, MatMul-only copy of a weight that another node also reads. */
  prepack?: boolean;
}

/** Creates a session from model bytes or a model file on the chosen provider, with every core and every graph optimisation. */
export function createSession(model: Uint8Array | string, provider: ExecutionProvider, settings: SessionSettings = {}): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    // Each session's arena would keep its largest intermediates forever; with a session per piece that multiplies.
    enableCpuMemArena: false,
    extra: { session: sessionEntries(settings) },
  };
  // A path lets onnxruntime find the external data files beside the model.
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

/** Pieces run one after another, so a finished session's spinning threads would only steal the next one's cores. */
function sessionEntries(settings: SessionSettings): Record<string, string> {
  const entries: Record<string, string> = { 'intra_op.allow_spinning': '0' };
  if (settings.prepack === false) entries.disable_prepacking = '1';
  return entries;
}

export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

export function int32Tensor(values: Int32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('int32', values, dims);
}

export function int64Scalar(value: number): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.of(BigInt(value)), []);
}

export function int64Tensor(values: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [values.length]);
}

export function tensorFloats(tensor: ort.Tensor | undefined, name: string): Float32Array {
  if (!tensor || !(tensor.data instanceof Float32Array)) throw new Error(`Session output '${name}' is missing or not float32.`);
  return tensor.data;
}
