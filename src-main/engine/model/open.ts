import { chooseDevice } from '../onnx/devices.js';
import { graphFamily } from './families/index.js';
import { readModelFolder } from './folder.js';
import { OnnxModel } from './onnx-model.js';
import type { LanguageModel, ModelOpenOptions, TextTokenizer } from './types.js';

export interface OpenModelOptions extends ModelOpenOptions {
  /** Receives which execution provider runs and why the others were passed over. */
  onDeviceReport?: (line: string) => void;
}

/** Opens a Hugging Face model folder as an onnxruntime model on the requested device. */
export async function openModel(dir: string, options: OpenModelOptions): Promise<{ model: LanguageModel; tokenizer: TextTokenizer }> {
  const folder = readModelFolder(dir);
  try {
    const family = graphFamily(folder.config.modelType);
    const choice = await chooseDevice(options.device);
    choice.report.forEach((line) => options.onDeviceReport?.(line));
    const pieces = { config: folder.config, weights: folder.weights, ablation: options.ablation, cache: options.cache };
    const model = await OnnxModel.create({ family, provider: choice.provider, ...pieces });
    return { model, tokenizer: folder.tokenizer };
  } finally {
    folder.weights.close();
  }
}
