import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { featuresFromCorrelation } from '../../engine/steer/from-correlation.js';
import { steeringToJson } from '../../engine/steer/export.js';
import { listSaes, type SaeEntry } from '../../engine/sae/registry.js';
import type { CorrelationExport } from '../../shared/correlation.js';
import { InputError } from '../../shared/errors.js';
import { DEFAULT_STEER_SETTINGS, STEERING_POSITIONS, type SteerSettings, type SteeringFeature } from '../../shared/settings/steer-settings.js';
import { steeredFeatures, type SteeringResult } from '../../shared/steering.js';
import { loadCorrelation } from '../../store/correlations.js';
import { loadSteering } from '../../store/generations.js';
import { choiceOption, databaseFlag, databaseOption, deviceFlag, deviceOption, integerOption, numberFlag, requiredString, stringOption, type Command, type ParsedOptions } from '../command.js';
import { generationFlags, generationOptions, promptOptions, sideBySide } from '../generation-flags.js';
import { runJobInTerminal } from '../run-job.js';
import { readStored } from './correlate.js';

const DEFAULT_FROM_CORRELATION_TOP_K = 3;

export const steerCommand: Command = {
  name: 'steer',
  summary: "Continue prompts by default and with SAE features' decoder directions added, side by side",
  options: {
    model: { type: 'string', value: 'DIR', description: 'Hugging Face model folder' },
    sae: { type: 'string', value: 'PATH', description: 'SAE folder or file (repeat for several)', multiple: true },
    feature: {
      type: 'string',
      value: 'F:C',
      description: 'Feature F of the SAE, coefficient C; HOOK:F:C picks the SAE by hook (repeat for several)',
      multiple: true,
    },
    'from-correlation': {
      type: 'string',
      value: 'RUN|FILE',
      description: "A correlation run (id or 'latest') or corr.json: steer with each SAE's top features by |r| and their coefficients",
    },
    'top-k': numberFlag('Features per SAE taken from --from-correlation', DEFAULT_FROM_CORRELATION_TOP_K),
    positions: {
      type: 'string',
      value: STEERING_POSITIONS.join('|'),
      description: 'Steer the generated positions only, or every position after BOS',
      default: DEFAULT_STEER_SETTINGS.positions,
    },
    ...generationFlags(),
    device: deviceFlag(),
    export: { type: 'string', value: 'FILE', description: "Write both continuations per prompt and the steered features' activations as JSON" },
    db: databaseFlag(),
  },
  async run(options) {
    const databasePath = databaseOption(options);
    const settings = await steerSettings(options, databasePath);
    const run = await runJobInTerminal('steer', settings, databasePath);
    const comparisons = readStored(databasePath, (db) => loadSteering(db, run.id));
    const result: SteeringResult = { features: steeredFeatures(settings.features, comparisons[0]?.steered.features ?? []), comparisons };
    printComparisons(result);
    const exportPath = stringOption(options, 'export');
    if (exportPath) {
      writeFileSync(resolve(exportPath), steeringToJson(settings, result));
      console.log(`Wrote ${resolve(exportPath)}`);
    }
    return 0;
  },
};

async function steerSettings(options: ParsedOptions, databasePath: string): Promise<SteerSettings> {
  const paths = (options.sae as string[] | undefined) ?? [];
  if (paths.length === 0) throw new InputError("--sae is required. See 'sae-studio steer --help'.");
  const saes = paths.flatMap((path) => listSaes(resolve(path)));
  return {
    ...DEFAULT_STEER_SETTINGS,
    model: resolve(requiredString(options, 'model', steerCommand)),
    saes: saes.map((sae) => sae.path),
    features: [...listedFeatures(options, saes), ...correlatedFeatures(options, { saes, databasePath })],
    positions: choiceOption(options, 'positions', STEERING_POSITIONS, DEFAULT_STEER_SETTINGS.positions),
    prompts: await promptOptions(options, steerCommand),
    ...generationOptions(options),
    device: deviceOption(options),
  };
}

/** --feature F:C (the only SAE) or HOOK:F:C. */
function listedFeatures(options: ParsedOptions, saes: SaeEntry[]): SteeringFeature[] {
  return ((options.feature as string[] | undefined) ?? []).map((spec) => {
    const parts = spec.split(':');
    const [feature, coefficient] = parts.slice(-2).map(Number);
    if (parts.length < 2 || parts.length > 3 || !Number.isInteger(feature) || !Number.isFinite(coefficient)) {
      throw new InputError(`--feature '${spec}' is not FEATURE:COEFFICIENT or HOOK:FEATURE:COEFFICIENT, e.g. 123:50.`);
    }
    return { sae: saeIndex(parts.length === 3 ? parts[0] : undefined, saes, spec), feature: feature!, coefficient: coefficient! };
  });
}

function saeIndex(hook: string | undefined, saes: SaeEntry[], spec: string): number {
  if (hook === undefined) {
    if (saes.length === 1) return 0;
    throw new InputError(`--feature '${spec}' must name its SAE's hook, as HOOK:FEATURE:COEFFICIENT, when several SAEs are steered.`);
  }
  const index = saes.findIndex((sae) => sae.hook === hook);
  if (index < 0) throw new InputError(`--feature '${spec}' names hook ${hook}, which none of the SAEs reads (${saes.map((sae) => sae.hook).join(', ')}).`);
  return index;
}

function correlatedFeatures(options: ParsedOptions, inputs: { saes: SaeEntry[]; databasePath: string }): SteeringFeature[] {
  const source = stringOption(options, 'from-correlation');
  if (!source) return [];
  const topK = integerOption(options, 'top-k') ?? DEFAULT_FROM_CORRELATION_TOP_K;
  const correlation = existsSync(resolve(source)) ? readCorrelationFile(source) : readStored(inputs.databasePath, (db) => loadCorrelation(db, source));
  return featuresFromCorrelation(correlation, inputs.saes.map((sae) => sae.hook), topK);
}

function readCorrelationFile(source: string): CorrelationExport {
  const path = resolve(source);
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as CorrelationExport;
    if (Array.isArray(json.saes) && json.saes.every((sae) => typeof sae.hook === 'string' && Array.isArray(sae.top))) return json;
  } catch {
    // Reported below with the file's name.
  }
  throw new InputError(`${basename(path)} is not a corr.json from 'sae-studio correlate --export'.`, path);
}

function printComparisons(result: SteeringResult): void {
  const features = result.features.map(({ hook, feature, coefficient }) => `${hook}#${feature} × ${coefficient}`).join(', ');
  console.log(`Steering with ${features}\n`);
  for (const comparison of result.comparisons) {
    console.log(`Prompt: ${comparison.prompt}`);
    console.log(sideBySide({ title: 'default', text: comparison.default.text }, { title: 'steered', text: comparison.steered.text }));
    const traced = comparison.steered.features.map((trace, index) => {
      const plain = comparison.default.features[index]!;
      return `#${trace.feature} max ${trace.max.toPrecision(3)} (default ${plain.max.toPrecision(3)})`;
    });
    if (traced.length) console.log(`Steered features on the generated tokens: ${traced.join(', ')}`);
    console.log('');
  }
}
