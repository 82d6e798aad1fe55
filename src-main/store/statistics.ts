import type Database from 'better-sqlite3';
import { InputError } from '../shared/errors.js';
import { FEATURE_KEYS, LOSS_POSITION_KEYS, POSITION_KEYS } from '../engine/stats/export.js';
import type { ExampleWindows, FeaturePages, RunDetails, SaeIdentity, StatsStore } from '../engine/stats/stats-store.js';
import { saveExampleWindows, saveFeaturePages } from './feature-pages.js';
import { requireFinishedRun, writeWhileActive } from './runs.js';
import type {
  FeatureStats,
  NullableSeries,
  PositionStats,
  RunDescription,
  SaeStats,
  SaeSummary,
  StatsExport,
} from '../shared/stats.js';

export type StatisticFamily = 'features' | 'positions' | 'summary';

/** A family as stored: named scalars and named arrays (see migration 002 for the layout). */
interface FamilyRecord {
  scalars: Record<string, number>;
  arrays: Record<string, NullableSeries>;
  levels?: number[];
}

interface FamilyHeader {
  scalars: Record<string, number>;
  arrays: [string, number][];
  levels?: number[];
}

const POSITION_ARRAYS = [...POSITION_KEYS, ...LOSS_POSITION_KEYS] as const;

