import { InputError } from '../../shared/errors.js';
import { openDataset } from '../data/registry.js';
import { openModel } from '../model/open.js';
import type { LanguageModel, TextTokenizer } from '../model/types.js';
import { throwIfCancelled, type CancelSignal, type ProgressSink } from '../progress.js';
import { checkSaeFitsModel } from '../sae/compatibility.js';
import { createSaeEncoder } from '../sae/onnx-encoder.js';
import { openSae } from '../sae/registry.js';
import type { SaeEncoder, SaeParams } from '../sae/types.js';
import { steeredFeatures, type Continuation, type FeatureTrace, type GenerationOutput, type SteeringComparison, type SteeringResult } from '../../shared/steering.js';
import { GENERATION_LIMITS, type GenerateSettings, type GenerationSettings, type SteerSettings } from '../../shared/settings/steer-settings.js';
import { generateTokens, type GenerationHooks } from './generate.js';
import { steeredRows, steeringEdit, steeringVector, type SteeringVector } from './steering.js';

export interface SteerContext {
  progress: ProgressSink;
  cancel?: CancelSignal;
  /** Defaults to the fast ONNX encoder on the run's device; tests pass the float64 reference. */
  createEncoder?: (params: SaeParams) => Promise<SaeEncoder>;
}

const PROMPTS_BAR = 'Prompts';

/** Continues every prompt with the model alone. */
export async function runGeneration(given: GenerateSettings, context: SteerContext): Promise<GenerationOutput[]> {
  const settings = await withDatasetPrompts(given);
  checkGeneration(settings);
  const { model, tokenizer } = await openModel(settings.model, { device: settings.device, ablation: 'none', cache: true });
  try {
    const outputs: GenerationOutput[] = [];
    for (const prompt of settings.prompts) {
      throwIfCancelled(context.cancel);
      const tokens = await generateTokens(model, promptIds(prompt, tokenizer, model), settings);
      outputs.push({ prompt, output: { text: tokenizer.decode(tokens), tokens, pieces: piecesOf(tokens, tokenizer), features: [] } });
      context.progress.bar(PROMPTS_BAR, outputs.length, settings.prompts.length);
    }
    return outputs;
  } finally {
    await model.dispose();
  }
}

/** Continues every prompt twice from the same seed, by default and steered, and traces the steered features on both. */
export async function runSteering(given: SteerSettings, context: SteerContext): Promise<SteeringResult> {
  const settings = await withDatasetPrompts(given);
  checkGeneration(settings);
  if (settings.features.length === 0) throw new InputError('Name at least one feature to steer with, as FEATURE:COEFFICIENT.');
  const { model, tokenizer } = await openModel(settings.model, { device: settings.device, ablation: 'none', cache: true });
  const tracers: Tracer[] = [];
  try {
    const vectors = await openSteering(settings, { model, tracers, createEncoder: context.createEncoder ?? ((params) => createSaeEncoder(params, settings)) });
    const comparisons: SteeringComparison[] = [];
    for (const prompt of settings.prompts) {
      throwIfCancelled(context.cancel);
      const ids = promptIds(prompt, tokenizer, model);
      const run = (steering: SteeringVector[]) => traceContinuation({ model, tokenizer, ids, settings, tracers, steering });
      comparisons.push({ prompt, default: await run([]), steered: await run(vectors) });
      context.progress.bar(PROMPTS_BAR, comparisons.length, settings.prompts.length);
    }
    return { features: steeredFeatures(settings.features, comparisons[0]?.steered.features ?? []), comparisons };
  } finally {
    await Promise.all(tracers.map((tracer) => tracer.encoder.dispose()));
    await model.dispose();
  }
}

/** The listed prompts, then the dataset's rows when the settings name one. */
async function withDatasetPrompts<S extends GenerateSettings>(settings: S): Promise<S> {
  if (!settings.dataset) return settings;
  const dataset = await openDataset(settings.dataset, { textColumn: settings.textColumn });
  const rows = dataset.rows.slice(0, settings.samples ?? dataset.rows.length).map((row) => row.text);
  return { ...settings, prompts: [...settings.prompts, ...rows] };
}

function checkGeneration(settings: GenerateSettings): void {
  if (settings.prompts.length === 0 || settings.prompts.every((prompt) => prompt.trim() === '')) throw new InputError('Give at least one prompt.');
  if (!Number.isInteger(settings.maxNewTokens)) throw new InputError(`The number of new tokens must be a whole number, not ${settings.maxNewTokens}.`);
  for (const [name, limits] of Object.entries(GENERATION_LIMITS)) {
    const value = settings[name as keyof typeof GENERATION_LIMITS];
    if (!(value >= limits.min && value <= limits.max)) throw new InputError(`The ${name} must be a number from ${limits.min} to ${limits.max}, not ${value}.`);
  }
}

