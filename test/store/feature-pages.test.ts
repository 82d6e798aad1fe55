import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FeatureService } from '../../src-main/api/feature-service.js';
import { featurePageText } from '../../src-main/engine/features/text.js';
import { toHalf } from '../../src-main/engine/stats/half-float.js';
import { applyMigrations, openDatabase } from '../../src-main/store/database.js';
import { featuresWithExampleToken, loadFeaturePage, recordedExamples, saveExampleWindows, saveFeaturePages } from '../../src-main/store/feature-pages.js';
import { MIGRATIONS } from '../../src-main/store/migrations/index.js';
import { createRun, setRunState } from '../../src-main/store/runs.js';
import { sampleExport } from '../engine/stats/sample-stats.js';
import { RUN_SETTINGS, saveStats } from '../helpers/runs.js';

function finishedRun(db: Database.Database): string {
  const { id } = createRun(db, 'statistics', RUN_SETTINGS);
  saveStats(db, id, sampleExport(false));
  setRunState(db, id, 'finished');
  return id;
}

/** One example as migration 005 lays it out, written byte by byte here. */
function exampleBytes(window: number, position: number, value: number, context: number[]): Buffer {
  const bytes = Buffer.alloc(12 + 34);
  bytes.writeInt32LE(window, 0);
  bytes.writeInt32LE(position, 4);
  bytes.writeFloatLE(value, 8);
  context.forEach((activation, k) => bytes.writeUInt16LE(toHalf(activation), 12 + 2 * k));
  return bytes;
}

describe('a database from before feature pages', () => {
  it('migrates, keeps its runs, and their pages say examples were not recorded', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'old-db-')), 'studio.db');
    const old = new Database(path);
    applyMigrations(old, MIGRATIONS.filter((migration) => migration.version !== 5));
    const runId = finishedRun(old);
    old.close();
    const db = openDatabase(path);
    expect(recordedExamples(db, runId)).toBeNull();
    const page = new FeatureService(db).page(runId, {}, 1);
    expect(page.summary.count).toBe(sampleExport(false).saes[0].features.count[1]);
    expect(page).toMatchObject({ recorded: null, examples: [], histogram: null, logit_effect: null, neighbours: null });
    expect(page.weightsError).toMatch(/^Logit effects and neighbours need the run's model and SAE: /);
    expect(featurePageText(page)).toContain('Examples were not recorded: this run predates them.');
    db.close();
  });
});

describe('feature page rows', () => {
  it('read hand-made example and window bytes', () => {
    const db = openDatabase(':memory:');
    const runId = finishedRun(db);
    const context = Array.from({ length: 17 }, (_, k) => (k === 8 ? 2.5 : k / 4));
    const examples = Buffer.concat([exampleBytes(4, 3, 2.5, context), exampleBytes(1, 9, 0.75, new Array(17).fill(0))]);
    const histogram = Buffer.alloc(32 * 4);
    histogram.writeUInt32LE(7, 31 * 4);
    db.prepare('INSERT INTO feature_pages VALUES (?, 0, 5, ?, ?)').run(runId, examples, histogram);
    const tokens = (ids: number[]) => Buffer.concat(ids.map((id) => Buffer.from(Int32Array.of(id).buffer)));
    db.prepare('INSERT INTO example_windows VALUES (?, ?, ?)').run(runId, 4, tokens([50256, 10, 11, 12, 13]));
    db.prepare('INSERT INTO example_windows VALUES (?, ?, ?)').run(runId, 1, tokens([50256, 20]));
    const page = loadFeaturePage(db, runId, 0, 5)!;
    expect(page.examples.map(({ window, position, value }) => [window, position, value])).toEqual([[4, 3, 2.5], [1, 9, 0.75]]);
    expect(page.examples[0].context).toEqual(context);
    expect(page.histogram).toEqual([...new Array(31).fill(0), 7]);
    expect(Array.from(page.windows.get(4)!)).toEqual([50256, 10, 11, 12, 13]);
    expect(featuresWithExampleToken(db, runId, 0, 12)).toEqual([5]);
    expect(featuresWithExampleToken(db, runId, 0, 11)).toEqual([]);
  });

  it('are written in the layout migration 005 describes', () => {
    const db = openDatabase(':memory:');
    const runId = finishedRun(db);
    const contexts = new Uint16Array(17).fill(toHalf(0.5));
    const examples = { perFeature: 2, offsets: Int32Array.of(0, 1, 1), windows: Int32Array.of(6), positions: Int32Array.of(2), values: Float32Array.of(1.25), contexts };
    const histograms = new Uint32Array(64);
    histograms[3] = 9;
    saveFeaturePages(db, runId, 0, { examples, histograms });
    saveExampleWindows(db, runId, { perFeature: 2, windows: new Map([[6, Int32Array.of(50256, 1, 2)]]) });
    const row = db.prepare('SELECT examples, histogram FROM feature_pages WHERE run_id = ? AND feature = 0').get(runId) as { examples: Buffer; histogram: Buffer };
    expect([row.examples.readInt32LE(0), row.examples.readInt32LE(4), row.examples.readFloatLE(8), row.examples.length]).toEqual([6, 2, 1.25, 46]);
    expect(row.histogram.readUInt32LE(12)).toBe(9);
    const empty = db.prepare('SELECT length(examples) AS bytes FROM feature_pages WHERE run_id = ? AND feature = 1').get(runId);
    expect(empty).toEqual({ bytes: 0 });
    expect(recordedExamples(db, runId)).toBe(2);
  });

  it('open a page through primary-key lookups, never a table scan', () => {
    const db = openDatabase(':memory:');
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((step) => step.detail).join('; ');
    const page = plan("SELECT examples, histogram FROM feature_pages WHERE run_id = 'r' AND sae_index = 0 AND feature = 3");
    const window = plan("SELECT tokens FROM example_windows WHERE run_id = 'r' AND window_index = 4");
    for (const detail of [page, window]) {
      expect(detail).toMatch(/SEARCH .* USING PRIMARY KEY/);
      expect(detail).not.toMatch(/\bSCAN\b/);
    }
  });
});
