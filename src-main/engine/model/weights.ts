import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { isFile, readJsonFile } from '../files.js';
import { SafetensorsFile, type TensorInfo } from './safetensors.js';
import type { WeightSource } from './types.js';

export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';

/** A checkpoint's tensors across one or more safetensors files, each read on demand. */
export interface CheckpointWeights extends WeightSource {
  describe(name: string): TensorInfo;
  close(): void;
}

/** Opens model.safetensors, or the shards that model.safetensors.index.json lists, in a folder (or one named file). */
export function openWeights(folder: string): CheckpointWeights {
  if (folder.endsWith('.safetensors') && isFile(folder)) return openSingle(folder);
  const single = join(folder, WEIGHTS_FILE);
  if (isFile(single)) return openSingle(single);
  const index = join(folder, WEIGHTS_INDEX_FILE);
  if (isFile(index)) return openSharded(index);
  throw new InputError(`The folder ${folder} has no ${WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE}.`, folder);
}

function openSingle(path: string): CheckpointWeights {
  const file = SafetensorsFile.open(path);
  return new ShardedWeights(path, new Map(file.tensorNames().map((name) => [name, file])), [file]);
}

function openSharded(index: string): CheckpointWeights {
  const weightMap = readWeightMap(index);
  const shards = new Map<string, SafetensorsFile>();
  const shardOf = new Map<string, SafetensorsFile>();
  try {
    for (const shardName of new Set(weightMap.values())) shards.set(shardName, openShard(index, shardName));
    for (const [tensor, shardName] of weightMap) shardOf.set(tensor, checkedShard(shards.get(shardName)!, { index, tensor, shardName }));
  } catch (error) {
    shards.forEach((shard) => shard.close());
    throw error;
  }
  return new ShardedWeights(index, shardOf, [...shards.values()]);
}

function readWeightMap(index: string): Map<string, string> {
  const json = readJsonFile(index, `${basename(index)} is not valid JSON.`);
  const weightMap = (json as { weight_map?: unknown })?.weight_map;
  const valid = typeof weightMap === 'object' && weightMap !== null && Object.values(weightMap).every((value) => typeof value === 'string');
  if (!valid || Object.keys(weightMap).length === 0) {
    throw new InputError(`${basename(index)} has no weight_map from tensor names to shard files.`, index);
  }
  return new Map(Object.entries(weightMap as Record<string, string>));
}

function openShard(index: string, shardName: string): SafetensorsFile {
  const path = join(dirname(index), shardName);
  const inside = relative(dirname(index), path);
  if (isAbsolute(shardName) || inside.startsWith('..') || isAbsolute(inside)) {
    throw new InputError(`${basename(index)} lists the shard '${shardName}', which lies outside the model folder; shards must sit beside the index.`, index);
  }
  if (!isFile(path)) throw new InputError(`The shard ${shardName} listed in ${basename(index)} is missing.`, path);
  return SafetensorsFile.open(path);
}

function checkedShard(shard: SafetensorsFile, where: { index: string; tensor: string; shardName: string }): SafetensorsFile {
  if (!shard.has(where.tensor)) {
    throw new InputError(`Tensor '${where.tensor}' is listed in ${basename(where.index)} but not found in ${where.shardName}.`, shard.path);
  }
  return shard;
}

class ShardedWeights implements CheckpointWeights {
  readonly path: string;
  #shardOf: Map<string, SafetensorsFile>;
  #shards: SafetensorsFile[];

  constructor(path: string, shardOf: Map<string, SafetensorsFile>, shards: SafetensorsFile[]) {
    this.path = path;
    this.#shards = shards;
    this.#shardOf = shardOf;
  }

  names(): string[] {
    return [...this.#shardOf.keys()];
  }

  has(name: string): boolean {
    return this.#shardOf.has(name);
  }

  shape(name: string): number[] {
    return this.describe(name).shape;
  }

  describe(name: string): TensorInfo {
    return this.#shard(name).describe(name);
  }

  read(name: string): Float32Array {
    return this.#shard(name).read(name);
  }

  close(): void {
    this.#shards.forEach((shard) => shard.close());
  }

  #shard(name: string): SafetensorsFile {
    const shard = this.#shardOf.get(name);
    if (!shard) throw new InputError(`Tensor '${name}' is not in ${basename(this.path)}.`, this.path);
    return shard;
  }
}
