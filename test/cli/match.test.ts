import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SaeParams } from '../../src-main/engine/sae/types.js';
import { runCli } from '../helpers/cli.js';
import { sampleSaeParams, writeSaeLensFolder, writeSparsifyFolder } from '../helpers/sae-files.js';
import { bruteCosines, hungarianBest } from '../engine/compare/reference.js';

afterEach(() => vi.restoreAllMocks());

const SPEC_KEYS = ['by', 'top_k', 'thresholds', 'a', 'b', 'same_model', 'zero_norm', 'a_to_b', 'b_to_a', 'mutual', 'assignment', 'summary'];

function rowsOf(weights: Float32Array, rows: number, width: number): number[][] {
  return Array.from({ length: rows }, (_, row) => Array.from(weights.subarray(row * width, (row + 1) * width)));
}

function encoderColumns(params: SaeParams): number[][] {
  const { featureCount, inputSize, encoderWeights } = params;
  return Array.from({ length: featureCount }, (_, feature) => Array.from({ length: inputSize }, (_, d) => encoderWeights[d * featureCount + feature]!));
}

describe('sae-studio match', () => {
  it('exports a pair as the spec writes it, with cosines and the optimum checked by brute force', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'match-'));
    const a = sampleSaeParams({ inputSize: 8, featureCount: 20, seed: 3, hook: 'blocks.2.hook_resid_pre' });
    const b = sampleSaeParams({ inputSize: 8, featureCount: 28, seed: 4, architecture: 'topk', k: 4, hook: 'blocks.3.hook_resid_pre' });
    writeSaeLensFolder(join(folder, 'a'), a);
    writeSparsifyFolder(join(folder, 'layers.3'), b);
    const out = join(folder, 'match.json');
    const result = await runCli(['match', '--sae', join(folder, 'a'), '--sae', join(folder, 'layers.3'), '--by', 'encoder', '--top-k', '3', '--export', out, '--device', 'cpu', '--db', join(folder, 'studio.db')]);
    expect(result.code).toBe(0);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(exported)).toEqual(SPEC_KEYS);
    expect(exported).toMatchObject({ by: 'encoder', top_k: 3, thresholds: [0.5, 0.7, 0.9], a: { hook: 'blocks.2.hook_resid_pre', d_sae: 20 }, b: { d_sae: 28 } });
    const cosines = bruteCosines(encoderColumns(a), encoderColumns(b));
    exported.a_to_b.top_cosine.forEach((row: number[], i: number) => {
      const sorted = [...cosines[i]!].sort((x, y) => y - x);
      row.forEach((cosine, slot) => expect(cosine).toBeCloseTo(sorted[slot]!, 5));
    });
    expect(exported.b_to_a.top_index).toHaveLength(28);
    expect(exported.assignment.optimal).toBe(true);
    expect(exported.assignment.total).toBeCloseTo(hungarianBest(cosines).total, 4);
    expect(Object.keys(exported.summary)).toEqual(['top1_mean', 'top1_median', 'top1_geomean', 'top1_above', 'assignment_above']);
    expect(Object.keys(exported.summary.top1_above)).toEqual(['0.5', '0.7', '0.9']);
  });

  it('matches every pair of a set and writes the matrices and one file per pair', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'match-set-'));
    const layers = [0, 1, 2].map((layer) => sampleSaeParams({ inputSize: 6, featureCount: 10, seed: 10 + layer, hook: `blocks.${layer}.hook_resid_pre` }));
    layers.forEach((params, layer) => writeSaeLensFolder(join(folder, 'set', `layer_${layer}`), params));
    const out = join(folder, 'set.json');
    const pairs = join(folder, 'pairs');
    const result = await runCli(['match', '--sae', join(folder, 'set'), '--export', out, '--pairs-dir', pairs, '--device', 'cpu', '--db', join(folder, 'studio.db')]);
    expect(result.code).toBe(0);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    expect(exported.saes.map((sae: { hook: string }) => sae.hook)).toEqual(['blocks.0.hook_resid_pre', 'blocks.1.hook_resid_pre', 'blocks.2.hook_resid_pre']);
    const decoders = layers.map((params) => rowsOf(params.decoderWeights, 10, 6));
    for (const [k, l] of [[0, 1], [0, 2], [1, 2]] as const) {
      expect(existsSync(join(pairs, `pair-${k}-${l}.json`))).toBe(true);
      const cosines = bruteCosines(decoders[k]!, decoders[l]!);
      const { columnOf } = hungarianBest(cosines);
      const above = columnOf.filter((column, row) => cosines[row]![column]! > 0.7).length / 10;
      expect(exported.matrices['assignment_above_0.7'][k][l]).toBeCloseTo(above, 9);
      expect(exported.matrices['assignment_above_0.7'][l][k]).toBeCloseTo(above, 9);
      const top1 = cosines.map((row) => Math.max(...row)).sort((x, y) => x - y);
      expect(exported.matrices.top1_median[k][l]).toBeCloseTo((top1[4]! + top1[5]!) / 2, 5);
    }
    expect(exported.matrices.top1_geomean[1][1]).toBe(1);
    const figures = join(folder, 'figures');
    const drawn = await runCli(['figures', 'latest-match', '--out', figures, '--format', 'svg', '--db', join(folder, 'studio.db')]);
    expect(drawn.code).toBe(0);
    expect(existsSync(join(figures, 'match-layers.svg'))).toBe(true);
    expect(existsSync(join(figures, 'pair-1-2', 'match-top1.svg'))).toBe(true);
    expect(readFileSync(join(figures, 'match-layers.svg'), 'utf8')).toContain(`>${exported.matrices.top1_median[0][2].toFixed(2)}<`);
  });

  it('refuses one SAE, and SAEs of different d_in, naming them', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'match-bad-'));
    writeSaeLensFolder(join(folder, 'small'), sampleSaeParams({ inputSize: 6, featureCount: 10 }));
    writeSaeLensFolder(join(folder, 'wide'), sampleSaeParams({ inputSize: 8, featureCount: 10 }));
    const db = ['--device', 'cpu', '--db', join(folder, 'studio.db')];
    const one = await runCli(['match', '--sae', join(folder, 'small'), ...db]);
    expect(one.code).toBe(1);
    expect(one.errors).toContain('Matching needs at least two SAEs');
    const mixed = await runCli(['match', '--sae', join(folder, 'small'), '--sae', join(folder, 'wide'), ...db]);
    expect(mixed.code).toBe(1);
    expect(mixed.errors).toContain(`Cannot match ${join(folder, 'small')} (d_in 6) with ${join(folder, 'wide')} (d_in 8)`);
    const runs = await runCli(['runs', ...db.slice(2)]);
    expect(runs.output).toMatch(/match\s+failed/);
  });
});
