import { performance } from 'node:perf_hooks';
import { openModel } from '../engine/model/open.js';
import { silentProgress } from '../engine/progress.js';
import { openResidualInputs } from '../engine/residual/inputs.js';
import { residualPoints } from '../engine/residual/points.js';
import { runResidual } from '../engine/residual/run.js';
import { windowBatches } from '../engine/stats/windows.js';
import { DEFAULT_RESIDUAL_SETTINGS, type ResidualSettings } from '../shared/settings/residual-settings.js';
import type { Device } from '../shared/settings/run-settings.js';
import { peakRss, replyToParent } from './shared.js';

export interface ResidualBenchConfiguration {
  model: string;
  dataset: string;
  samples: number;
  context: number;
  device: Device;
  /** 'forward': the same windows through the model alone; 'residual' and 'lens': the job without and with the logit lens. */
  mode: 'forward' | 'residual' | 'lens';
}

export interface ResidualBenchMeasurement {
  mode: ResidualBenchConfiguration['mode'];
  samples: number;
  device: string;
  tokensPerSecond: number;
  peakRss: number;
}

/** Times one mode over the configuration's windows, in this process so its peak RSS is its own. */
async function measure(configuration: ResidualBenchConfiguration): Promise<ResidualBenchMeasurement> {
  const settings: ResidualSettings = { ...DEFAULT_RESIDUAL_SETTINGS, ...configuration, logitLens: configuration.mode === 'lens' };
  const started = performance.now();
  const { samples, device } = configuration.mode === 'forward' ? await forwardOnly(settings) : await runJob(settings);
  const seconds = (performance.now() - started) / 1000;
  return { mode: configuration.mode, samples, device, tokensPerSecond: (samples * configuration.context) / seconds, peakRss: peakRss() };
}

async function runJob(settings: ResidualSettings): Promise<{ samples: number; device: string }> {
  const { model } = await openModel(settings.model, { device: settings.device, ablation: 'none' });
  const device = model.device;
  await model.dispose();
  const stats = await runResidual(settings, { progress: silentProgress });
  return { samples: stats.run.samples, device };
}

/** The model's forward over the same windows, up to the last block's output, and nothing else. */
async function forwardOnly(settings: ResidualSettings): Promise<{ samples: number; device: string }> {
  const inputs = await openResidualInputs(settings);
  try {
    const last = residualPoints(inputs.model.config.layerCount).slice(-1);
    let samples = 0;
    for (const batch of windowBatches(inputs.source, inputs.tokenizer, inputs.plan)) {
      await inputs.model.forward(batch, { capture: last });
      samples += batch.batch;
    }
    return { samples, device: inputs.model.device };
  } finally {
    await inputs.model.dispose();
  }
}

await replyToParent(measure);
