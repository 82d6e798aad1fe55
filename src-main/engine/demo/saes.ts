import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hookName } from '../../shared/hooks.js';
import { inspectModelFolder, matchModelFolder, readModelFolder } from '../model/folder.js';
import { openModel } from '../model/open.js';
import { referenceForward } from '../model/reference.js';
import { transpose } from '../sae/files.js';
import { writeSaeLensSae } from '../sae/formats/saelens.js';
import type { SaeArchitecture, SaeParams } from '../sae/types.js';
import { buildDemoRows } from './dataset.js';
import { DEMO_MODEL_SETTINGS } from './model.js';
import { normalSampler } from './random.js';

export const DEMO_SAES_FOLDER = 'resources/demo/saes';
/** What the demo SAEs in a folder were made from; a different recipe makes ensureDemoSaes write them again. */
export const DEMO_RECIPE_FILE = 'demo-saes.json';
const DEMO_LAYER_FOLDER = /^blocks\.\d+\.hook_resid_pre$/;

export interface DemoSaeOptions {
  layers: number;
  width: number;
  featureCount: number;
  seed: number;
  /** Firing rates of the sparsest and densest features; each feature gets one between them, log-uniformly. */
  densityRange?: readonly [number, number];
  contextSize?: number;
  /** Activations [rows, width] at each layer's hook to fit b_dec and thresholds to; without them inputs are taken as isotropic. */
  samples?: (layer: number) => Float32Array;
  /** Isotropic rows drawn per layer when there are no samples. */
  syntheticRows?: number;
  /** Written to each cfg.json; GPT-2 by default. */
  modelName?: string;
  /** Whether the SAEs centre their input (TransformerLens on GPT-2); SAEs of other families read raw activations. */
  centerInput?: boolean;
}

/** 512 features per layer keeps a 12-layer demo run on the CPU well under a minute. */
export const DEMO_SAE_SETTINGS = {
  featureCount: 512,
  seed: 4242,
  densityRange: [0.002, 0.08] as const,
  contextSize: 128,
  /** Windows of the demo dataset run through the demo model to fit the SAEs to its activations. */
  calibrationWindows: 12,
  /** Isotropic rows drawn per layer when there is no model to calibrate on. */
  syntheticRows: 2048,
};

// Mostly standard SAEs, with a jumprelu and a top-k layer in every four so each formula shows up in the demo.
const ARCHITECTURE_CYCLE: readonly SaeArchitecture[] = ['standard', 'jumprelu', 'standard', 'topk'];

/** Writes one SAELens folder per layer (blocks.L.hook_resid_pre), deterministic for given options and samples. */
export function writeDemoSaes(dir: string, options: DemoSaeOptions): string[] {
  return Array.from({ length: options.layers }, (_, layer) => {
    const folder = join(dir, demoHook(layer));
    writeSaeLensSae(folder, demoSaeParams(layer, options));
    return folder;
  });
}

/** Writes the demo SAEs unless dir holds them from the same recipe, fitted to the demo model beside them when it exists. */
export function ensureDemoSaes(dir = DEMO_SAES_FOLDER, modelDir = join(dirname(dir), 'model')): string {
  const calibrated = matchModelFolder(modelDir);
  const recipe = JSON.stringify({ saes: DEMO_SAE_SETTINGS, model: calibrated ? DEMO_MODEL_SETTINGS : null }, null, 2);
  if (recipeIsCurrent(dir, recipe)) return dir;
  const samples = calibrated ? demoActivationSamples(modelDir, DEMO_SAE_SETTINGS.calibrationWindows) : undefined;
  replaceDemoSaes(dir, recipe, { ...DEMO_SAE_SETTINGS, layers: DEMO_MODEL_SETTINGS.layers, width: DEMO_MODEL_SETTINGS.width, samples });
  return dir;
}

/** The same for a generated model of another family, fitted to its ONNX forward. */
export async function ensureFamilyDemoSaes(dir: string, model: { dir: string; recipe: unknown }): Promise<string> {
  const recipe = JSON.stringify({ saes: DEMO_SAE_SETTINGS, model: model.recipe }, null, 2);
  if (recipeIsCurrent(dir, recipe)) return dir;
  const { layers, d_model: width } = inspectModelFolder(model.dir);
  const calibration = await modelCalibration(model.dir, DEMO_SAE_SETTINGS.calibrationWindows);
  replaceDemoSaes(dir, recipe, { ...DEMO_SAE_SETTINGS, layers: Number(layers), width: Number(width), ...calibration });
  return dir;
}

function recipeIsCurrent(dir: string, recipe: string): boolean {
  const recipeFile = join(dir, DEMO_RECIPE_FILE);
  return existsSync(recipeFile) && readFileSync(recipeFile, 'utf8') === recipe;
}

