import { labelRows, type LabelledRows } from '../data/labels.js';
import { openDataset } from '../data/registry.js';
import { InputError } from '../../shared/errors.js';
import { openModel } from '../model/open.js';
import type { LanguageModel, TextTokenizer } from '../model/types.js';
import { throwIfCancelled, type CancelSignal, type ProgressSink } from '../progress.js';
import { checkSaeFitsModel } from '../sae/compatibility.js';
import { createSaeEncoder } from '../sae/onnx-encoder.js';
import { listSaes, type SaeEntry } from '../sae/registry.js';
import type { SaeEncoder, SaeParams } from '../sae/types.js';
import { layerLabels, listedModelShape, openRunSae, resolveContext } from '../stats/inputs.js';
import type { EncoderFactory } from '../stats/run.js';
import { windowBatches, type WindowBatch, type WindowPlan } from '../stats/windows.js';
import { CorrelationAccumulator, type RowLabel } from './accumulator.js';
import { poolWindow } from './pool.js';
import type { CorrelationExport } from '../../shared/correlation.js';
import type { CorrelationSettings } from '../../shared/settings/correlation-settings.js';

export interface CorrelationContext {
  progress: ProgressSink;
  cancel?: CancelSignal;
  /** Defaults to the fast ONNX encoder on the run's device; tests pass the float64 reference. */
  createEncoder?: EncoderFactory;
}

interface CorrelationInputs {
  model: LanguageModel;
  tokenizer: TextTokenizer;
  saes: SaeEntry[];
  rows: LabelledRows;
  plan: WindowPlan;
}

/** One SAE in the pass: its encoder, its sums and the label of its progress bar. */
interface Layer {
  label: string;
  encoder: SaeEncoder;
  accumulator: CorrelationAccumulator;
}

/** Streams `samples` labelled rows, one window each, through the model and every SAE, and correlates pooled features with the label. */
export async function runCorrelation(settings: CorrelationSettings, context: CorrelationContext): Promise<CorrelationExport> {
  const inputs = await openCorrelationInputs(settings);
  const layers: Layer[] = [];
  try {
    const createEncoder = context.createEncoder ?? ((params: SaeParams) => createSaeEncoder(params, { device: settings.device }));
    const labels = layerLabels(inputs.saes);
    for (const [index, entry] of inputs.saes.entries()) {
      const encoder = await createEncoder(openRunSae(entry, inputs.model.config));
      layers.push({ label: labels[index]!, encoder, accumulator: new CorrelationAccumulator(encoder.params.hook, encoder.params.featureCount) });
    }
    const rows = await foldRows({ inputs, layers, settings }, context);
    for (const layer of layers) context.progress.stage(`${layer.label} - Computed correlations with ${describeLabel(settings)}`);
    return { label: describeLabel(settings), pooling: settings.pooling, rows, saes: layers.map((layer) => layer.accumulator.result(settings.topK)) };
  } finally {
    await Promise.all(layers.map((layer) => layer.encoder.dispose()));
    await inputs.model.dispose();
  }
}

/** The column, or `column=value` for one-vs-rest. */
export function describeLabel(settings: Pick<CorrelationSettings, 'label' | 'positive'>): string {
  return settings.positive === undefined ? settings.label : `${settings.label}=${settings.positive}`;
}

/** The dataset, its labels and the SAE list first (cheap, most likely to be wrong), checked against the model's config, then the model. */
async function openCorrelationInputs(settings: CorrelationSettings): Promise<CorrelationInputs> {
  checkSettings(settings);
  const dataset = await openDataset(settings.dataset, { textColumn: settings.textColumn });
  const rows = labelRows(dataset, { column: settings.label, positive: settings.positive }, settings.samples);
  const saes = settings.saes.flatMap((path) => listSaes(path));
  if (saes.length === 0) throw new InputError('Name at least one SAE to correlate.');
  const shape = listedModelShape(settings.model);
  for (const sae of saes) checkSaeFitsModel({ ...sae, source: sae.path }, shape);
  const { model, tokenizer } = await openModel(settings.model, { device: settings.device, ablation: 'none' });
  try {
    const { bosTokenId, eosTokenId } = model.config;
    const plan: WindowPlan = { context: resolveContext(settings, saes, model.config), packing: 'per-row', samples: settings.samples, batchSize: settings.batchSize, bosTokenId, eosTokenId };
    return { model, tokenizer, saes, rows, plan };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

function checkSettings(settings: CorrelationSettings): void {
  const counts = { samples: settings.samples, 'batch size': settings.batchSize, 'top k': settings.topK };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 1) throw new InputError(`The ${name} must be a whole number of at least 1, not ${value}.`);
  }
}

interface Pass {
  inputs: CorrelationInputs;
  layers: Layer[];
  settings: CorrelationSettings;
}

/** Returns the number of rows used. */
async function foldRows(pass: Pass, context: CorrelationContext): Promise<number> {
  const { inputs, layers } = pass;
  const labels = rowLabels(inputs.rows.labels);
  const total = inputs.rows.texts.length;
  const source = { path: pass.settings.dataset, texts: inputs.rows.texts };
  let done = 0;
  for (const batch of windowBatches(source, inputs.tokenizer, inputs.plan)) {
    throwIfCancelled(context.cancel);
    await foldBatch(pass, trimBatch(batch), labels.slice(done, done + batch.batch));
    done += batch.batch;
    for (const layer of layers) context.progress.bar(layer.label, done, total);
  }
  return done;
}

/** Positive rows are those above the labels' mean: exactly the 1s of a 0/1 label. */
function rowLabels(labels: Float64Array): RowLabel[] {
  const mean = labels.reduce((sum, value) => sum + value, 0) / labels.length;
  return Array.from(labels, (value) => ({ value, positive: value > mean }));
}

/** Windows are causal, so cutting the padding after the longest row changes no valid position. */
function trimBatch(batch: WindowBatch): WindowBatch {
  const longest = Math.max(...batch.lengths);
  if (longest === batch.sequence) return batch;
  const ids = new Int32Array(batch.batch * longest);
  for (let row = 0; row < batch.batch; row++) ids.set(batch.ids.subarray(row * batch.sequence, row * batch.sequence + longest), row * longest);
  return { ids, batch: batch.batch, sequence: longest, lengths: batch.lengths };
}

async function foldBatch({ inputs, layers, settings }: Pass, batch: WindowBatch, labels: RowLabel[]): Promise<void> {
  const hooks = [...new Set(layers.map((layer) => layer.encoder.params.hook))];
  const clean = await inputs.model.forward(batch, { capture: hooks });
  for (const hook of hooks) {
    const activation = clean.activations.get(hook);
    if (!activation) throw new Error(`The model forward did not capture ${hook}.`);
    clean.activations.delete(hook);
    for (const layer of layers.filter((candidate) => candidate.encoder.params.hook === hook)) {
      const { features } = await layer.encoder.encode(activation, batch.batch * batch.sequence);
      const pooled = new Float64Array(layer.accumulator.featureCount);
      for (let window = 0; window < batch.batch; window++) {
        poolWindow(features, pooled.length, { start: window * batch.sequence, length: batch.lengths[window]! }, settings.pooling, pooled);
        layer.accumulator.add(pooled, labels[window]!);
      }
    }
  }
}

