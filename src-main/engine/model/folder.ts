import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { isDirectory, isFile, readJsonFile } from '../files.js';
import { findFamily, MODEL_TYPES, type ModelFamily } from './families/index.js';
import { loadTokenizer } from './tokenizer.js';
import type { ModelConfig, TextTokenizer } from './types.js';
import { type CheckpointWeights, openWeights } from './weights.js';

export const CONFIG_FILE = 'config.json';

export interface ModelFolder {
  config: ModelConfig;
  /** Tensors under the family's canonical names; close() releases the files. */
  weights: CheckpointWeights;
  tokenizer: TextTokenizer;
  /** The stored data type of the token embedding, e.g. 'F32'. */
  dtype: string;
}

/** Cheap check for the Library's recogniser: a config.json that names a model_type. */
export function matchModelFolder(dir: string): boolean {
  const file = join(dir, CONFIG_FILE);
  if (!isFile(file)) return false;
  try {
    return typeof JSON.parse(readFileSync(file, 'utf8'))?.model_type === 'string';
  } catch {
    return false;
  }
}

/** Opens a Hugging Face model folder: config, checked weights and tokenizer. */
export function readModelFolder(dir: string): ModelFolder {
  const { config, family } = readConfig(dir);
  const weights = openFamilyWeights(dir, family, config);
  try {
    const tokenizer = loadTokenizer(dir);
    return { config, weights, tokenizer, dtype: weights.describe(family.embeddingTensor).dtype };
  } catch (error) {
    weights.close();
    throw error;
  }
}

/** Facts for the Library, from config.json and the weight headers only. */
export function inspectModelFolder(dir: string): Record<string, string | number> {
  const { config, family } = readConfig(dir);
  const weights = openFamilyWeights(dir, family, config);
  try {
    const parameters = weights.names().reduce((sum, name) => sum + weights.shape(name).reduce((product, size) => product * size, 1), 0);
    return {
      architecture: config.modelType,
      layers: config.layerCount,
      d_model: config.modelWidth,
      heads: config.headCount,
      vocab: config.vocabSize,
      context: config.contextLength,
      dtype: weights.describe(family.embeddingTensor).dtype,
      parameters,
    };
  } finally {
    weights.close();
  }
}

function readConfig(dir: string): { config: ModelConfig; family: ModelFamily } {
  if (!isDirectory(dir)) throw new InputError(`The model folder ${dir} does not exist.`, dir);
  const file = join(dir, CONFIG_FILE);
  if (!isFile(file)) throw new InputError(`The model folder ${dir} has no ${CONFIG_FILE}.`, file);
  const raw = readJsonFile(file, `${CONFIG_FILE} in ${dirname(file)} is not valid JSON.`);
  const family = supportedFamily(raw, file);
  return { config: family.parseConfig(raw, file), family };
}

function supportedFamily(raw: unknown, file: string): ModelFamily {
  const modelType = (raw as { model_type?: unknown } | null)?.model_type;
  const supported = `(supported: ${MODEL_TYPES.join(', ')})`;
  if (modelType === undefined) throw new InputError(`${CONFIG_FILE} in ${dirname(file)} has no model_type ${supported}.`, file);
  const family = findFamily(modelType);
  if (!family) throw new InputError(`${CONFIG_FILE} has model_type '${String(modelType)}', which is not supported ${supported}.`, file);
  return family;
}

function openFamilyWeights(dir: string, family: ModelFamily, config: ModelConfig): CheckpointWeights {
  const source = openWeights(dir);
  try {
    return family.weights(source, config);
  } catch (error) {
    source.close();
    throw error;
  }
}
