import { basename } from 'node:path';
import { deviceLine } from '../onnx/devices.js';
import { throwIfCancelled, type CancelSignal, type ProgressSink } from '../progress.js';
import type { ForwardResult, LanguageModel } from '../model/types.js';
import { createSaeEncoder } from '../sae/onnx-encoder.js';
import type { EncodedBatch, SaeEncoder, SaeParams } from '../sae/types.js';
import { collectWindowTokens, windowsOfExamples } from './example-windows.js';
import { layerLabels, openRunInputs, openRunSae, type RunInputs } from './inputs.js';
import { PhaseClock } from './phase-clock.js';
import { SaeAccumulator, type BatchLosses } from './sae-accumulator.js';
import type { StatsStore } from './stats-store.js';
import type { RunDescription } from '../../shared/stats.js';
import type { RunSettings } from '../../shared/settings/run-settings.js';
import { countWindows, windowBatches, type WindowBatch, type WindowBlock } from './windows.js';
import { shardBlock, type ShardSelection } from '../shards/block.js';

export type EncoderFactory = (params: SaeParams) => Promise<SaeEncoder>;

export interface RunContext {
  progress: ProgressSink;
  cancel?: CancelSignal;
  store: StatsStore;
  /** Defaults to the fast ONNX encoder on the run's device; tests pass the float64 reference. */
  createEncoder?: EncoderFactory;
  /** Collects the time spent per phase (the benchmark reads it). */
  clock?: PhaseClock;
}

/** One SAE in a run: its encoder, its accumulator and the label its bar and stage lines use. */
export interface Layer {
  index: number;
  label: string;
  encoder: SaeEncoder;
  accumulator: SaeAccumulator;
}

/** Streams `samples` windows through the model one batch at a time and stores every SAE's statistics. */
export async function runStatistics(settings: RunSettings, context: RunContext): Promise<RunDescription> {
  return await foldStatistics(settings, context, async (run) => {
    await storeRun(settings, run, context);
    return run.description;
  });
}

/** A run's accumulators once its windows (a shard's block only, when sharded) are folded, with the inputs still open. */
export interface FoldedRun {
  inputs: RunInputs;
  layers: Layer[];
  description: RunDescription;
  block: WindowBlock;
  clock: PhaseClock;
}

export type FoldContext = Omit<RunContext, 'store'> & { shard?: ShardSelection };

/** Folds the run's windows, or shard K's block of them, then hands the accumulators to `finish` before the model and encoders go. */
export async function foldStatistics<R>(settings: RunSettings, context: FoldContext, finish: (run: FoldedRun) => Promise<R>): Promise<R> {
  const inputs = await openRunInputs(settings);
  const layers: Layer[] = [];
  try {
    const createEncoder = context.createEncoder ?? ((params: SaeParams) => createSaeEncoder(params, { device: settings.device }));
    context.progress.stage(deviceLine(inputs.device));
    const windows = countUsableWindows(inputs, settings, context.progress);
    const block = context.shard ? shardBlock(windows, context.shard) : { first: 0, end: windows };
    await openLayers(layers, { inputs, settings, createEncoder, firstWindow: block.first });
    const clock = context.clock ?? new PhaseClock();
    const samples = await foldWindows({ inputs, layers, settings, clock, windows, block }, context);
    return await finish({ inputs, layers, description: describeRun(settings, inputs, context.shard ? windows : samples), block, clock });
  } finally {
    await Promise.all(layers.map((layer) => layer.encoder.dispose()));
    await inputs.model.dispose();
  }
}

/** Stores every SAE's statistics and the example windows; a cancel during the writes is honoured too, and its partial rows go. */
async function storeRun(settings: RunSettings, { inputs, layers, description, clock }: FoldedRun, context: RunContext): Promise<void> {
  await checkCancel(context.cancel);
  context.store.saveRun(description, { device: inputs.device.provider });
  const referenced = new Set<number>();
  for (const layer of layers) {
    await checkCancel(context.cancel);
    await clock.time('storage', () => storeLayer(layer, context).forEach((window) => referenced.add(window)));
  }
  await checkCancel(context.cancel);
  await clock.time('storage', () => storeExampleWindows({ inputs, settings, referenced }, context));
}

/** Lets a waiting cancel message arrive (messages come between event-loop turns, not between awaits) and then checks it. */
async function checkCancel(cancel: CancelSignal | undefined): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  throwIfCancelled(cancel);
}

/** Adds each SAE's layer to `layers` as its encoder opens, so a failure part-way still disposes the ones before it. */
async function openLayers(layers: Layer[], options: { inputs: RunInputs; settings: RunSettings; createEncoder: EncoderFactory; firstWindow: number }): Promise<void> {
  const { inputs, settings, createEncoder, firstWindow } = options;
  const labels = layerLabels(inputs.saes);
  for (const [index, entry] of inputs.saes.entries()) {
    // One SAE's weights at a time: the encoder holds its own copy, so these go before the next SAE is read.
    const encoder = await createEncoder(openRunSae(entry, inputs.model.config));
    const accumulator = new SaeAccumulator({
      hook: encoder.params.hook,
      inputSize: encoder.params.inputSize,
      featureCount: encoder.params.featureCount,
      context: inputs.plan.context,
      quantileBuckets: settings.quantileBuckets,
      relativeAccuracy: settings.quantileAccuracy,
      withLosses: settings.ce,
      examples: settings.examples,
      firstWindow,
    });
    layers.push({ index, label: labels[index], encoder, accumulator });
  }
}

interface Pass {
  inputs: RunInputs;
  layers: Layer[];
  settings: RunSettings;
  clock: PhaseClock;
  /** Windows the run will use: the requested samples, or all the dataset holds when that is fewer. */
  windows: number;
  /** The windows this process folds: all of them, or a shard's block. */
  block: WindowBlock;
}

