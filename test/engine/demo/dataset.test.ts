import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../../src-main/engine/data/registry.js';
import { buildDemoRows, DEMO_DATASET_PATH } from '../../../src-main/engine/demo/dataset.js';
import { loadTokenizer } from '../../../src-main/engine/model/tokenizer.js';
import { GPT2_TOKENIZER_FOLDER } from '../model/text-samples.js';

const CONTEXT = 128;

describe('the demo dataset', () => {
  it('is exactly what the committed generator writes', () => {
    const expected = buildDemoRows().map((row) => JSON.stringify(row)).join('\n') + '\n';
    expect(readFileSync(DEMO_DATASET_PATH, 'utf8')).toBe(expected);
  });

  it('opens as jsonl with a text column, a topic label and no skipped rows', async () => {
    const dataset = await openDataset(DEMO_DATASET_PATH);
    expect(dataset.info).toMatchObject({ format: 'jsonl', textColumn: 'text', columns: ['text', 'topic'], skippedRows: 0 });
    expect(dataset.info.rowCount).toBeGreaterThanOrEqual(150);
    const topics = new Set(dataset.rows.map((row) => row.labels.topic));
    expect(topics.size).toBe(10);
    expect(new Set(dataset.rows.map((row) => row.text)).size).toBe(dataset.rows.length);
  });

  it('packs into at least 100 windows of 128 GPT-2 tokens', async () => {
    const tokenizer = loadTokenizer(GPT2_TOKENIZER_FOLDER);
    const dataset = await openDataset(DEMO_DATASET_PATH);
    // Each row is followed by EOS, and each window is BOS plus context − 1 tokens of the stream.
    const streamLength = dataset.rows.reduce((total, row) => total + tokenizer.encode(row.text).length + 1, 0);
    const windows = Math.floor(streamLength / (CONTEXT - 1));
    console.log(`demo dataset: ${dataset.rows.length} rows, ${streamLength} tokens, ${windows} windows of ${CONTEXT}`);
    expect(windows).toBeGreaterThanOrEqual(100);
  });
});
