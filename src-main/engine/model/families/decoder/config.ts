import type { ModelConfig } from '../../types.js';

/** Llama 3.1's rope_scaling of type llama3: long wavelengths slowed by `factor`, a smooth ramp between the two cut-offs. */
export interface Llama3Scaling {
  factor: number;
  lowFrequencyFactor: number;
  highFrequencyFactor: number;
  originalContextLength: number;
}

export interface RotaryConfig {
  base: number;
  /** Leading dimensions of each head that rotate (GPT-NeoX's rotary_pct); the rest pass through. */
  dimensions: number;
  llama3?: Llama3Scaling;
}

/** What Llama, Gemma 2 and GPT-NeoX share beyond ModelConfig: rotary attention with grouped keys and values. */
export interface DecoderConfig extends ModelConfig {
  keyValueHeadCount: number;
  headSize: number;
  mlpWidth: number;
  rotary: RotaryConfig;
  tiedEmbedding: boolean;
  /** Multiplies q·k before the softmax. */
  attentionScale: number;
  /** tanh(x / c) · c on attention scores and on the final logits (Gemma 2). */
  attentionSoftcap?: number;
  finalSoftcap?: number;
  /** Positions each query sees on the layers that slide (Gemma 2's even layers), itself included. */
  slidingWindow?: number;
  parallelResidual: boolean;
}

export function decoderConfig(config: ModelConfig): DecoderConfig {
  if (!('rotary' in config)) throw new Error(`Model type '${config.modelType}' has no rotary decoder config.`);
  return config as DecoderConfig;
}

/** Gemma 2 slides its window on layers 0, 2, 4, …, and attends globally on the odd ones. */
export function slidesOn(config: DecoderConfig, layer: number): boolean {
  return config.slidingWindow !== undefined && layer % 2 === 0;
}

/** Hugging Face's inv_freq, θ^(−2i/d) for each rotating pair, with llama3 scaling applied when configured. */
export function inverseFrequencies(rotary: RotaryConfig): number[] {
  const pairs = Array.from({ length: rotary.dimensions / 2 }, (_, i) => 1 / rotary.base ** ((2 * i) / rotary.dimensions));
  return rotary.llama3 ? pairs.map((frequency) => llama3Frequency(frequency, rotary.llama3!)) : pairs;
}

function llama3Frequency(frequency: number, scaling: Llama3Scaling): number {
  const wavelength = (2 * Math.PI) / frequency;
  const lowFrequencyWavelength = scaling.originalContextLength / scaling.lowFrequencyFactor;
  const highFrequencyWavelength = scaling.originalContextLength / scaling.highFrequencyFactor;
  if (wavelength < highFrequencyWavelength) return frequency;
  if (wavelength > lowFrequencyWavelength) return frequency / scaling.factor;
  const smooth = (scaling.originalContextLength / wavelength - scaling.lowFrequencyFactor) / (scaling.highFrequencyFactor - scaling.lowFrequencyFactor);
  return (1 - smooth) * (frequency / scaling.factor) + smooth * frequency;
}
