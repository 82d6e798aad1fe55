import type { PayloadReader } from './payload-reader.js';
import { DEVICES, RUN_SETTINGS_SCHEMA, type Device } from './run-settings.js';
import { defaultsOf, readSettings, type SettingsOf, type SettingsSchema } from './schema.js';

const { model, dataset, textColumn, samples, context, packing, batchSize, ablate, device } = RUN_SETTINGS_SCHEMA;

/** Every hyperparameter of a residual-stream run (../shared/spec/residual.md): a statistics run's rows without the SAEs, plus the logit lens. */
export const RESIDUAL_SETTINGS_SCHEMA = {
  model,
  dataset,
  textColumn,
  samples,
  context: { ...context, hint: "Tokens per window (blank: the model's maximum)" },
  packing,
  batchSize,
  ablate,
  device,
  // The lens costs one unembedding per residual point and position, several forwards' worth.
  logitLens: { type: 'boolean', default: true, label: 'Logit lens', hint: 'Logit lens at every residual point (one unembedding per point and token)', group: 'Forward pass' },
} as const satisfies SettingsSchema;

export type ResidualSettings = SettingsOf<typeof RESIDUAL_SETTINGS_SCHEMA>;

export const DEFAULT_RESIDUAL_SETTINGS = defaultsOf(RESIDUAL_SETTINGS_SCHEMA) as Required<Omit<ResidualSettings, 'model' | 'dataset' | 'textColumn' | 'context'>>;

/** A residual run's settings, checked, absent fields filled from their defaults. */
export function readResidualSettings(reader: PayloadReader): ResidualSettings {
  return readSettings(RESIDUAL_SETTINGS_SCHEMA, reader);
}

/** One text for the inspector: the model, the text, the SAEs to read at residual points, the device. */
export interface InspectSettings {
  model: string;
  text: string;
  saes: string[];
  device: Device;
}

export function readInspectSettings(reader: PayloadReader): InspectSettings {
  const settings = { model: reader.string('model'), text: reader.string('text'), device: reader.choice('device', DEVICES) };
  const saes = reader.optional('saes', (key) => reader.strings(key)) ?? [];
  reader.finish();
  return { ...settings, saes };
}
