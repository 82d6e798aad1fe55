import { freemem } from 'node:os';
import { chooseDevice } from '../onnx/devices.js';
import { graphFamily } from './families/index.js';
import { readModelFolder } from './folder.js';
import { checkModelFits, planModelMemory } from './memory.js';
import { OnnxModel } from './onnx-model.js';
import type { LanguageModel, ModelOpenOptions, TextTokenizer } from './types.js';

export interface OpenModelOptions extends ModelOpenOptions {
  /** Receives which execution provider runs and why the others were passed over. */
  onDeviceReport?: (line: string) => void;
  /** Pieces whose weights pass this many bytes load from external data files (default EXTERNAL_DATA_BYTES). */
  externalDataBytes?: number;
}

/** Opens a Hugging Face model folder as an onnxruntime model on the requested device. */
export async function openModel(dir: string, options: OpenModelOptions): Promise<{ model: LanguageModel; tokenizer: TextTokenizer }> {
  const folder = readModelFolder(dir);
  try {
    const family = graphFamily(folder.config.modelType);
    const choice = await chooseDevice(options.device);
    choice.report.forEach((line) => options.onDeviceReport?.(line));
    const layers = Math.min(options.layers ?? folder.config.layerCount, folder.config.layerCount);
    // Only the CPU's free memory can be known here; a GPU provider reports its own shortage.
    if (choice.provider === 'cpu') checkModelFits(planModelMemory(folder.weights, { layers, layerCount: folder.config.layerCount }), freemem());
    const pieces = { config: folder.config, weights: folder.weights, ablation: options.ablation, cache: options.cache, layers };
    const model = await OnnxModel.create({ family, provider: choice.provider, externalDataBytes: options.externalDataBytes, ...pieces });
    return { model, tokenizer: folder.tokenizer };
  } finally {
    folder.weights.close();
  }
}
