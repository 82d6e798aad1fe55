import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pairExport, setExport } from '../../engine/compare/export.js';
import { InputError } from '../../shared/errors.js';
import { DEFAULT_MATCH_SETTINGS, MATCH_DIRECTIONS, type MatchRunSettings } from '../../shared/settings/match-settings.js';
import { openDatabase } from '../../store/database.js';
import { loadMatch, loadMatchPair } from '../../store/matches.js';
import { choiceOption, databaseFlag, databaseOption, deviceFlag, deviceOption, integerOption, numberFlag, stringOption, type Command, type ParsedOptions } from '../command.js';
import { runJobInTerminal } from '../run-job.js';

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
    db: databaseFlag(),
    export: { type: 'string', value: 'FILE', description: 'Write the match (a pair, or a set\u2019s matrices) as JSON here' },
    'pairs-dir': { type: 'string', value: 'DIR', description: 'For a set: write one pair file per pair here' },
  },
  async run(options) {
    const settings = matchSettingsFromOptions(options);
    const databasePath = databaseOption(options);
    const run = await runJobInTerminal('match', settings, databasePath);
    writeExports(databasePath, run.id, { exportPath: stringOption(options, 'export'), pairsDir: stringOption(options, 'pairs-dir') });
    return 0;
  },
};

/** The file of pair S_k → S_l in --pairs-dir, k < l indexing the SAEs in forward-pass order. */
export function pairFileName(k: number, l: number): string {
  return `pair-${k}-${l}.json`;
}

/** A pair match exports the pair; a set exports its matrices, and each pair into the pairs folder. */
function writeExports(databasePath: string, runId: string, targets: { exportPath?: string; pairsDir?: string }): void {
  const db = openDatabase(databasePath);
  try {
    const match = loadMatch(db, runId);
    if (targets.pairsDir) {
      mkdirSync(resolve(targets.pairsDir), { recursive: true });
      for (const { k, l } of match.pairs) writeJson(join(resolve(targets.pairsDir), pairFileName(k, l)), pairExport(loadMatchPair(db, runId, k, l)));
    }
    if (!targets.exportPath) return;
    const exported = match.saes.length === 2 ? pairExport(loadMatchPair(db, runId, 0, 1)) : setExport(match.saes, match.matrices);
    writeJson(resolve(targets.exportPath), exported);
  } finally {
    db.close();
  }
}

export function matchSettingsFromOptions(options: ParsedOptions): MatchRunSettings {
  const saes = (options.sae as string[] | undefined) ?? [];
  if (saes.length === 0) throw new InputError("--sae is required (twice, or a folder holding a set). See 'sae-studio match --help'.");
  return {
    saes: saes.map((path) => resolve(path)),
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
  if (values.some((value) => Number.isNaN(value) || value < -1 || value > 1)) {
    throw new InputError(`--${name} must be comma-separated cosines from -1 to 1, not '${raw}'.`);
  }
  return values;
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value));
  console.log(`Wrote ${path}`);
}
