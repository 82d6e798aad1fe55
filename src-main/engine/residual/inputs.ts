import { basename } from 'node:path';
import { openDataset } from '../data/registry.js';
import { openModel } from '../model/open.js';
import type { LanguageModel, ModelConfig, TextTokenizer } from '../model/types.js';
import type { WindowPlan, WindowSource } from '../stats/windows.js';
import { InputError } from '../../shared/errors.js';
import type { ResidualSettings } from '../../shared/settings/residual-settings.js';

/** What a residual run reads: the dataset first (cheap, most likely to be wrong), then the model. */
export interface ResidualInputs {
  model: LanguageModel;
  tokenizer: TextTokenizer;
  source: WindowSource;
  plan: WindowPlan;
}

export async function openResidualInputs(settings: ResidualSettings): Promise<ResidualInputs> {
  checkCounts(settings);
  const dataset = await openDataset(settings.dataset, { textColumn: settings.textColumn });
  const { model, tokenizer } = await openModel(settings.model, { device: settings.device, ablation: settings.ablate });
  try {
    const source = { path: settings.dataset, texts: dataset.rows.map((row) => row.text) };
    return { model, tokenizer, source, plan: windowPlan(settings, model.config) };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

function checkCounts(settings: ResidualSettings): void {
  const counts = { samples: settings.samples, 'batch size': settings.batchSize };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 1) throw new InputError(`The ${name} must be a whole number of at least 1, not ${value}.`);
  }
}

function windowPlan(settings: ResidualSettings, config: ModelConfig): WindowPlan {
  return {
    context: resolveContext(settings, config),
    packing: settings.packing,
    samples: settings.samples,
    batchSize: settings.batchSize,
    bosTokenId: config.bosTokenId,
    eosTokenId: config.eosTokenId,
  };
}

/** The requested context, else the model's maximum. */
function resolveContext(settings: ResidualSettings, config: ModelConfig): number {
  const maximum = config.contextLength;
  if (settings.context === undefined) return maximum;
  if (!Number.isInteger(settings.context) || settings.context < 2 || settings.context > maximum) {
    const limits = `from 2 to ${maximum} (the maximum of ${basename(settings.model)})`;
    throw new InputError(`The context must be a whole number ${limits}, not ${settings.context}.`, settings.model);
  }
  return settings.context;
}
