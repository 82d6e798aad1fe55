import type * as ort from 'onnxruntime-node';
import { chooseDevice } from '../onnx/devices.js';
import { GraphBuilder } from '../onnx/graph.js';
import { createSession, floatTensor, tensorFloats } from '../onnx/session.js';
import type { Device } from '../../shared/settings/run-settings.js';
import { LAYER_NORM_EPSILON } from './reference.js';
import { describeSae, type EncodedBatch, type SaeDescription, type SaeEncoder, type SaeParams } from './types.js';

const TENSORS = { activations: 'activations', input: 'input', features: 'features', reconstruction: 'reconstruction' } as const;

/** How the scaled input maps back to the original scale once decoded. */
type Restore = (graph: GraphBuilder, output: string) => string;

/** Encodes and decodes in one onnxruntime session, for every architecture and option SaeParams can hold. */
export async function createSaeEncoder(params: SaeParams, options: { device: Device }): Promise<SaeEncoder> {
  const { provider } = await chooseDevice(options.device);
  const session = await createSession(encoderGraph(params).toBytes(), provider);
  // The session holds its own copy of the weights; keeping only the description lets the caller's arrays go.
  const description = describeSae(params);
  return {
    params: description,
    encode: (x, rows) => encodeRows(session, description, x, rows),
    dispose: () => session.release(),
  };
}

async function encodeRows(session: ort.InferenceSession, params: SaeDescription, x: Float32Array, rows: number): Promise<EncodedBatch> {
  if (x.length !== rows * params.inputSize) throw new Error(`Expected ${rows}×${params.inputSize} activations, got ${x.length} values.`);
  const outputs = await session.run({ [TENSORS.activations]: floatTensor(x, [rows, params.inputSize]) });
  return {
    input: params.centerInput ? tensorFloats(outputs[TENSORS.input], TENSORS.input) : x,
    features: tensorFloats(outputs[TENSORS.features], TENSORS.features),
    reconstruction: tensorFloats(outputs[TENSORS.reconstruction], TENSORS.reconstruction),
  };
}

function encoderGraph(params: SaeParams): GraphBuilder {
  const graph = new GraphBuilder(`sae ${params.hook}`);
  const activations = graph.input(TENSORS.activations, 'float', ['rows', params.inputSize]);
  const centred = params.centerInput ? graph.node('Sub', [activations, rowMean(graph, activations)], undefined, { output: TENSORS.input }) : activations;
  const { scaled, restore } = normalize(graph, centred, params);
  const bias = graph.weight('decoder_bias', [params.inputSize], () => params.decoderBias);
  const input = params.subtractDecoderBias ? graph.node('Sub', [scaled, bias]) : scaled;
  const decoderNorms = params.rescaleByDecoderNorm ? graph.weight('decoder_norms', [params.featureCount], () => decoderRowNorms(params)) : undefined;
  const features = encode(graph, { params, input, decoderNorms });
  const decoded = decode(graph, { params, features, decoderNorms, bias });
  graph.node('Identity', [restore(graph, decoded)], undefined, { output: TENSORS.reconstruction });
  if (params.centerInput) graph.output(TENSORS.input, 'float', ['rows', params.inputSize]);
  graph.output(TENSORS.features, 'float', ['rows', params.featureCount]);
  graph.output(TENSORS.reconstruction, 'float', ['rows', params.inputSize]);
  return graph;
}

function rowMean(graph: GraphBuilder, x: string): string {
  return graph.node('ReduceMean', [x, graph.int64s([-1])], { keepdims: 1 });
}

function normalize(graph: GraphBuilder, x: string, params: SaeParams): { scaled: string; restore: Restore } {
  if (params.normalization === 'constant_norm_rescale') {
    const norm = graph.node('ReduceL2', [x, graph.int64s([-1])], { keepdims: 1 });
    const coefficient = graph.node('Div', [graph.floats([Math.sqrt(params.inputSize)], []), norm]);
    return { scaled: graph.node('Mul', [x, coefficient]), restore: (g, output) => g.node('Div', [output, coefficient]) };
  }
  if (params.normalization === 'layer_norm') {
    const mean = rowMean(graph, x);
    const offsets = graph.node('Sub', [x, mean]);
    const deviation = sampleDeviation(graph, offsets, params.inputSize);
    const scaled = graph.node('Div', [offsets, graph.node('Add', [deviation, graph.floats([LAYER_NORM_EPSILON], [])])]);
    return { scaled, restore: (g, output) => g.node('Add', [g.node('Mul', [output, deviation]), mean]) };
  }
  return { scaled: x, restore: (_, output) => output };
}

/** torch.std, which SAELens calls, divides by n − 1. */
function sampleDeviation(graph: GraphBuilder, offsets: string, size: number): string {
  const squares = graph.node('ReduceSum', [graph.node('Mul', [offsets, offsets]), graph.int64s([-1])], { keepdims: 1 });
  return graph.node('Sqrt', [graph.node('Div', [squares, graph.floats([size - 1], [])])]);
}

