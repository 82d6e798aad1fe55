import { resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { DEMO_MODEL_SETTINGS } from '../../engine/demo/model.js';
import { DEMO_SAE_SETTINGS, modelCalibration, writeDemoSaes, type DemoSaeOptions } from '../../engine/demo/saes.js';
import { integerOption, numberFlag, requiredString, stringOption, type Command, type ParsedOptions } from '../command.js';

export const makeSaesCommand: Command = {
  name: 'make-saes',
  summary: 'Write seeded SAELens SAEs, one per layer at blocks.L.hook_resid_pre (the demo SAEs by default)',
  options: {
    out: { type: 'string', value: 'DIR', description: 'Folder to write the SAE folders into' },
    layers: numberFlag('Layers, one SAE each', DEMO_MODEL_SETTINGS.layers),
    width: numberFlag('Input width (the model width)', DEMO_MODEL_SETTINGS.width),
    features: numberFlag('Features per SAE (d_sae)', DEMO_SAE_SETTINGS.featureCount),
    seed: numberFlag('Random seed of the feature directions', DEMO_SAE_SETTINGS.seed),
    'min-density': numberFlag('Firing rate of the sparsest feature', DEMO_SAE_SETTINGS.densityRange[0], 'P'),
    'max-density': numberFlag('Firing rate of the densest feature', DEMO_SAE_SETTINGS.densityRange[1], 'P'),
    context: numberFlag('context_size written to each cfg.json', DEMO_SAE_SETTINGS.contextSize),
    model: { type: 'string', value: 'DIR', description: "Fit b_dec and thresholds to this model's activations on the demo dataset" },
    'synthetic-rows': numberFlag('Isotropic rows per layer to fit on without --model', DEMO_SAE_SETTINGS.syntheticRows),
    'calibration-windows': numberFlag(`Windows of ${DEMO_SAE_SETTINGS.contextSize} tokens to fit on (with --model)`, DEMO_SAE_SETTINGS.calibrationWindows),
  },
  async run(options) {
    const out = resolve(requiredString(options, 'out', makeSaesCommand));
    const settings = await saeOptions(options);
    const folders = writeDemoSaes(out, settings);
    console.log(`Wrote ${folders.length} SAEs of ${settings.featureCount} features to ${out}`);
    return 0;
  },
};

async function saeOptions(options: ParsedOptions): Promise<DemoSaeOptions> {
  const size = (name: string, minimum = 1) => integerOption(options, name, minimum) as number;
  const densityRange = [fractionOption(options, 'min-density'), fractionOption(options, 'max-density')] as const;
  if (densityRange[0] > densityRange[1]) throw new InputError(`--min-density (${densityRange[0]}) must not exceed --max-density (${densityRange[1]}).`);
  const model = stringOption(options, 'model');
  return {
    layers: size('layers'),
    width: size('width'),
    featureCount: size('features'),
    seed: size('seed', 0),
    densityRange,
    contextSize: size('context'),
    syntheticRows: size('synthetic-rows'),
    ...(model ? await modelCalibration(resolve(model), size('calibration-windows')) : {}),
  };
}

function fractionOption(options: ParsedOptions, name: string): number {
  const raw = stringOption(options, name);
  const value = Number(raw);
  if (!(value > 0 && value < 1)) throw new InputError(`--${name} must be a fraction between 0 and 1, not '${raw}'.`);
  return value;
}
