import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { storeFinishedResidualRun } from '../helpers/residual-runs.js';
import { storeFinishedRun } from '../helpers/runs.js';
import { syntheticStats } from '../helpers/synthetic-stats.js';

let folder: string;
let databasePath: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-cli-figures-'));
  databasePath = join(folder, 'studio.db');
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(folder, { recursive: true, force: true });
});

describe('sae-studio figures', () => {
  it('writes the chosen figures of the latest run in each format, named after the family', async () => {
    const runId = storeFinishedRun(databasePath, syntheticStats({ layers: 4, features: 128, context: 16, samples: 8, ce: true }));
    const out = join(folder, 'figures');
    const result = await runCli(['figures', 'latest', '--out', out, '--db', databasePath, '--format', 'svg,png', '--families', 'density,layer-summary', '--scale', '2']);
    expect(result.errors).toBe('');
    expect(result.code).toBe(0);
    expect(result.output).toContain(`run ${runId}`);
    expect(readdirSync(out).sort()).toEqual(['density.png', 'density.svg', 'layer-summary.png', 'layer-summary.svg']);
    expect(readFileSync(join(out, 'density.png')).readUInt32BE(16)).toBe(2560);
    expect(readFileSync(join(out, 'density.svg'), 'utf8')).toContain('<g id="panel-layer-3">');
  });

  it('writes a residual run’s figures when named by its id, and refuses a statistics figure for it', async () => {
    const runId = storeFinishedResidualRun(databasePath);
    const out = join(folder, 'figures');
    const result = await runCli(['figures', runId, '--out', out, '--db', databasePath, '--format', 'svg']);
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['residual-cosines.svg', 'residual-logit-lens.svg', 'residual-massive.svg', 'residual-norm-heatmap.svg', 'residual-norm.svg']);
    expect(readFileSync(join(out, 'residual-norm.svg'), 'utf8')).toContain('<g id="panel-without-bos">');
    const wrong = await runCli(['figures', runId, '--out', out, '--db', databasePath, '--families', 'density']);
    expect(wrong.code).toBe(1);
    expect(wrong.errors).toContain("Unknown figure 'density': expected one of residual-norm, residual-norm-heatmap, residual-cosines, residual-massive, residual-logit-lens.");
  });

  it('passes figure settings through as flags', async () => {
    const runId = storeFinishedRun(databasePath, syntheticStats({ layers: 2, features: 64, context: 16, samples: 8 }));
    const out = join(folder, 'figures');
    const flags = ['--families', 'quantiles', '--width', '900', '--font-scale', '2', '--rasterize', 'on'];
    expect((await runCli(['figures', runId, '--out', out, '--db', databasePath, ...flags])).code).toBe(0);
    const svg = readFileSync(join(out, 'quantiles.svg'), 'utf8');
    expect(svg).toMatch(/viewBox="0 0 900 /);
    expect(svg).toContain('font-size="32"');
    expect(svg).toContain('<image ');
  });

  it('names a bad flag value in its error', async () => {
    storeFinishedRun(databasePath, syntheticStats({ layers: 1, features: 16, context: 8, samples: 2 }));
    const result = await runCli(['figures', 'latest', '--out', join(folder, 'x'), '--db', databasePath, '--format', 'svg,gif']);
    expect(result.code).toBe(1);
    expect(result.errors).toContain("--format takes a comma-separated list of svg, png, not 'svg,gif'.");
  });

  it('holds figure settings to the ranges the app accepts', async () => {
    storeFinishedRun(databasePath, syntheticStats({ layers: 1, features: 16, context: 8, samples: 2 }));
    const result = await runCli(['figures', 'latest', '--out', join(folder, 'x'), '--db', databasePath, '--layer-opacity', '7']);
    expect(result.code).toBe(1);
    expect(result.errors).toContain("--layer-opacity must be a number from 0.01 to 1, not '7'.");
  });
});
