import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleSaeParams, writeSaeLensFolder } from '../helpers/sae-files.js';
import { TINY_MODEL, writeTinyModel } from '../engine/stats/fixtures.js';

let root: string;
let model: string;
let sae: string;
let database: string;
let dataset: string;
let correlation: string;

function cli(args: string[]) {
  const result = spawnSync('node', ['src-main/cli/bin.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cli-corrsteer-'));
  model = writeTinyModel(root);
  sae = writeSaeLensFolder(join(root, 'sae'), sampleSaeParams({ inputSize: TINY_MODEL.width, featureCount: 24, hook: 'blocks.1.hook_resid_pre', seed: 6 }));
  database = join(root, 'studio.db');
  const rows = ['the cat sat', 'rain fell on the hills', 'birds sang', 'a quiet mat', 'seven birds sang over hills', 'the rain'];
  dataset = join(root, 'labelled.jsonl');
  writeFileSync(dataset, rows.map((text, index) => JSON.stringify({ text, topic: index % 2 ? 'weather' : 'animals' })).join('\n'));
});

describe('sae-studio correlate and steer', () => {
  it('correlates in a job, prints the top features and writes corr.json with the spec keys', () => {
    const out = join(root, 'corr.json');
    const args = ['correlate', '--model', model, '--sae', sae, '--dataset', dataset, '--label', 'topic', '--positive', 'weather'];
    const { code, stdout } = cli([...args, '--top-k', '4', '--export', out, '--db', database, '--device', 'cpu']);
    expect(code).toBe(0);
    expect(stdout).toContain('Correlation with topic=weather over 6 rows (max-pooled)');
    correlation = /^Run ([0-9a-f]{8})$/m.exec(stdout)![1]!;
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(json)).toEqual(['label', 'pooling', 'rows', 'saes']);
    expect(json.saes[0].top).toHaveLength(4);
    expect(json.saes[0].pearson).toHaveLength(24);
  });

  it('names the columns when the label column is unknown', () => {
    const { code, stderr } = cli(['correlate', '--model', model, '--sae', sae, '--dataset', dataset, '--label', 'mood', '--db', database, '--device', 'cpu']);
    expect(code).toBe(1);
    expect(stderr).toContain("labelled.jsonl has no label column 'mood'; its label columns are 'topic' (categorical).");
  });

  it('steers with a stored correlation and exports both continuations per prompt', () => {
    const out = join(root, 'steer.json');
    const prompts = join(root, 'prompts.txt');
    writeFileSync(prompts, 'The cat\nRain fell\n');
    const args = ['steer', '--model', model, '--sae', sae, '--from-correlation', correlation, '--top-k', '2', '--prompts-from', prompts];
    const { code, stdout } = cli([...args, '--max-new-tokens', '6', '--export', out, '--db', database, '--device', 'cpu']);
    expect(code).toBe(0);
    expect(stdout).toContain('Prompt: Rain fell');
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.features).toHaveLength(2);
    expect(json.prompts.map((prompt: { prompt: string }) => prompt.prompt)).toEqual(['The cat', 'Rain fell']);
    const activation = json.prompts[0].steered.activations[0];
    expect(Object.keys(activation)).toEqual(['hook', 'feature', 'max', 'mean', 'values']);
    expect(activation.values).toHaveLength(json.prompts[0].steered.tokens.length);
  });

  it('refuses a malformed --feature', () => {
    const { code, stderr } = cli(['steer', '--model', model, '--sae', sae, '--feature', '12', '--prompt', 'x', '--db', database]);
    expect(code).toBe(1);
    expect(stderr).toContain("--feature '12' is not FEATURE:COEFFICIENT or HOOK:FEATURE:COEFFICIENT, e.g. 123:50.");
  });
});
