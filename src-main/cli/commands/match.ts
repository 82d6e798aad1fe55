import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pairExport, setExport } from '../../engine/compare/export.js';
import { runMatch } from '../../engine/compare/run.js';
import {
  DEFAULT_MATCH_SETTINGS,
  MATCH_DIRECTIONS,
  type MatchedSae,
  type MatchRunSettings,
  type MatchSettings,
  type MatchSink,
  type PairMatch,
} from '../../engine/compare/types.js';
import { InputError } from '../../shared/errors.js';
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
    const settings: MatchRunSettings = { ...matchSettingsFromOptions(options), saes: ((options.sae as string[] | undefined) ?? []).map((path) => resolve(path)) };
    const exportPath = stringOption(options, 'export');
    const pairsDir = stringOption(options, 'pairs-dir');
    if (pairsDir) mkdirSync(resolve(pairsDir), { recursive: true });
    let saes: MatchedSae[] = [];
    let only: PairMatch | undefined;
    const sink: MatchSink = {
      saveSaes: (saved) => void (saes = saved),
      savePair: (k, l, match) => {
        if (saes.length === 2) only = match;
        if (pairsDir) writeJson(join(resolve(pairsDir), pairFileName(k, l)), pairExport(match));
      },
    };
    const matrices = await runMatch(settings, sink, { progress: terminalProgress({ bars: process.stderr, lines: process.stdout }) });
    if (exportPath) writeJson(resolve(exportPath), only ? pairExport(only) : setExport(saes, matrices));
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
