import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FeatureService } from '../api/feature-service.js';
import { normalSampler } from '../engine/demo/random.js';
import { HISTOGRAM_BINS } from '../engine/stats/histogram.js';
import { CONTEXT_WIDTH, type FeatureExamples } from '../engine/stats/top-examples.js';
import { DEFAULT_RUN_SETTINGS, RUN_SETTINGS_SCHEMA } from '../shared/settings/run-settings.js';
import { QUANTILE_LEVELS, type FeatureStats } from '../shared/stats.js';
import { openDatabase } from '../store/database.js';
import { createRun, setRunState } from '../store/runs.js';
import { createStatsStore } from '../store/statistics.js';

const DEFAULT_EXAMPLES = RUN_SETTINGS_SCHEMA.examples.default;
const SAES = 12;
const FEATURES = 24_576;
const WINDOWS = 400;
const CONTEXT = 128;
const OPENED = 50;
/** The target for opening one page from SQLite. */
const TARGET_MS = 300;

/** Times opening feature pages and the features table of a 12 × 24,576 run stored in a fresh database. */
export async function runBenchmark(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-pages-'));
  try {
    const databasePath = join(folder, 'studio.db');
    console.log(`Storing a run of ${SAES} SAEs × ${FEATURES} features with ${DEFAULT_EXAMPLES} examples each …`);
    const runId = storeRun(databasePath);
    const db = openDatabase(databasePath);
    const service = new FeatureService(db);
    const random = normalSampler(3);
    const times = Array.from({ length: OPENED }, () => {
      const feature = Math.floor(Math.abs(random() * 1e6)) % FEATURES;
      return timed(() => service.page(runId, { sae: Math.floor(Math.abs(random() * 1e6)) % SAES }, feature));
    });
    const table = timed(() => service.table(runId, { sae: 5 }));
    db.close();
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1];
    console.log(`Feature page from SQLite: median ${median.toFixed(1)} ms, slowest ${times.at(-1)!.toFixed(1)} ms of ${OPENED} (target < ${TARGET_MS} ms)`);
    console.log(`Features table of one SAE: ${table.toFixed(1)} ms`);
    console.log('(Logit effects and neighbours read the weights once per SAE and are timed apart from this.)');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function timed(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

function storeRun(databasePath: string): string {
  const db = openDatabase(databasePath);
  try {
    const settings = { ...DEFAULT_RUN_SETTINGS, model: '/absent/model', saes: ['/absent/saes'], dataset: '/absent/data.jsonl', samples: WINDOWS };
    const { id } = createRun(db, 'statistics', settings);
    const store = createStatsStore(db, id);
    store.saveRun({ model: settings.model, dataset: settings.dataset, samples: WINDOWS, context: CONTEXT, packing: 'packed' }, { device: 'cpu' });
    const random = normalSampler(9);
    for (let sae = 0; sae < SAES; sae++) {
      store.saveSae(sae, { hook: `blocks.${sae}.hook_resid_pre`, d_in: 768, d_sae: FEATURES });
      store.saveFeatures(sae, featureStats(random));
      store.saveFeaturePages(sae, { examples: examples(random), histograms: new Uint32Array(FEATURES * HISTOGRAM_BINS).fill(3) });
    }
    const windows = new Map(Array.from({ length: WINDOWS }, (_, window) => [window, Int32Array.from({ length: CONTEXT }, (_, k) => (window * 31 + k) % 50257)]));
    store.saveExampleWindows({ perFeature: DEFAULT_EXAMPLES, windows });
    setRunState(db, id, 'finished');
    return id;
  } finally {
    db.close();
  }
}

function featureStats(random: () => number): FeatureStats {
  const series = () => Float64Array.from({ length: FEATURES }, () => Math.abs(random()));
  return { count: series(), density: series(), mean: series(), std: series(), max: series(), mean_all: series(), quantiles: { levels: [...QUANTILE_LEVELS], values: QUANTILE_LEVELS.map(series) } };
}

function examples(random: () => number): FeatureExamples {
  const total = FEATURES * DEFAULT_EXAMPLES;
  const pick = (limit: number) => Math.floor(Math.abs(random() * 1e6)) % limit;
  return {
    perFeature: DEFAULT_EXAMPLES,
    offsets: Int32Array.from({ length: FEATURES + 1 }, (_, feature) => feature * DEFAULT_EXAMPLES),
    windows: Int32Array.from({ length: total }, () => pick(WINDOWS)),
    positions: Int32Array.from({ length: total }, () => 1 + pick(CONTEXT - 1)),
    values: Float32Array.from({ length: total }, () => Math.abs(random())),
    contexts: new Uint16Array(total * CONTEXT_WIDTH),
  };
}