interface EncodeStep {
  params: SaeParams;
  input: string;
  decoderNorms: string | undefined;
}

function encode(graph: GraphBuilder, step: EncodeStep): string {
  const { params } = step;
  const projected = graph.node('MatMul', [step.input, graph.weight('encoder_weights', [params.inputSize, params.featureCount], () => params.encoderWeights)]);
  if (params.architecture === 'gated') return gatedFeatures(graph, projected, params);
  const biased = graph.node('Add', [projected, featureVector(graph, 'encoder_bias', params.encoderBias, params)]);
  const pre = step.decoderNorms ? graph.node('Mul', [biased, step.decoderNorms]) : biased;
  return activate(graph, pre, params);
}

function activate(graph: GraphBuilder, pre: string, params: SaeParams): string {
  const output = { output: TENSORS.features };
  const relu = graph.node('Relu', [pre]);
  switch (params.architecture) {
    case 'standard':
      return graph.node('Identity', [relu], undefined, output);
    case 'jumprelu':
      return keepAbove(graph, { value: relu, compared: pre, threshold: threshold(graph, params) });
    case 'batchtopk':
      return keepAbove(graph, { value: relu, compared: relu, threshold: threshold(graph, params) });
    case 'topk':
      return keepLargest(graph, pre, requireK(params));
    default:
      throw new Error(`No ONNX encoder for architecture '${params.architecture}'.`);
  }
}

/** value · [compared > threshold]. */
function keepAbove(graph: GraphBuilder, terms: { value: string; compared: string; threshold: string }): string {
  const open = graph.node('Greater', [terms.compared, terms.threshold]);
  return graph.node('Where', [open, terms.value, graph.floats([0], [])], undefined, { output: TENSORS.features });
}

/** The k largest pre-activations, relu'd, scattered back into a zero row; TopK breaks ties toward the lower index. */
function keepLargest(graph: GraphBuilder, pre: string, k: number): string {
  const [values, indices] = graph.nodeOutputs('TopK', [pre, graph.int64s([k])], 2, { axis: -1, largest: 1, sorted: 1 });
  const zeros = graph.node('ConstantOfShape', [graph.node('Shape', [pre])]);
  return graph.node('ScatterElements', [zeros, indices!, graph.node('Relu', [values!])], { axis: -1 }, { output: TENSORS.features });
}

function gatedFeatures(graph: GraphBuilder, projected: string, params: SaeParams): string {
  const { gateBias, magnitudeBias, magnitudeScale } = params;
  if (!gateBias || !magnitudeBias || !magnitudeScale) throw new Error('A gated SAE needs gateBias, magnitudeBias and magnitudeScale.');
  const open = graph.node('Greater', [graph.node('Add', [projected, featureVector(graph, 'gate_bias', gateBias, params)]), graph.floats([0], [])]);
  const scale = featureVector(graph, 'magnitude_scale', magnitudeScale.map(Math.exp), params);
  const magnitude = graph.node('Relu', [graph.node('Add', [graph.node('Mul', [projected, scale]), featureVector(graph, 'magnitude_bias', magnitudeBias, params)])]);
  return graph.node('Where', [open, magnitude, graph.floats([0], [])], undefined, { output: TENSORS.features });
}

interface DecodeStep {
  params: SaeParams;
  features: string;
  decoderNorms: string | undefined;
  bias: string;
}

function decode(graph: GraphBuilder, step: DecodeStep): string {
  const { params } = step;
  const features = step.decoderNorms ? graph.node('Div', [step.features, step.decoderNorms]) : step.features;
  const weights = graph.weight('decoder_weights', [params.featureCount, params.inputSize], () => params.decoderWeights);
  return graph.node('Add', [graph.node('MatMul', [features, weights]), step.bias]);
}

function featureVector(graph: GraphBuilder, name: string, values: Float32Array, params: SaeParams): string {
  if (values.length !== params.featureCount) throw new Error(`${name} has ${values.length} values for ${params.featureCount} features.`);
  return graph.weight(name, [params.featureCount], () => values);
}

/** A scalar threshold (dictionary_learning's BatchTopK) broadcasts; a per-feature one is a vector. */
function threshold(graph: GraphBuilder, params: SaeParams): string {
  if (!params.threshold) throw new Error(`A ${params.architecture} SAE needs a threshold.`);
  const values = params.threshold;
  return graph.weight('threshold', values.length === 1 ? [] : [params.featureCount], () => values);
}

function requireK(params: SaeParams): number {
  if (params.k === undefined || params.k < 1) throw new Error('A topk SAE needs k of at least 1.');
  return Math.min(params.k, params.featureCount);
}

function decoderRowNorms(params: SaeParams): Float32Array {
  const { inputSize, featureCount, decoderWeights } = params;
  const norms = new Float32Array(featureCount);
  for (let feature = 0; feature < featureCount; feature++) {
    let squares = 0;
    for (let d = 0; d < inputSize; d++) squares += decoderWeights[feature * inputSize + d]! ** 2;
    norms[feature] = Math.sqrt(squares);
  }
  return norms;
}
