import { throwIfCancelled, type CancelSignal, type ProgressSink } from '../progress.js';
import { windowBatches, type WindowBatch } from '../stats/windows.js';
import type { ResidualStats } from '../../shared/residual.js';
import type { ResidualSettings } from '../../shared/settings/residual-settings.js';
import { lensRows, ResidualAccumulator } from './accumulator.js';
import { openResidualInputs, type ResidualInputs } from './inputs.js';
import { residualPoints } from './points.js';

export interface ResidualContext {
  progress: ProgressSink;
  cancel?: CancelSignal;
}

/** The progress bar's label: the run has one bar, over windows. */
export const RESIDUAL_BAR = 'Residual stream';

/** Streams `samples` windows through the model one batch at a time and reduces every residual point into the spec's statistics. */
export async function runResidual(settings: ResidualSettings, context: ResidualContext): Promise<ResidualStats> {
  const inputs = await openResidualInputs(settings);
  try {
    const { config } = inputs.model;
    const layers = residualPoints(config.layerCount);
    const accumulator = new ResidualAccumulator({ pointCount: layers.length, context: inputs.plan.context, modelWidth: config.modelWidth });
    const samples = await foldWindows({ inputs, layers, accumulator, settings }, context);
    const { model, packing, ablate } = settings;
    const stats = { run: { model, samples, context: inputs.plan.context, packing, ablate }, layers, ...accumulator.result() };
    context.progress.stage(`Computed norms, cosines and massive dims at ${layers.length} residual points`);
    if (settings.logitLens) context.progress.stage('Computed the logit lens at every residual point');
    return stats;
  } finally {
    await inputs.model.dispose();
  }
}

interface Pass {
  inputs: ResidualInputs;
  layers: string[];
  accumulator: ResidualAccumulator;
  settings: ResidualSettings;
}

/** Returns the number of windows used. */
async function foldWindows(pass: Pass, context: ResidualContext): Promise<number> {
  const { inputs, settings } = pass;
  let windows = 0;
  for (const batch of windowBatches(inputs.source, inputs.tokenizer, inputs.plan)) {
    throwIfCancelled(context.cancel);
    await foldBatch(pass, batch);
    windows += batch.batch;
    context.progress.bar(RESIDUAL_BAR, windows, settings.samples);
  }
  if (windows < settings.samples) context.progress.bar(RESIDUAL_BAR, windows, windows);
  return windows;
}

/** One forward captures every residual point; the batch's points are dropped once folded. */
async function foldBatch({ inputs, layers, accumulator, settings }: Pass, batch: WindowBatch): Promise<void> {
  const { activations } = await inputs.model.forward(batch, { capture: layers });
  const points = layers.map((layer) => activations.get(layer)!);
  accumulator.addBatch(points, batch);
  if (!settings.logitLens) return;
  const rows = lensRows(batch);
  if (rows.length === 0) return;
  accumulator.addLens(await inputs.model.logitLens({ points, rows, top: 0 }), rows.length);
}
