import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectText, residualPointOf } from '../../../src-main/engine/residual/inspect.js';
import { readModelFolder } from '../../../src-main/engine/model/folder.js';
import { referenceEncoder } from '../../../src-main/engine/sae/reference.js';
import { writeSaeLensFolder } from '../../helpers/sae-files.js';
import { perfectSaeParams, TINY_MODEL, writeTinyModel } from '../stats/fixtures.js';
import { bruteForceWindow, norm } from './brute-force.js';

const TEXT = 'The cat sat on a mat.';
let root: string;
let model: string;
let sae: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'inspect-'));
  model = writeTinyModel(root);
  sae = writeSaeLensFolder(join(root, 'sae'), perfectSaeParams('blocks.0.hook_resid_post', TINY_MODEL.width));
});

function tokensOf(text: string): number[] {
  const folder = readModelFolder(model);
  folder.weights.close();
  return [50256, ...folder.tokenizer.encode(text)];
}

describe('text inspector', () => {
  it('gives every point’s norms and logit-lens top 5, and a residual SAE’s top features, as float64 loops do', async () => {
    const inspection = await inspectText({ model, text: TEXT, saes: [sae], device: 'cpu' }, { createEncoder: async (params) => referenceEncoder(params) });
    const ids = tokensOf(TEXT);
    expect(inspection.tokens.map((token) => token.id)).toEqual(ids);
    expect(inspection.tokens[2]!.text).toBe(' cat');
    const expected = bruteForceWindow(model, ids);
    expected.points.forEach((rows, point) => rows.forEach((row, t) => expect(inspection.norms[point]![t]).toBeCloseTo(norm(row), 4)));
    expected.logProbabilities.forEach((rows, point) => rows.forEach((row, t) => {
      const top = Array.from(row, (value, token) => ({ value, token })).sort((a, b) => b.value - a.value).slice(0, 5);
      expect(inspection.lensTokens[point]![t]).toEqual(top.map((entry) => entry.token));
      inspection.lensProbabilities[point]![t]!.forEach((probability, k) => expect(probability).toBeCloseTo(Math.exp(top[k]!.value), 5));
    }));
    // The SAE reads resid_post of block 0, which is point 1; its features are relu(c) and relu(−c) of the centred c = x − mean(x).
    const [inspected] = inspection.saes;
    expect(inspected!.point).toBe(1);
    expected.points[1]!.forEach((row, t) => {
      const mean = row.reduce((sum, value) => sum + value, 0) / row.length;
      const ranked = Array.from(row, (value) => value - mean).map((value, dim) => ({ value: Math.abs(value), feature: value > 0 ? dim : TINY_MODEL.width + dim })).sort((a, b) => b.value - a.value);
      expect(inspected!.features[t]).toEqual(ranked.slice(0, 10).map((entry) => entry.feature));
      inspected!.activations[t]!.forEach((value, k) => expect(value).toBeCloseTo(ranked[k]!.value, 5));
    });
  });

  it('maps residual hooks to their points and says when a text has no tokens', async () => {
    expect([residualPointOf('blocks.0.hook_resid_pre', 2), residualPointOf('blocks.1.hook_resid_post', 2), residualPointOf('blocks.1.hook_mlp_out', 2)]).toEqual([0, 2, undefined]);
    await expect(inspectText({ model, text: '', saes: [], device: 'cpu' })).rejects.toThrow('The text gives no tokens: type or paste some text to inspect.');
  });
});
