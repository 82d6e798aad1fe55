import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_DATASET_PATH, ensureDemoDataset } from '../../engine/demo/dataset.js';
import { DEMO_MODEL_FOLDER, ensureDemoModel } from '../../engine/demo/model.js';
import { DEMO_SAES_FOLDER, ensureDemoSaes, ensureFamilyDemoSaes } from '../../engine/demo/saes.js';
import { ensureFamilyDemoModel, familyDemoFolder, GENERATED_FAMILIES, type GeneratedFamily } from '../../engine/demo/families.js';
import { FIGURE_SETTINGS_SCHEMA, FORMAT_OPTIONS_SCHEMA } from '../../shared/figures/settings.js';
import { RUN_SETTINGS_SCHEMA, type RunSettings } from '../../shared/settings/run-settings.js';
import { choiceOption, databaseFlag, databaseOption, stringOption, type Command, type ParsedOptions } from '../command.js';
import { settingFlags, settingsFromFlags } from '../setting-flags.js';
import { runJobInTerminal } from '../run-job.js';
import { loadStats, writeExport } from './export.js';

/** The demo dataset packs into about a hundred windows of 128 tokens, so it uses fewer than the analysis default. */
const DEMO_SAMPLES = 96;
const DEMO_FLAGS = { only: ['samples', 'packing', 'ce', 'device', 'batchSize'], defaults: { samples: DEMO_SAMPLES } } as const;
const DEMO_FAMILIES = ['gpt2', ...GENERATED_FAMILIES] as const;
const PACKAGE_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DEMO_OUTPUT_FOLDER = 'resources/demo/output';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Generate the demo model and SAEs, analyse the bundled dataset, and write stats.json and every figure',
  options: {
    family: { type: 'string', value: DEMO_FAMILIES.join('|'), description: 'Architecture of the generated demo model', default: 'gpt2' },
    ...settingFlags(RUN_SETTINGS_SCHEMA, DEMO_FLAGS),
    ...settingFlags(FIGURE_SETTINGS_SCHEMA, { only: ['fontScale'] }),
    ...settingFlags(FORMAT_OPTIONS_SCHEMA, { only: ['scale'] }),
    out: { type: 'string', value: 'DIR', description: `Where stats.json and the figures go (default: ${DEMO_OUTPUT_FOLDER} in the package)` },
    db: databaseFlag(),
  },
  async run(options) {
    const family = choiceOption(options, 'family', DEMO_FAMILIES, 'gpt2');
    const outDir = pathOption(options, 'out', family === 'gpt2' ? DEMO_OUTPUT_FOLDER : `${DEMO_OUTPUT_FOLDER}-${family}`);
    // The CLI's own database, so the README's next commands (runs, export latest, figures latest) find this run.
    const databasePath = databaseOption(options);
    const settings = settingsFromFlags(FIGURE_SETTINGS_SCHEMA, options, { command: demoCommand, only: ['fontScale'] });
    const output = settingsFromFlags(FORMAT_OPTIONS_SCHEMA, options, { command: demoCommand, only: ['scale'] });
    console.log('Preparing the demo model, SAEs and dataset (made once, in resources/demo/)…');
    const inputs = family === 'gpt2' ? gpt2DemoInputs() : await familyDemoInputs(family);
    const run = await runJobInTerminal('statistics', demoSettings(options, inputs), databasePath);
    mkdirSync(outDir, { recursive: true });
    const stats = loadStats(databasePath, run.id);
    writeExport(stats, join(outDir, 'stats.json'));
    // Loaded here, not at start-up: the figure renderer (ECharts) takes about two seconds to load.
    const { exportAllFigures } = await import('../../engine/figures/export.js');
    const files = await exportAllFigures(stats, { outDir, settings, output, formats: ['svg', 'png'] });
    console.log(`Wrote ${files.length} figure files to ${outDir}`);
    return 0;
  },
};

/** A path the user typed is relative to where they are; the defaults live in the package's resources. */
function pathOption(options: ParsedOptions, name: string, fallback: string): string {
  const typed = stringOption(options, name);
  return typed ? resolve(typed) : resolve(PACKAGE_ROOT, fallback);
}

function gpt2DemoInputs(): { model: string; saes: string } {
  const model = ensureDemoModel(join(PACKAGE_ROOT, DEMO_MODEL_FOLDER));
  return { model, saes: ensureDemoSaes(join(PACKAGE_ROOT, DEMO_SAES_FOLDER), model) };
}

/** A generated Llama, Gemma 2 or GPT-NeoX beside the GPT-2 demo, with SAEs fitted to it. */
async function familyDemoInputs(family: GeneratedFamily): Promise<{ model: string; saes: string }> {
  const model = join(PACKAGE_ROOT, familyDemoFolder(family));
  const recipe = ensureFamilyDemoModel(model, family);
  return { model, saes: await ensureFamilyDemoSaes(join(PACKAGE_ROOT, `${DEMO_SAES_FOLDER}-${family}`), { dir: model, recipe }) };
}

function demoSettings(options: ParsedOptions, inputs: { model: string; saes: string }): RunSettings {
  const given = { model: inputs.model, saes: [inputs.saes], dataset: ensureDemoDataset(join(PACKAGE_ROOT, dirname(DEMO_DATASET_PATH))) };
  return settingsFromFlags(RUN_SETTINGS_SCHEMA, options, { ...DEMO_FLAGS, command: demoCommand, given });
}

