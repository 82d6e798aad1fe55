import type Database from 'better-sqlite3';
import { HISTOGRAM_BINS } from '../engine/stats/histogram.js';
import type { ExampleWindows, FeaturePages } from '../engine/stats/stats-store.js';
import { fromHalf } from '../engine/stats/half-float.js';
import { CONTEXT_WIDTH, type ContextExample } from '../engine/stats/top-examples.js';

/** Bytes of one stored example: window Int32, position Int32, value Float32, then its context as float16 (migration 005). */
const EXAMPLE_BYTES = 12 + 2 * CONTEXT_WIDTH;

/** One feature's stored page data: no examples when the run kept none (see `recordedExamples`). */
export interface StoredFeaturePage {
  examples: ContextExample[];
  histogram: number[];
  /** Token ids of the windows its examples point at. */
  windows: Map<number, Int32Array>;
}

/** Writes every feature's examples and histogram of one SAE in one transaction. */
export function saveFeaturePages(db: Database.Database, runId: string, index: number, pages: FeaturePages): void {
  const insert = db.prepare('INSERT OR REPLACE INTO feature_pages (run_id, sae_index, feature, examples, histogram) VALUES (?, ?, ?, ?, ?)');
  const featureCount = pages.histograms.length / HISTOGRAM_BINS;
  db.transaction(() => {
    for (let feature = 0; feature < featureCount; feature++) {
      const histogram = pages.histograms.subarray(feature * HISTOGRAM_BINS, (feature + 1) * HISTOGRAM_BINS);
      insert.run(runId, index, feature, encodeExamples(pages, feature), Buffer.from(Uint32Array.from(histogram).buffer));
    }
  })();
}

function encodeExamples({ examples }: FeaturePages, feature: number): Buffer {
  if (!examples) return Buffer.alloc(0);
  const start = examples.offsets[feature];
  const count = examples.offsets[feature + 1] - start;
  const bytes = Buffer.alloc(count * EXAMPLE_BYTES);
  for (let k = 0; k < count; k++) {
    bytes.writeInt32LE(examples.windows[start + k], k * EXAMPLE_BYTES);
    bytes.writeInt32LE(examples.positions[start + k], k * EXAMPLE_BYTES + 4);
    bytes.writeFloatLE(examples.values[start + k], k * EXAMPLE_BYTES + 8);
    for (let c = 0; c < CONTEXT_WIDTH; c++) bytes.writeUInt16LE(examples.contexts[(start + k) * CONTEXT_WIDTH + c], k * EXAMPLE_BYTES + 12 + 2 * c);
  }
  return bytes;
}

function decodeExamples(bytes: Buffer): ContextExample[] {
  return Array.from({ length: bytes.length / EXAMPLE_BYTES }, (_, k) => ({
    window: bytes.readInt32LE(k * EXAMPLE_BYTES),
    position: bytes.readInt32LE(k * EXAMPLE_BYTES + 4),
    value: bytes.readFloatLE(k * EXAMPLE_BYTES + 8),
    context: Array.from({ length: CONTEXT_WIDTH }, (_, c) => fromHalf(bytes.readUInt16LE(k * EXAMPLE_BYTES + 12 + 2 * c))),
  }));
}

/** Records how many examples the run kept per feature and the tokens of every window they point at. */
export function saveExampleWindows(db: Database.Database, runId: string, { perFeature, windows }: ExampleWindows): void {
  const insert = db.prepare('INSERT OR REPLACE INTO example_windows (run_id, window_index, tokens) VALUES (?, ?, ?)');
  db.transaction(() => {
    db.prepare('UPDATE run_statistics SET examples = ? WHERE run_id = ?').run(perFeature, runId);
    for (const [window, tokens] of windows) insert.run(runId, window, Buffer.from(Int32Array.from(tokens).buffer));
  })();
}

/** Examples kept per feature: null for a run that predates examples, 0 when they were turned off. */
export function recordedExamples(db: Database.Database, runId: string): number | null {
  const row = db.prepare('SELECT examples FROM run_statistics WHERE run_id = ?').get(runId) as { examples: number | null } | undefined;
  return row?.examples ?? null;
}

/** One feature's examples, histogram and windows, or undefined when the run stored no page for it. */
export function loadFeaturePage(db: Database.Database, runId: string, index: number, feature: number): StoredFeaturePage | undefined {
  const row = db
    .prepare('SELECT examples, histogram FROM feature_pages WHERE run_id = ? AND sae_index = ? AND feature = ?')
    .get(runId, index, feature) as { examples: Buffer; histogram: Buffer } | undefined;
  if (!row) return undefined;
  const examples = decodeExamples(row.examples);
  const histogram = Array.from({ length: HISTOGRAM_BINS }, (_, bin) => row.histogram.readUInt32LE(bin * 4));
  return { examples, histogram, windows: loadWindows(db, runId, examples.map((example) => example.window)) };
}

/** The token ids of the given windows of a run (each once). */
export function loadWindows(db: Database.Database, runId: string, windows: readonly number[]): Map<number, Int32Array> {
  const select = db.prepare('SELECT tokens FROM example_windows WHERE run_id = ? AND window_index = ?');
  const result = new Map<number, Int32Array>();
  for (const window of new Set(windows)) {
    const row = select.get(runId, window) as { tokens: Buffer } | undefined;
    if (row) result.set(window, decodeTokens(row.tokens));
  }
  return result;
}

function decodeTokens(bytes: Buffer): Int32Array {
  return Int32Array.from({ length: bytes.length / 4 }, (_, k) => bytes.readInt32LE(k * 4));
}

/** Features of one SAE whose examples' highlighted token is `token`, ascending; one pass over the SAE's rows. */
export function featuresWithExampleToken(db: Database.Database, runId: string, index: number, token: number): number[] {
  const all = db.prepare('SELECT window_index, tokens FROM example_windows WHERE run_id = ?').all(runId) as { window_index: number; tokens: Buffer }[];
  const windows = new Map(all.map((row) => [row.window_index, decodeTokens(row.tokens)]));
  const rows = db.prepare('SELECT feature, examples FROM feature_pages WHERE run_id = ? AND sae_index = ? ORDER BY feature').iterate(runId, index);
  const found: number[] = [];
  for (const row of rows as Iterable<{ feature: number; examples: Buffer }>) {
    if (decodeExamples(row.examples).some((example) => windows.get(example.window)?.[example.position] === token)) found.push(row.feature);
  }
  return found;
}
