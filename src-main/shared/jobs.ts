import type { CorrelationSettings } from './settings/correlation-settings.js';
import type { InspectSettings, ResidualSettings } from './settings/residual-settings.js';
import type { MatchRunSettings } from './settings/match-settings.js';
import type { RunSettings } from './settings/run-settings.js';
import type { GenerateSettings, SteerSettings } from './settings/steer-settings.js';

/**
 * Each job kind's settings, by kind name: a new kind adds one line here and one entry in
 * workers/kinds.ts (see coordination notes). Runs of every kind share one table and one queue.
 */
export interface JobSettings {
  statistics: RunSettings;
  correlate: CorrelationSettings;
  generate: GenerateSettings;
  steer: SteerSettings;
  residual: ResidualSettings;
  'inspect-text': InspectSettings;
  match: MatchRunSettings;
}

export type JobKindName = keyof JobSettings;
