import type { SteeringFeature } from './settings/steer-settings.js';

/** One steered feature on one continuation: its activation at every generated token, and pooled. */
export interface FeatureTrace {
  hook: string;
  feature: number;
  values: number[];
  max: number;
  mean: number;
}

export interface Continuation {
  text: string;
  tokens: number[];
  /** Each token decoded alone, for showing tokens one by one. */
  pieces: string[];
  features: FeatureTrace[];
}

export interface GenerationOutput {
  prompt: string;
  output: Continuation;
}

export interface SteeringComparison {
  prompt: string;
  default: Continuation;
  steered: Continuation;
}

/** A feature as the steering applied it, named by its SAE's hook. */
export interface SteeredFeature {
  hook: string;
  feature: number;
  coefficient: number;
}

export interface SteeringResult {
  features: SteeredFeature[];
  comparisons: SteeringComparison[];
}

/** The steered features in trace order (by SAE, then as listed), each named by the hook its trace records. */
export function steeredFeatures(features: readonly SteeringFeature[], traces: readonly FeatureTrace[]): SteeredFeature[] {
  const ordered = [...features].sort((a, b) => a.sae - b.sae);
  return ordered.map(({ feature, coefficient }, index) => ({ hook: traces[index]?.hook ?? '', feature, coefficient }));
}