/** BOS, then the prompt's tokens: the windows the SAEs were trained on start the same way. */
function promptIds(prompt: string, tokenizer: TextTokenizer, model: LanguageModel): number[] {
  return [model.config.bosTokenId, ...tokenizer.encode(prompt)];
}

/** One SAE whose features are steered: its encoder, to read those features on the generated tokens. */
interface Tracer {
  hook: string;
  features: number[];
  encoder: SaeEncoder;
}

interface SteeringInputs {
  model: LanguageModel;
  tracers: Tracer[];
  createEncoder: (params: SaeParams) => Promise<SaeEncoder>;
}

/** Opens one SAE at a time: its steering vector and encoder are made, then its weights can go. */
async function openSteering(settings: SteerSettings, inputs: SteeringInputs): Promise<SteeringVector[]> {
  const unknown = settings.features.find((feature) => feature.sae >= settings.saes.length);
  if (unknown) throw new InputError(`There is no SAE number ${unknown.sae + 1}; the run has ${settings.saes.length}.`);
  const vectors: SteeringVector[] = [];
  for (const [index, path] of settings.saes.entries()) {
    const features = settings.features.filter((feature) => feature.sae === index);
    if (features.length === 0) continue;
    const params = openSae(path);
    checkSaeFitsModel(params, inputs.model.config);
    vectors.push(steeringVector(params, features));
    inputs.tracers.push({ hook: params.hook, features: features.map((feature) => feature.feature), encoder: await inputs.createEncoder(params) });
  }
  return vectors;
}

interface ContinuationRun {
  model: LanguageModel;
  tokenizer: TextTokenizer;
  ids: number[];
  settings: GenerationSettings & Pick<SteerSettings, 'positions'>;
  tracers: Tracer[];
  steering: SteeringVector[];
}

/** Generates with the steering (none for the default), keeping each traced hook's activation at every generated token. */
async function traceContinuation(run: ContinuationRun): Promise<Continuation> {
  const promptLength = run.ids.length;
  const hooks = [...new Set(run.tracers.map((tracer) => tracer.hook))];
  const rows = new Map<string, Float32Array[]>(hooks.map((hook) => [hook, []]));
  const generation: GenerationHooks = {
    edit: (step) => steeringEdit(run.steering, steeredRows(step, { positions: run.settings.positions, promptLength })),
    capture: hooks,
    observe: (activations, step) => {
      const first = Math.max(0, promptLength - step.start);
      for (const hook of hooks) keepRows(rows.get(hook)!, activations.get(hook)!, { first, count: step.length, width: run.model.config.modelWidth });
    },
  };
  const tokens = await generateTokens(run.model, run.ids, run.settings, generation);
  const features = await traceFeatures(run.tracers, rows);
  return { text: run.tokenizer.decode(tokens), tokens, pieces: piecesOf(tokens, run.tokenizer), features };
}

function piecesOf(tokens: number[], tokenizer: TextTokenizer): string[] {
  return tokens.map((token) => tokenizer.decode([token]));
}

function keepRows(kept: Float32Array[], activation: Float32Array, rows: { first: number; count: number; width: number }): void {
  for (let row = rows.first; row < rows.count; row++) kept.push(activation.slice(row * rows.width, (row + 1) * rows.width));
}

/** Each steered feature's activation on the generated tokens, max- and mean-pooled. */
async function traceFeatures(tracers: Tracer[], rows: Map<string, Float32Array[]>): Promise<FeatureTrace[]> {
  const traces: FeatureTrace[] = [];
  for (const tracer of tracers) {
    const kept = rows.get(tracer.hook)!;
    const stacked = new Float32Array(kept.length * tracer.encoder.params.inputSize);
    kept.forEach((row, index) => stacked.set(row, index * row.length));
    const featureCount = tracer.encoder.params.featureCount;
    const encoded = kept.length ? (await tracer.encoder.encode(stacked, kept.length)).features : new Float32Array(0);
    for (const feature of tracer.features) {
      const values = kept.map((_, row) => encoded[row * featureCount + feature]!);
      traces.push({ hook: tracer.hook, feature, values, max: values.length ? Math.max(...values) : 0, mean: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0 });
    }
  }
  return traces;
}
