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