function replaceDemoSaes(dir: string, recipe: string, options: DemoSaeOptions): void {
  removeDemoLayers(dir);
  writeDemoSaes(dir, options);
  // The recipe goes last, so an interrupted write is redone rather than trusted.
  writeFileSync(join(dir, DEMO_RECIPE_FILE), recipe);
}

/** Only the layer folders this module writes, so a wrong dir never loses anything else. */
function removeDemoLayers(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (DEMO_LAYER_FOLDER.test(name)) rmSync(join(dir, name), { recursive: true });
}

function demoHook(layer: number): string {
  return hookName({ layer, kind: 'hook_resid_pre' });
}

/** Tied SAEs on random unit directions, fitted to the samples (or to isotropic noise) by fitDirections. */
function demoSaeParams(layer: number, options: DemoSaeOptions): SaeParams {
  const { width, featureCount } = options;
  const fit = fitDirections(layer, options);
  const architecture = ARCHITECTURE_CYCLE[layer % ARCHITECTURE_CYCLE.length];
  return {
    format: 'saelens',
    architecture,
    source: `demo layer ${layer}`,
    hook: demoHook(layer),
    inputSize: width,
    featureCount,
    encoderWeights: transpose(fit.decoderWeights, featureCount, width),
    // Standard and top-k features fire by how far they clear their threshold; jumprelu keeps the whole projection.
    encoderBias: architecture === 'jumprelu' ? new Float32Array(featureCount) : fit.thresholds.map((value) => -value),
    decoderWeights: fit.decoderWeights,
    decoderBias: fit.decoderBias,
    threshold: architecture === 'jumprelu' ? fit.thresholds : undefined,
    k: architecture === 'topk' ? Math.max(1, Math.round(fit.meanDensity * featureCount)) : undefined,
    subtractDecoderBias: true,
    normalization: 'constant_norm_rescale',
    rescaleByDecoderNorm: false,
    centerInput: options.centerInput ?? true,
    contextSize: options.contextSize ?? DEMO_SAE_SETTINGS.contextSize,
    modelName: options.modelName ?? 'sae-studio-demo-gpt2',
    prependBos: true,
  };
}

/** Random unit directions; b_dec is the mean normalised input and each threshold the projection quantile giving its density. */
function fitDirections(layer: number, options: DemoSaeOptions) {
  const { width, featureCount } = options;
  const random = normalSampler(options.seed + layer * 7919);
  const decoderWeights = unitRows(featureCount, width, random);
  const samples = options.samples?.(layer) ?? gaussianRows(options.syntheticRows ?? DEMO_SAE_SETTINGS.syntheticRows, width, random);
  const rows = normalizedRows(samples, { width, center: options.centerInput ?? true });
  const decoderBias = columnMeans(rows, width);
  const densities = logUniform(featureCount, options.densityRange ?? DEMO_SAE_SETTINGS.densityRange, random);
  const thresholds = projectionQuantiles({ rows, decoderBias, decoderWeights, width }, densities);
  const meanDensity = densities.reduce((total, density) => total + density, 0) / featureCount;
  return { decoderWeights, decoderBias, thresholds, meanDensity };
}

/** Each layer's resid_pre over packed windows of the demo dataset, BOS rows left out, from the float64 reference forward. */
export function demoActivationSamples(modelDir: string, windows: number): (layer: number) => Float32Array {
  const { config, weights, tokenizer } = readModelFolder(modelDir);
  try {
    const context = DEMO_SAE_SETTINGS.contextSize;
    const stream = buildDemoRows().flatMap((row) => [...tokenizer.encode(row.text), config.eosTokenId]);
    const perLayer = Array.from({ length: config.layerCount }, () => new Float32Array(windows * (context - 1) * config.modelWidth));
    for (let window = 0; window < windows; window++) {
      const tokens = [config.bosTokenId, ...stream.slice(window * (context - 1), (window + 1) * (context - 1))];
      const { hooks } = referenceForward(config, weights, tokens, { logits: false });
      perLayer.forEach((samples, layer) => {
        hooks.get(demoHook(layer))!.slice(1).forEach((row, t) => samples.set(row, (window * (context - 1) + t) * config.modelWidth));
      });
    }
    return (layer) => perLayer[layer];
  } finally {
    weights.close();
  }
}

/** What fitting SAEs to a model's activations takes from it: samples per layer, the model's name, and whether to centre. */
export type ModelCalibration = Pick<DemoSaeOptions, 'samples' | 'modelName' | 'centerInput'>;

/** GPT-2 calibrates on the float64 reference as before; the other families on their ONNX forward. */
export async function modelCalibration(modelDir: string, windows: number): Promise<ModelCalibration> {
  const family = String(inspectModelFolder(modelDir).architecture);
  if (family === 'gpt2') return { samples: demoActivationSamples(modelDir, windows) };
  return { samples: await onnxActivationSamples(modelDir, windows), modelName: `sae-studio-demo-${family}`, centerInput: false };
}