/** Counts the windows before the first forward, so bars end where the run does and a short dataset is said at once. */
function countUsableWindows(inputs: RunInputs, settings: RunSettings, progress: ProgressSink): number {
  const windows = countWindows(inputs.source, inputs.tokenizer, inputs.plan);
  const context = `${inputs.plan.context} tokens`;
  if (windows < settings.samples) {
    progress.stage(`Warning: ${basename(settings.dataset)} holds ${windows} windows of ${context}; using ${windows} of the ${settings.samples} requested.`);
  } else {
    progress.stage(`Using ${windows} windows of ${context}.`);
  }
  return windows;
}

/** Returns the number of windows used. */
async function foldWindows(pass: Pass, context: FoldContext): Promise<number> {
  const { inputs, layers } = pass;
  const total = pass.block.end - pass.block.first;
  let windows = 0;
  for (const layer of layers) context.progress.bar(layer.label, 0, total);
  const block = context.shard ? pass.block : undefined;
  for (const batch of windowBatches(inputs.source, inputs.tokenizer, inputs.plan, block)) {
    throwIfCancelled(context.cancel);
    await foldBatch(pass, batch);
    windows += batch.batch;
    for (const layer of layers) context.progress.bar(layer.label, windows, total);
  }
  return windows;
}

/** One forward captures every SAE's hook; each hook's SAEs then encode, fold and (with CE) run their two edited forwards. */
async function foldBatch({ inputs, layers, settings, clock }: Pass, batch: WindowBatch): Promise<void> {
  const hooks = [...new Set(layers.map((layer) => layer.encoder.params.hook))];
  const clean = await clock.time('model', () => inputs.model.forward(batch, { capture: hooks, losses: settings.ce }));
  for (const hook of hooks) {
    const activation = captured(clean, hook);
    // Each hook's activations go as soon as its SAEs have them, so one batch holds one hook at a time.
    clean.activations.delete(hook);
    for (const layer of layers.filter((candidate) => candidate.encoder.params.hook === hook)) {
      const encoded = await clock.time('encode', () => layer.encoder.encode(activation, batch.batch * batch.sequence));
      await clock.time('accumulate', () => layer.accumulator.addEncoded(encoded, batch));
      if (!settings.ce) continue;
      const losses = await clock.time('model', () => editedLosses(inputs.model, batch, { hook, activation, encoded, clean: clean.losses }));
      layer.accumulator.addLosses(losses, batch);
    }
  }
}

function captured(result: ForwardResult, hook: string): Float32Array {
  const activation = result.activations.get(hook);
  if (!activation) throw new Error(`The model forward did not capture ${hook}.`);
  return activation;
}

interface Splice {
  hook: string;
  activation: Float32Array;
  encoded: EncodedBatch;
  clean: Float32Array | undefined;
}

/** Losses with the hook replaced by the reconstruction, then by zeros, at every position (BOS included). */
async function editedLosses(model: LanguageModel, batch: WindowBatch, splice: Splice): Promise<BatchLosses> {
  if (!splice.clean) throw new Error('The model forward returned no losses.');
  const reconstruction = originalSpace(splice.activation, splice.encoded);
  const forward = async (replacement: Float32Array) => {
    const result = await model.forward(batch, { capture: [], losses: true, edit: { hooks: [splice.hook], apply: () => replacement } });
    if (!result.losses) throw new Error('The model forward returned no losses.');
    return result.losses;
  };
  const spliced = await forward(reconstruction);
  const zero = await forward(new Float32Array(splice.activation.length));
  return { clean: splice.clean, spliced, zero };
}

/** x̂ lives where the SAE's input does (centred when centerInput): add back what encoding removed, x − input. */
function originalSpace(activation: Float32Array, encoded: EncodedBatch): Float32Array {
  const result = new Float32Array(activation.length);
  const { input, reconstruction } = encoded;
  for (let i = 0; i < result.length; i++) result[i] = reconstruction[i] + (activation[i] - input[i]);
  return result;
}

function describeRun(settings: RunSettings, inputs: RunInputs, samples: number): RunDescription {
  return { model: settings.model, dataset: settings.dataset, samples, context: inputs.plan.context, packing: settings.packing };
}

/** Stores one family at a time, each announced only once it is written; returns the windows its examples point at. */
export function storeLayer(layer: Omit<Layer, 'encoder'>, context: Pick<RunContext, 'store' | 'progress'>): Set<number> {
  const { store, progress } = context;
  const features = layer.accumulator.features();
  store.saveSae(layer.index, layer.accumulator.identity());
  store.saveFeatures(layer.index, features);
  const pages = layer.accumulator.pages(features);
  store.saveFeaturePages(layer.index, pages);
  progress.stage(`${layer.label} - Computed and stored feature-level stats`);
  store.savePositions(layer.index, layer.accumulator.positions());
  progress.stage(`${layer.label} - Computed and stored position-level stats`);
  store.saveSummary(layer.index, layer.accumulator.summary(features));
  progress.stage(`${layer.label} - Computed and stored summary stats`);
  return windowsOfExamples([pages.examples]);
}

interface WindowRequest {
  inputs: RunInputs;
  settings: RunSettings;
  referenced: ReadonlySet<number>;
}

/** Stores, once per run, the tokens of every window an example points at. */
function storeExampleWindows({ inputs, settings, referenced }: WindowRequest, context: RunContext): void {
  const windows = collectWindowTokens(inputs, referenced);
  context.store.saveExampleWindows({ perFeature: settings.examples, windows });
  if (windows.size > 0) context.progress.stage(`Stored the tokens of ${windows.size} example windows`);
}
