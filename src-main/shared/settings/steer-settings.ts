import type { PayloadReader } from './payload-reader.js';
import { DEVICES, type Device } from './run-settings.js';

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
  /** More prompts: the rows of this dataset, in file order, `samples` of them (all when absent). */
  dataset?: string;
  textColumn?: string;
  samples?: number;
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
/** Far beyond any useful steering strength (CorrSteer's are tens), yet finite. */
export const COEFFICIENT_LIMIT = 1e6;

export const GENERATION_LIMITS = {
  maxNewTokens: { min: 1, max: 4096 },
  temperature: { min: 0, max: 10 },
  topP: { min: 0.01, max: 1 },
} as const;

function readGeneration(reader: PayloadReader): GenerateSettings {
  const { maxNewTokens, temperature, topP } = GENERATION_LIMITS;
  const dataset = reader.optional('dataset', (key) => reader.string(key));
  const textColumn = reader.optional('textColumn', (key) => reader.string(key));
  const samples = reader.optional('samples', (key) => reader.integer(key, 1));
  const prompts = dataset && !reader.has('prompts') ? [] : reader.strings('prompts');
  return {
    ...(dataset ? { dataset } : {}),
    ...(textColumn ? { textColumn } : {}),
    ...(samples ? { samples } : {}),
    prompts,
    model: reader.string('model'),
    maxNewTokens: reader.integer('maxNewTokens', maxNewTokens.min),
    temperature: reader.number('temperature', temperature.min, temperature.max),
    topP: reader.number('topP', topP.min, topP.max),
    seed: reader.integer('seed', 0),
    device: reader.choice('device', DEVICES),
  };
}

export function readGenerateSettings(reader: PayloadReader): GenerateSettings {
  const settings = readGeneration(reader);
  reader.finish();
  return settings;
}

export function readSteerSettings(reader: PayloadReader): SteerSettings {
  const settings = { ...readGeneration(reader), saes: reader.strings('saes'), positions: reader.choice('positions', STEERING_POSITIONS) };
  const features = readFeatures(reader, settings.saes.length);
  reader.finish();
  return { ...settings, features };
}

/** A non-empty list of { sae, feature, coefficient }, each SAE one of the run's. */
function readFeatures(reader: PayloadReader, saeCount: number): SteeringFeature[] {
  const list = reader.list('features');
  if (list.length === 0) reader.fail('features', 'a non-empty list of features');
  return list.map((item) => {
    const feature = { sae: item.integer('sae', 0), feature: item.integer('feature', 0), coefficient: item.number('coefficient', -COEFFICIENT_LIMIT, COEFFICIENT_LIMIT) };
    if (feature.sae >= saeCount) item.fail('sae', `the index of one of the ${saeCount} SAEs`);
    item.finish();
    return feature;
  });
}
