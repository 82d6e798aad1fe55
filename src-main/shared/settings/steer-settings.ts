import type { Device } from './run-settings.js';

/** How the next token is chosen: temperature 0 is greedy; otherwise sampled from the top-p nucleus with a seeded generator. */
export interface SamplingSettings {
  temperature: number;
  topP: number;
  seed: number;
}

export interface GenerationSettings extends SamplingSettings {
  maxNewTokens: number;
}

export const STEERING_POSITIONS = ['generated', 'all'] as const;
/** generated: positions holding generated tokens; all: every position but BOS, the prompt's included. */
export type SteeringPositions = (typeof STEERING_POSITIONS)[number];

/** One steered feature: which SAE of the run, which feature, and how much of its decoder direction to add. */
export interface SteeringFeature {
  sae: number;
  feature: number;
  coefficient: number;
}

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