/** Each layer's resid_pre over packed windows of the demo dataset, BOS rows left out, from the model's ONNX forward. */
async function onnxActivationSamples(modelDir: string, windows: number): Promise<(layer: number) => Float32Array> {
  const { model, tokenizer } = await openModel(modelDir, { device: 'cpu', ablation: 'none' });
  try {
    const { bosTokenId, eosTokenId, layerCount, modelWidth, contextLength } = model.config;
    const context = Math.min(DEMO_SAE_SETTINGS.contextSize, contextLength);
    const stream = buildDemoRows().flatMap((row) => [...tokenizer.encode(row.text), eosTokenId]);
    const ids = Int32Array.from({ length: windows * context }, (_, index) => {
      const [window, position] = [Math.floor(index / context), index % context];
      return position === 0 ? bosTokenId : stream[window * (context - 1) + position - 1]!;
    });
    const hooks = Array.from({ length: layerCount }, (_, layer) => demoHook(layer));
    const { activations } = await model.forward({ ids, batch: windows, sequence: context }, { capture: hooks });
    const perLayer = hooks.map((hook) => withoutBosRows(activations.get(hook)!, { windows, context, width: modelWidth }));
    return (layer) => perLayer[layer]!;
  } finally {
    await model.dispose();
  }
}

function withoutBosRows(values: Float32Array, shape: { windows: number; context: number; width: number }): Float32Array {
  const { windows, context, width } = shape;
  const kept = new Float32Array(windows * (context - 1) * width);
  for (let window = 0; window < windows; window++) {
    kept.set(values.subarray((window * context + 1) * width, (window + 1) * context * width), window * (context - 1) * width);
  }
  return kept;
}

/** Rows (centred on their own mean when the SAE centres) scaled to norm √width: what the encoder feeds a constant_norm_rescale SAE. */
function normalizedRows(samples: Float32Array, shape: { width: number; center: boolean }): Float32Array {
  const { width } = shape;
  const rows = new Float32Array(samples.length);
  for (let start = 0; start < samples.length; start += width) {
    const row = samples.subarray(start, start + width);
    const mean = shape.center ? row.reduce((total, value) => total + value, 0) / width : 0;
    const norm = Math.sqrt(row.reduce((total, value) => total + (value - mean) ** 2, 0));
    for (let i = 0; i < width; i++) rows[start + i] = ((row[i] - mean) * Math.sqrt(width)) / norm;
  }
  return rows;
}

function columnMeans(rows: Float32Array, width: number): Float32Array {
  const sums = new Float64Array(width);
  for (let i = 0; i < rows.length; i++) sums[i % width] += rows[i];
  return Float32Array.from(sums, (sum) => sum / (rows.length / width));
}

/** Per feature: the projection of (row − b_dec) on its direction that only `density` of the rows exceed. */
function projectionQuantiles(fit: { rows: Float32Array; decoderBias: Float32Array; decoderWeights: Float32Array; width: number }, densities: Float64Array): Float32Array {
  const { rows, decoderBias, decoderWeights, width } = fit;
  const count = rows.length / width;
  const projections = new Float64Array(count);
  return Float32Array.from(densities, (density, feature) => {
    const direction = decoderWeights.subarray(feature * width, (feature + 1) * width);
    for (let row = 0; row < count; row++) {
      let dot = 0;
      for (let i = 0; i < width; i++) dot += (rows[row * width + i] - decoderBias[i]) * direction[i];
      projections[row] = dot;
    }
    projections.sort();
    return projections[Math.min(count - 1, Math.floor((1 - density) * count))];
  });
}

function logUniform(count: number, [low, high]: readonly [number, number], random: () => number): Float64Array {
  // Evenly spaced in log density and shuffled over features, so every layer shows the whole range.
  const order = Array.from({ length: count }, (_, i) => ({ i, key: random() })).sort((a, b) => a.key - b.key);
  const result = new Float64Array(count);
  order.forEach(({ i }, rank) => (result[i] = low * (high / low) ** ((rank + 0.5) / count)));
  return result;
}

function gaussianRows(count: number, width: number, random: () => number): Float32Array {
  return Float32Array.from({ length: count * width }, () => random());
}

function unitRows(rows: number, columns: number, random: () => number): Float32Array {
  const data = gaussianRows(rows, columns, random);
  for (let row = 0; row < rows; row++) {
    const slice = data.subarray(row * columns, (row + 1) * columns);
    const norm = Math.sqrt(slice.reduce((total, value) => total + value * value, 0));
    for (let i = 0; i < columns; i++) slice[i] /= norm;
  }
  return data;
}
