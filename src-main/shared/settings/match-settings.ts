import type { PayloadReader } from './payload-reader.js';
import { DEVICES, type Device } from './run-settings.js';

export const MATCH_DIRECTIONS = ['decoder', 'encoder'] as const;
/** decoder: row i of W_dec, what feature i writes; encoder: column i of W_enc, what it reads. */
export type MatchDirection = (typeof MATCH_DIRECTIONS)[number];

/** Every hyperparameter of a match, resolved. */
export interface MatchSettings {
  by: MatchDirection;
  topK: number;
  thresholds: number[];
  splitThreshold: number;
  device: Device;
}

/** A match job's settings: the SAE paths (a folder may hold a set) and the hyperparameters. */
export interface MatchRunSettings extends MatchSettings {
  saes: string[];
}

export const DEFAULT_MATCH_SETTINGS: MatchSettings = { by: 'decoder', topK: 4, thresholds: [0.5, 0.7, 0.9], splitThreshold: 0.7, device: 'auto' };

/** The layer × layer matrices read the assignment's fraction above this cosine. */
export const SET_MATRIX_THRESHOLD = 0.7;

/** A cosine threshold lies in [−1, 1]. */
export const COSINE_LIMITS = { min: -1, max: 1 } as const;

/** Checks a match job's settings field by field, as the API and the job process both do. */
export function readMatchSettings(reader: PayloadReader): MatchRunSettings {
  const settings: MatchRunSettings = {
    saes: reader.strings('saes'),
    by: reader.choice('by', MATCH_DIRECTIONS),
    topK: reader.integer('topK', 1),
    thresholds: reader.numbers('thresholds', COSINE_LIMITS.min, COSINE_LIMITS.max),
    splitThreshold: reader.number('splitThreshold', COSINE_LIMITS.min, COSINE_LIMITS.max),
    device: reader.choice('device', DEVICES),
  };
  reader.finish();
  return settings;
}
