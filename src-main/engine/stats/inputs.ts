import { basename } from 'node:path';
import { openDataset } from '../data/registry.js';
import { InputError } from '../../shared/errors.js';
import { inspectModelFolder } from '../model/folder.js';
import { openModel } from '../model/open.js';
import { parseHookName } from '../../shared/hooks.js';
import { chooseDevice, type DeviceChoice } from '../onnx/devices.js';
import type { LanguageModel, ModelConfig, TextTokenizer } from '../model/types.js';
import { checkSaeFitsModel, type ModelShape } from '../sae/compatibility.js';
import { listSaes, openSae, type SaeEntry } from '../sae/registry.js';
import type { SaeParams } from '../sae/types.js';
import { PayloadReader } from '../../shared/settings/payload-reader.js';
import { readRunSettings, RUN_SETTINGS_SCHEMA, type RunSettings } from '../../shared/settings/run-settings.js';
import { labelNaming } from '../../shared/settings/schema.js';
import type { WindowPlan, WindowSource } from './windows.js';

/** Everything a run reads, opened and checked against each other before any window is computed; SAE weights open one at a time. */
export interface RunInputs {
  model: LanguageModel;
  tokenizer: TextTokenizer;
  saes: SaeEntry[];
  source: WindowSource;
  plan: WindowPlan;
  /** The execution provider that runs, and why the ones before it were passed over. */
  device: DeviceChoice;
}

/** Opens the dataset and lists the SAEs first (cheap, most likely to be wrong), checks them against the model's config, then opens the model. */
export async function openRunInputs(settings: RunSettings): Promise<RunInputs> {
  checkSettings(settings);
  const dataset = await openDataset(settings.dataset, { textColumn: settings.textColumn });
  const saes = settings.saes.flatMap((path) => listSaes(path));
  if (saes.length === 0) throw new InputError('Name at least one SAE to analyze.');
  checkOneSaePerHook(saes);
  const shape = listedModelShape(settings.model);
  for (const sae of saes) checkSaeFitsModel({ ...sae, source: sae.path }, shape);
  const device = await chooseDevice(settings.device);
  // Without LM losses nothing after the deepest SAE's block runs, so those blocks are never loaded.
  const layers = settings.ce ? undefined : Math.max(...saes.map((sae) => parseHookName(sae.hook).layer)) + 1;
  const { model, tokenizer } = await openModel(settings.model, { device: settings.device, ablation: settings.ablate, layers });
  try {
    const source = { path: settings.dataset, texts: dataset.rows.map((row) => row.text) };
    return { model, tokenizer, saes, source, plan: windowPlan(settings, saes, model.config), device };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

/** Every statistic and figure is keyed by hook, so two SAEs on one hook (a set plus a single SAE of its layer) are refused. */
function checkOneSaePerHook(saes: SaeEntry[]): void {
  const seen = new Map<string, string>();
  for (const sae of saes) {
    const first = seen.get(sae.hook);
    if (first !== undefined) {
      throw new InputError(`Two SAEs read the same hook ${sae.hook}: ${first} and ${sae.path}. Choose one SAE per hook.`, sae.path);
    }
    seen.set(sae.hook, sae.path);
  }
}

/** One SAE's weights, read when its encoder is built; checked again as read, in case its files changed since they were listed. */
export function openRunSae(entry: SaeEntry, config: ModelConfig): SaeParams {
  const params = openSae(entry.path);
  checkSaeFitsModel(params, config);
  return params;
}

/** The model's width and depth from config.json and the weight headers, so no weights are read before every SAE fits. */
export function listedModelShape(dir: string): ModelShape {
  const facts = inspectModelFolder(dir);
  return { modelWidth: Number(facts.d_model), layerCount: Number(facts.layers) };
}

/** The same schema the CLI and the API check with, since benchmarks and tests call the engine directly. */
function checkSettings(settings: RunSettings): void {
  readRunSettings(new PayloadReader('run settings', settings, '', labelNaming(RUN_SETTINGS_SCHEMA)));
}

function windowPlan(settings: RunSettings, saes: SaeEntry[], config: ModelConfig): WindowPlan {
  return {
    context: resolveContext(settings, saes, config),
    packing: settings.packing,
    samples: settings.samples,
    batchSize: settings.batchSize,
    bosTokenId: config.bosTokenId,
    eosTokenId: config.eosTokenId,
  };
}

/** The requested context, else the smallest SAE context_size, else the model's maximum. */
export function resolveContext(settings: Pick<RunSettings, 'model' | 'context'>, saes: SaeEntry[], config: ModelConfig): number {
  const maximum = config.contextLength;
  if (settings.context !== undefined) {
    if (!Number.isInteger(settings.context) || settings.context < 2 || settings.context > maximum) {
      const limits = `from 2 to ${maximum} (the maximum of ${basename(settings.model)})`;
      throw new InputError(`The context must be a whole number ${limits}, not ${settings.context}.`, settings.model);
    }
    return settings.context;
  }
  const fromSaes = saes.flatMap((sae) => (sae.contextSize ? [sae.contextSize] : []));
  return Math.min(maximum, ...fromSaes);
}

/** "Layer 3", or "Layer 3 (blocks.3.hook_mlp_out)" where two SAEs share a layer. */
export function layerLabels(saes: SaeEntry[]): string[] {
  const layers = saes.map((sae) => parseHookName(sae.hook).layer);
  return layers.map((layer, index) => {
    const shared = layers.filter((other) => other === layer).length > 1;
    return shared ? `Layer ${layer} (${saes[index].hook})` : `Layer ${layer}`;
  });
}
