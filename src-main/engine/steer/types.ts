import type { Device } from '../../shared/settings/run-settings.js';
import type { GenerationSettings } from './generate.js';
import type { SteeringFeature, SteeringPositions } from './steering.js';

/** Every hyperparameter of a generation run: prompts continued by the model alone. */
export interface GenerateSettings extends GenerationSettings {
  model: string;
  prompts: string[];
  device: Device;
}

/** A steering run: each prompt continued by default and with the features' directions added, from the same seed. */
export interface SteerSettings extends GenerateSettings {
  saes: string[];
  features: SteeringFeature[];
  positions: SteeringPositions;
}

export const DEFAULT_GENERATE_SETTINGS = {
  maxNewTokens: 40,
  temperature: 0,
  topP: 1,
  seed: 0,
  device: 'auto',
} as const satisfies Partial<GenerateSettings>;

export const DEFAULT_STEER_SETTINGS = { ...DEFAULT_GENERATE_SETTINGS, positions: 'generated' } as const satisfies Partial<SteerSettings>;

/** Bounds of the sampling settings, shared by the CLI's and the API's checks. */
export const GENERATION_LIMITS = {
  maxNewTokens: { min: 1, max: 4096 },
  temperature: { min: 0, max: 10 },
  topP: { min: 0.01, max: 1 },
} as const;

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
