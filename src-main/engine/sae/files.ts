import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { isFile, readWholeFile } from '../files.js';
import type { SafetensorsFile } from '../model/safetensors.js';

/** What the adapters read tensors through: an open file, or headerOnly's view of one. */
export type TensorSource = Pick<SafetensorsFile, 'path' | 'has' | 'describe' | 'read' | 'tensorNames'>;

/**
 * The same tensors with only scalars read: an adapter's whole open runs against it to check everything the
 * headers and config reveal, at the cost of the headers.
 */
export function headerOnly(source: TensorSource): TensorSource {
  const read = (name: string) => (source.describe(name).shape.reduce((product, size) => product * size, 1) <= 1 ? source.read(name) : new Float32Array(0));
  return { path: source.path, has: (name) => source.has(name), describe: (name) => source.describe(name), tensorNames: () => source.tensorNames(), read };
}

export type JsonObject = Record<string, unknown>;

/** A short name for messages: the file and its folder, which is what tells SAEs of one set apart. */
export function displayName(path: string): string {
  return join(basename(dirname(path)), basename(path));
}

/** The folder an SAE lives in, whether the user picked the folder or one of its files. */
export function folderOf(path: string): string {
  return isFile(path) ? dirname(path) : path;
}

export function readJsonObject(path: string): JsonObject {
  if (!existsSync(path)) throw new InputError(`${displayName(path)} is missing.`, path);
  const text = readWholeFile(path).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`${displayName(path)} is not valid JSON.`, path);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${displayName(path)} does not hold a JSON object.`, path);
  }
  return value as JsonObject;
}

export function objectField(object: JsonObject, key: string): JsonObject | undefined {
  const value = object[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** A positive whole number from a config, or a message naming the key and the file. */
export function requiredCount(value: unknown, key: string, file: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new InputError(`${displayName(file)} needs '${key}' as a positive whole number, not ${JSON.stringify(value) ?? 'nothing'}.`, file);
}

export function optionalCount(value: unknown, key: string, file: string): number | undefined {
  return value === undefined || value === null ? undefined : requiredCount(value, key, file);
}

/** Reads a tensor after checking it exists with the expected shape; a 1-element shape also accepts a scalar. */
export function readTensor(weights: TensorSource, name: string, shape: number[]): Float32Array {
  const actual = tensorShape(weights, name);
  const scalarMatch = actual.length === 0 && shape.length === 1 && shape[0] === 1;
  if (!scalarMatch && actual.join(',') !== shape.join(',')) {
    throw new InputError(`Tensor '${name}' in ${displayName(weights.path)} has shape [${actual.join(', ')}], expected [${shape.join(', ')}].`, weights.path);
  }
  return weights.read(name);
}

/** The 2-D shape of a tensor, or a message naming it. */
export function matrixShape(weights: TensorSource, name: string): [number, number] {
  const shape = tensorShape(weights, name);
  if (shape.length !== 2) {
    throw new InputError(`Tensor '${name}' in ${displayName(weights.path)} has shape [${shape.join(', ')}], expected a matrix.`, weights.path);
  }
  return [shape[0], shape[1]];
}

/** Sizes and stored dtype of a torch Linear encoder, which keeps 'encoder.weight' as [featureCount, inputSize]. */
export function linearEncoderFacts(weights: TensorSource): { d_in: number; d_sae: number; dtype: string } {
  const [featureCount, inputSize] = matrixShape(weights, 'encoder.weight');
  return { d_in: inputSize, d_sae: featureCount, dtype: weights.describe('encoder.weight').dtype };
}

function tensorShape(weights: TensorSource, name: string): number[] {
  if (!weights.has(name)) {
    throw new InputError(`${displayName(weights.path)} has no tensor '${name}' (it has ${weights.tensorNames().join(', ')}).`, weights.path);
  }
  return weights.describe(name).shape;
}

/** Row-major [rows, columns] → [columns, rows]. */
export function transpose(data: Float32Array, rows: number, columns: number): Float32Array {
  if (data.length === 0) return data;
  const result = new Float32Array(data.length);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) result[column * rows + row] = data[row * columns + column];
  }
  return result;
}

export function withFile<F extends { close(): void }, T>(file: F, use: (file: F) => T): T {
  try {
    return use(file);
  } finally {
    file.close();
  }
}
