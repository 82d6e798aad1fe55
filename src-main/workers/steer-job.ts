import { runGeneration, runSteering } from '../engine/steer/run.js';
import type { GenerateSettings, SteerSettings } from '../shared/settings/steer-settings.js';
import { saveContinuations } from '../store/generations.js';
import type { JobHandler } from './handler.js';

/** Continues a run's prompts in this job process and stores each continuation. */
export const generateJob: JobHandler<GenerateSettings> = async ({ runId, settings }, context) => {
  const outputs = await runGeneration(settings, { progress: context.progress, cancel: context.cancel });
  const db = context.database();
  outputs.forEach(({ prompt, output }, index) => saveContinuations(db, runId, { index, prompt, outputs: { default: output } }));
  context.progress.stage(`Stored ${outputs.length} continuation${outputs.length === 1 ? '' : 's'}`);
  return { prompts: outputs.length };
};

/** Continues a run's prompts by default and steered, and stores both with the steered features' activations. */
export const steerJob: JobHandler<SteerSettings> = async ({ runId, settings }, context) => {
  const { comparisons } = await runSteering(settings, { progress: context.progress, cancel: context.cancel });
  const db = context.database();
  comparisons.forEach(({ prompt, default: plain, steered }, index) => saveContinuations(db, runId, { index, prompt, outputs: { default: plain, steered } }));
  context.progress.stage(`Stored default and steered continuations of ${comparisons.length} prompt${comparisons.length === 1 ? '' : 's'}`);
  return { prompts: comparisons.length };
};
