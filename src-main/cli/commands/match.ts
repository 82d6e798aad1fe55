import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pairExport, setExport } from '../../engine/compare/export.js';
import { listMatchSaes, loadDirections } from '../../engine/compare/load.js';
import { matchPair } from '../../engine/compare/match.js';
import { matchSet } from '../../engine/compare/set.js';
import { DEFAULT_MATCH_SETTINGS, MATCH_DIRECTIONS, type MatchSettings } from '../../engine/compare/types.js';
import { InputError } from '../../engine/errors.js';
import { openSae } from '../../engine/sae/registry.js';
import { choiceOption, deviceFlag, deviceOption, integerOption, numberFlag, stringOption, type Command, type ParsedOptions } from '../command.js';
import { terminalProgress } from '../progress.js';

export const matchCommand: Command = {
  name: 'match',
  summary: 'Match the features of two SAEs (or every pair of a set) by cosine, nearest neighbours and a one-to-one assignment',
  options: {
    sae: { type: 'string', value: 'PATH', description: 'SAE folder or file (twice or more; a folder may hold a set)', multiple: true },
    by: { type: 'string', value: MATCH_DIRECTIONS.join('|'), description: 'Compare decoder rows or encoder columns', default: DEFAULT_MATCH_SETTINGS.by },
    'top-k': numberFlag('Nearest features kept per feature', DEFAULT_MATCH_SETTINGS.topK),
    thresholds: { type: 'string', value: 'X,Y,…', description: 'Cosine thresholds for the fractions', default: DEFAULT_MATCH_SETTINGS.thresholds.join(',') },
    'split-threshold': numberFlag('Cosine above which a larger SAE\u2019s feature is a child', DEFAULT_MATCH_SETTINGS.splitThreshold, 'X'),
    device: deviceFlag(),
    export: { type: 'string', value: 'FILE', description: 'Write the match (a pair, or a set\u2019s matrices) as JSON here' },
    'pairs-dir': { type: 'string', value: 'DIR', description: 'For a set: write one pair file per pair here' },
  },
  async run(options) {
    const settings = matchSettingsFromOptions(options);
    const entries = listMatchSaes(((options.sae as string[] | undefined) ?? []).map((path) => resolve(path)));
    const progress = terminalProgress({ bars: process.stderr, lines: process.stdout });
    const exportPath = stringOption(options, 'export');
    const pairsDir = stringOption(options, 'pairs-dir');
    if (entries.length === 2) {
      const match = await matchPair(openSae(entries[0]!.path), openSae(entries[1]!.path), settings, { progress });
      if (exportPath) writeJson(resolve(exportPath), pairExport(match));
      return 0;
    }
    if (pairsDir) mkdirSync(resolve(pairsDir), { recursive: true });
    const saes = entries.map((entry) => loadDirections(entry, settings.by));
    const matrices = await matchSet(saes, settings, {
      progress,
      onPair: (k, l, match) => (pairsDir ? writeJson(join(resolve(pairsDir), pairFileName(k, l)), pairExport(match)) : undefined),
    });
    if (exportPath) writeJson(resolve(exportPath), setExport(saes.map((sae) => sae.sae), matrices));
    return 0;
  },
};

/** The file of pair S_k → S_l in --pairs-dir, k < l indexing the SAEs in forward-pass order. */
export function pairFileName(k: number, l: number): string {
  return `pair-${k}-${l}.json`;
}

export function matchSettingsFromOptions(options: ParsedOptions): MatchSettings {
  return {
    by: choiceOption(options, 'by', MATCH_DIRECTIONS, DEFAULT_MATCH_SETTINGS.by),
    topK: integerOption(options, 'top-k') ?? DEFAULT_MATCH_SETTINGS.topK,
    thresholds: cosineList(options, 'thresholds') ?? DEFAULT_MATCH_SETTINGS.thresholds,
    splitThreshold: cosineList(options, 'split-threshold')?.[0] ?? DEFAULT_MATCH_SETTINGS.splitThreshold,
    device: deviceOption(options),
  };
}

function cosineList(options: ParsedOptions, name: string): number[] | undefined {
  const raw = stringOption(options, name);
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !(value >= -1 && value <= 1) || Number.isNaN(value))) {
    throw new InputError(`--${name} must be comma-separated cosines from -1 to 1, not '${raw}'.`);
  }
  return values;
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value));
  console.log(`Wrote ${path}`);
}