/** Stores one run's statistics in SQLite, replacing whatever an earlier attempt left; each write checks the run is still active. */
export function createStatsStore(db: Database.Database, runId: string): StatsStore {
  const write = <A extends unknown[]>(save: (...args: A) => void) => (...args: A) => writeWhileActive(db, runId, () => save(...args));
  return {
    saveRun: write((run: RunDescription, details: RunDetails) => {
      db.prepare(
        'INSERT OR REPLACE INTO run_statistics (run_id, model, dataset, samples, context, packing, device) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(runId, run.model, run.dataset, run.samples, run.context, run.packing, details.device);
    }),
    saveSae: write((index: number, sae: SaeIdentity) => {
      db.prepare('INSERT OR REPLACE INTO sae_statistics (run_id, sae_index, hook, d_in, d_sae) VALUES (?, ?, ?, ?, ?)').run(
        runId,
        index,
        sae.hook,
        sae.d_in,
        sae.d_sae,
      );
    }),
    saveFeatures: write((index: number, features: FeatureStats) => saveFamily(db, { runId, index, family: 'features' }, featureRecord(features))),
    savePositions: write((index: number, positions: PositionStats) => saveFamily(db, { runId, index, family: 'positions' }, positionRecord(positions))),
    saveSummary: write((index: number, summary: SaeSummary) => saveFamily(db, { runId, index, family: 'summary' }, { scalars: { ...summary }, arrays: {} })),
    saveFeaturePages: write((index: number, pages: FeaturePages) => saveFeaturePages(db, runId, index, pages)),
    saveExampleWindows: write((windows: ExampleWindows) => saveExampleWindows(db, runId, windows)),
  };
}

interface FamilyKey {
  runId: string;
  index: number;
  family: StatisticFamily;
}

function saveFamily(db: Database.Database, key: FamilyKey, record: FamilyRecord): void {
  const names = Object.keys(record.arrays);
  const header: FamilyHeader = { scalars: record.scalars, arrays: names.map((name) => [name, record.arrays[name].length]), levels: record.levels };
  const data = new Float64Array(names.reduce((total, name) => total + record.arrays[name].length, 0));
  let offset = 0;
  for (const name of names) {
    for (const value of Array.from(record.arrays[name])) data[offset++] = value ?? Number.NaN;
  }
  db.prepare('INSERT OR REPLACE INTO statistic_families (run_id, sae_index, family, header, data) VALUES (?, ?, ?, ?, ?)').run(
    key.runId,
    key.index,
    key.family,
    JSON.stringify(header),
    Buffer.from(data.buffer),
  );
}

function featureRecord(features: FeatureStats): FamilyRecord {
  const arrays: Record<string, NullableSeries> = Object.fromEntries(FEATURE_KEYS.map((name) => [name, features[name]]));
  features.quantiles.values.forEach((values, level) => (arrays[`quantile ${level}`] = values));
  return { scalars: {}, arrays, levels: features.quantiles.levels };
}

function positionRecord(positions: PositionStats): FamilyRecord {
  const present = POSITION_ARRAYS.filter((name) => positions[name] !== undefined);
  return { scalars: {}, arrays: Object.fromEntries(present.map((name) => [name, positions[name]!])) };
}

interface SaeRow extends SaeIdentity {
  sae_index: number;
}

/** A finished statistics run's results ('latest': the newest such run), arrays as Float64Array (null where a loss is undefined). */
export function loadRunStats(db: Database.Database, idOrLatest: string): StatsExport {
  const runId = requireFinishedRun(db, idOrLatest, 'statistics').id;
  const run = db
    .prepare('SELECT model, dataset, samples, context, packing FROM run_statistics WHERE run_id = ?')
    .get(runId) as RunDescription | undefined;
  if (!run) throw new InputError(`Run '${runId}' finished without statistics.`);
  const saes = db
    .prepare('SELECT sae_index, hook, d_in, d_sae FROM sae_statistics WHERE run_id = ? ORDER BY sae_index')
    .all(runId) as SaeRow[];
  return { run: { ...run }, saes: saes.map((sae) => loadSae(db, runId, sae)) };
}

/** One SAE's identity and feature statistics only: what a feature page or the features table needs. */
export function loadSaeFeatures(db: Database.Database, runId: string, index: number): SaeIdentity & { features: FeatureStats } {
  const sae = db.prepare('SELECT hook, d_in, d_sae FROM sae_statistics WHERE run_id = ? AND sae_index = ?').get(runId, index) as SaeIdentity | undefined;
  if (!sae) throw new InputError(`Run '${runId}' has no SAE ${index}.`);
  return { ...sae, features: toFeatureStats(loadFamily(db, { runId, index, family: 'features' })) };
}

/** The SAEs of a finished run in order, by hook. */
export function listRunSaes(db: Database.Database, runId: string): (SaeIdentity & { index: number })[] {
  const rows = db.prepare('SELECT sae_index, hook, d_in, d_sae FROM sae_statistics WHERE run_id = ? ORDER BY sae_index').all(runId) as SaeRow[];
  return rows.map(({ sae_index, ...identity }) => ({ index: sae_index, ...identity }));
}

function loadSae(db: Database.Database, runId: string, sae: SaeRow): SaeStats {
  const load = (family: StatisticFamily) => loadFamily(db, { runId, index: sae.sae_index, family });
  const features = load('features');
  const positions = load('positions');
  return {
    hook: sae.hook,
    d_in: sae.d_in,
    d_sae: sae.d_sae,
    summary: load('summary').scalars as unknown as SaeSummary,
    features: toFeatureStats(features),
    positions: toPositionStats(positions),
  };
}

function loadFamily(db: Database.Database, key: FamilyKey): FamilyRecord {
  const row = db
    .prepare('SELECT header, data FROM statistic_families WHERE run_id = ? AND sae_index = ? AND family = ?')
    .get(key.runId, key.index, key.family) as { header: string; data: Buffer } | undefined;
  if (!row) throw new InputError(`Run '${key.runId}' lacks the ${key.family} statistics of SAE ${key.index}: it has not finished.`);
  const header = JSON.parse(row.header) as FamilyHeader;
  // A copy aligns the bytes for Float64Array whatever offset SQLite's buffer has.
  const data = new Float64Array(new Uint8Array(row.data).buffer);
  const arrays: Record<string, Float64Array> = {};
  let offset = 0;
  for (const [name, length] of header.arrays) {
    arrays[name] = data.subarray(offset, offset + length);
    offset += length;
  }
  return { scalars: header.scalars, arrays, levels: header.levels };
}

function toFeatureStats(record: FamilyRecord): FeatureStats {
  const arrays = record.arrays as Record<string, Float64Array>;
  const levels = record.levels ?? [];
  const { count, density, mean, std, max, mean_all } = arrays;
  const quantiles = { levels, values: levels.map((_, level) => arrays[`quantile ${level}`]) };
  return { count, density, mean, std, max, mean_all, quantiles };
}

function toPositionStats(record: FamilyRecord): PositionStats {
  const arrays = record.arrays as Record<string, Float64Array>;
  const stats = { ...arrays } as unknown as PositionStats;
  for (const name of LOSS_POSITION_KEYS) {
    if (arrays[name]) stats[name] = Array.from(arrays[name], (value) => (Number.isNaN(value) ? null : value));
  }
  return stats;
}

/** An SAE as a match names it: its file, hook and size. */
export interface SaeLocator {
  source: string;
  hook: string;
  featureCount: number;
}

/** Density and mean per feature from the newest finished statistics run that read this SAE, if any did. */
export function findFeatureStats(db: Database.Database, sae: SaeLocator): { density: Float64Array; mean: Float64Array } | undefined {
  const runs = db.prepare("SELECT id, settings FROM runs WHERE kind = 'statistics' AND state = 'finished' ORDER BY created_at DESC, rowid DESC").all() as { id: string; settings: string }[];
  for (const run of runs) {
    const paths = (JSON.parse(run.settings) as { saes?: string[] }).saes ?? [];
    if (!paths.some((path) => sae.source === path || sae.source.startsWith(`${path.replace(/[\\/]+$/, '')}/`))) continue;
    const row = db.prepare('SELECT sae_index FROM sae_statistics WHERE run_id = ? AND hook = ? AND d_sae = ?').get(run.id, sae.hook, sae.featureCount) as { sae_index: number } | undefined;
    if (!row) continue;
    const { arrays } = loadFamily(db, { runId: run.id, index: row.sae_index, family: 'features' });
    return { density: arrays.density as Float64Array, mean: arrays.mean as Float64Array };
  }
  return undefined;
}
