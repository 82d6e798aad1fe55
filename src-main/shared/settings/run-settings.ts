import type { PayloadReader } from './payload-reader.js';
import { defaultsOf, readSettings, type SettingsOf, type SettingsSchema } from './schema.js';

export const DEVICES = ['auto', 'cuda', 'webgpu', 'cpu'] as const;
export type Device = (typeof DEVICES)[number];

export const EMBEDDING_ABLATIONS = ['none', 'positions-only', 'tokens-only'] as const;
export type EmbeddingAblation = (typeof EMBEDDING_ABLATIONS)[number];

export const PACKINGS = ['packed', 'per-row'] as const;
export type Packing = (typeof PACKINGS)[number];

/** Every hyperparameter of a statistics run, one row each: the CLI flags, the API's checks, the engine's and the New run form read it. */
export const RUN_SETTINGS_SCHEMA = {
  model: { type: 'text', path: true, label: 'Model', hint: 'Hugging Face model folder', value: 'DIR', group: 'Inputs' },
  saes: { type: 'texts', path: true, flag: 'sae', label: 'SAEs', hint: 'SAE folder or file (repeat for several)', value: 'PATH', group: 'Inputs' },
  dataset: { type: 'text', path: true, label: 'Dataset', hint: 'Dataset file (jsonl, csv, parquet, txt)', value: 'FILE', group: 'Inputs' },
  textColumn: { type: 'text', optional: true, label: 'Text column', hint: "Column holding the text (blank: the dataset's text column)", value: 'NAME', group: 'Inputs' },
  samples: { type: 'integer', min: 1, default: 400, label: 'Samples', hint: 'Windows to use', group: 'Windows' },
  context: {
    type: 'integer',
    min: 2,
    optional: true,
    label: 'Context',
    hint: "Tokens per window (blank: the SAE's context_size, else the model's maximum)",
    group: 'Windows',
  },
  packing: { type: 'choice', choices: PACKINGS, default: 'packed', label: 'Packing', hint: 'How rows become windows', group: 'Windows' },
  batchSize: { type: 'integer', min: 1, default: 8, label: 'Batch size', hint: 'Windows per forward pass', group: 'Windows' },
  ablate: {
    type: 'choice',
    choices: EMBEDDING_ABLATIONS,
    default: 'none',
    label: 'Embedding ablation',
    hint: 'positions-only zeroes the token embeddings, tokens-only the positional ones',
    value: 'KIND',
    group: 'Forward pass',
  },
  device: { type: 'choice', choices: DEVICES, default: 'auto', label: 'Device', hint: 'Execution provider', group: 'Forward pass' },
  // 1,024 buckets of ±0.9% span eight decades at 2 KiB per feature; one bucket places no quantile, and past 8,192 (16 KiB per feature) memory runs out first.
  quantileBuckets: {
    type: 'integer',
    min: 2,
    max: 8192,
    default: 1024,
    label: 'Quantile buckets',
    hint: 'Log-spaced buckets per feature for quantiles',
    group: 'Forward pass',
  },
  // 0.9% keeps every quantile inside the contract's 1% after interpolating; finer than 0.1% the buckets span under a decade.
  quantileAccuracy: {
    type: 'number',
    min: 0.001,
    max: 0.25,
    default: 0.009,
    label: 'Quantile accuracy',
    hint: 'Relative error of every quantile estimate',
    value: 'X',
    group: 'Forward pass',
  },
  ce: { type: 'boolean', default: false, label: 'LM losses', hint: 'Also compute LM losses: clean, spliced and zero-ablated', group: 'Forward pass' },
} as const satisfies SettingsSchema;

export type RunSettings = SettingsOf<typeof RUN_SETTINGS_SCHEMA>;

export const DEFAULT_RUN_SETTINGS = defaultsOf(RUN_SETTINGS_SCHEMA) as Required<Omit<RunSettings, 'model' | 'saes' | 'dataset' | 'textColumn' | 'context'>>;

/** A statistics run's settings, checked, with every absent field that has a default filled in. */
export function readRunSettings(reader: PayloadReader): RunSettings {
  return readSettings(RUN_SETTINGS_SCHEMA, reader);
}
