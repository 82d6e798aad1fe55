import { InputError } from '../../shared/errors.js';
import { parseHookName } from '../../shared/hooks.js';
import { INSPECT_TOP_FEATURES, INSPECT_TOP_TOKENS, type InspectedSae, type TextInspection } from '../../shared/residual.js';
import type { Device } from '../../shared/settings/run-settings.js';
import { openModel } from '../model/open.js';
import type { LanguageModel, LensResult, TextTokenizer } from '../model/types.js';
import { throwIfCancelled, type CancelSignal } from '../progress.js';
import { createSaeEncoder } from '../sae/onnx-encoder.js';
import { listSaes, openSae } from '../sae/registry.js';
import type { SaeEncoder, SaeParams } from '../sae/types.js';
import { residualPoints } from './points.js';

export interface InspectRequest {
  model: string;
  text: string;
  /** SAE folders or files; those on a residual point are read at that point. */
  saes: string[];
  device: Device;
}

export interface InspectContext {
  cancel?: CancelSignal;
  /** Defaults to the fast ONNX encoder; tests pass the float64 reference. */
  createEncoder?: (params: SaeParams) => Promise<SaeEncoder>;
}

/** One text through the model: every residual point's norms and logit-lens top tokens, and each residual SAE's top features. */
export async function inspectText(request: InspectRequest, context: InspectContext = {}): Promise<TextInspection> {
  const { model, tokenizer } = await openModel(request.model, { device: request.device, ablation: 'none' });
  try {
    const ids = textTokens(tokenizer, request.text, model);
    const layers = residualPoints(model.config.layerCount);
    const { activations } = await model.forward({ ids: Int32Array.from(ids), batch: 1, sequence: ids.length }, { capture: layers });
    const points = layers.map((layer) => activations.get(layer)!);
    throwIfCancelled(context.cancel);
    const lens = await model.logitLens({ points, top: INSPECT_TOP_TOKENS });
    const saes = await inspectSaes(request.saes, { points, positions: ids.length, layerCount: model.config.layerCount, context, device: request.device });
    const tokens = ids.map((id) => ({ id, text: tokenizer.decode([id]) }));
    return { model: request.model, tokens, layers, norms: points.map((point) => rowNorms(point, model.config.modelWidth)), ...lensLists(lens, { pointCount: layers.length, positions: ids.length, tokenizer }), saes };
  } finally {
    await model.dispose();
  }
}

/** BOS then the text's tokens, no more than the model's context. */
function textTokens(tokenizer: TextTokenizer, text: string, model: LanguageModel): number[] {
  const ids = [model.config.bosTokenId, ...tokenizer.encode(text)];
  if (ids.length === 1) throw new InputError('The text gives no tokens: type or paste some text to inspect.');
  const limit = model.config.contextLength;
  if (ids.length > limit) throw new InputError(`The text gives ${ids.length - 1} tokens; with BOS the model takes at most ${limit}.`);
  return ids;
}

function rowNorms(point: Float32Array, width: number): number[] {
  return Array.from({ length: point.length / width }, (_, row) => {
    let total = 0;
    for (let i = row * width; i < (row + 1) * width; i++) total += point[i]! * point[i]!;
    return Math.sqrt(total);
  });
}

function lensLists(lens: LensResult, shape: { pointCount: number; positions: number; tokenizer: TextTokenizer }) {
  const k = INSPECT_TOP_TOKENS;
  const cells = <T>(read: (offset: number) => T) =>
    Array.from({ length: shape.pointCount }, (_, point) => Array.from({ length: shape.positions }, (_, row) => read((point * shape.positions + row) * k)));
  return {
    lensTokens: cells((offset) => Array.from(lens.topTokens.subarray(offset, offset + k))),
    lensTexts: cells((offset) => Array.from(lens.topTokens.subarray(offset, offset + k), (id) => shape.tokenizer.decode([id]))),
    lensProbabilities: cells((offset) => Array.from(lens.topProbabilities.subarray(offset, offset + k))),
  };
}

/** The residual point an SAE's hook reads, or undefined for a hook off the residual stream. */
export function residualPointOf(hook: string, layerCount: number): number | undefined {
  const { layer, kind } = parseHookName(hook);
  if (kind === 'hook_resid_pre') return layer;
  if (kind === 'hook_resid_post' && layer < layerCount) return layer + 1;
  return undefined;
}

interface SaePass {
  points: Float32Array[];
  positions: number;
  layerCount: number;
  context: InspectContext;
  device: Device;
}

/** One SAE at a time: its weights go once its features at every position are ranked. */
async function inspectSaes(paths: string[], pass: SaePass): Promise<InspectedSae[]> {
  const entries = paths.flatMap((path) => listSaes(path)).filter((entry) => residualPointOf(entry.hook, pass.layerCount) !== undefined);
  const inspected: InspectedSae[] = [];
  for (const entry of entries) {
    throwIfCancelled(pass.context.cancel);
    const params = openSae(entry.path);
    const encoder = await (pass.context.createEncoder ?? ((each: SaeParams) => createSaeEncoder(each, { device: pass.device })))(params);
    try {
      const point = residualPointOf(params.hook, pass.layerCount)!;
      const { features } = await encoder.encode(pass.points[point]!, pass.positions);
      inspected.push({ source: entry.path, hook: params.hook, point, ...topFeatures(features, params.featureCount) });
    } finally {
      await encoder.dispose();
    }
  }
  return inspected;
}

/** Per position, the most active features (f > 0 only), largest first. */
export function topFeatures(features: Float32Array, featureCount: number): { features: number[][]; activations: number[][] } {
  const positions = features.length / featureCount;
  const ranked = Array.from({ length: positions }, (_, row) => {
    const values = features.subarray(row * featureCount, (row + 1) * featureCount);
    const order = Array.from({ length: featureCount }, (_, feature) => feature).filter((feature) => values[feature]! > 0);
    return order.sort((a, b) => values[b]! - values[a]! || a - b).slice(0, INSPECT_TOP_FEATURES).map((feature) => ({ feature, value: values[feature]! }));
  });
  return { features: ranked.map((row) => row.map((entry) => entry.feature)), activations: ranked.map((row) => row.map((entry) => entry.value)) };
}
