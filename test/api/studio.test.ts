import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/api/dispatch.js';
import { Studio } from '../../src-main/api/studio.js';
import type { RunSettings } from '../../src-main/shared/settings/run-settings.js';
import type { StatsExport } from '../../src-main/shared/stats.js';
import { sampleExport } from '../engine/stats/sample-stats.js';
import { RUN_SETTINGS, storeFinishedRun } from '../helpers/runs.js';

const SETTINGS: RunSettings = { ...RUN_SETTINGS, dataset: '/data/demo.jsonl', samples: 2, batchSize: 1 };

let folder: string;
let studio: Studio;
let runId: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-studio-'));
  runId = storeFinishedRun(join(folder, 'studio.db'), sampleExport(false), SETTINGS);
  studio = new Studio({ databasePath: join(folder, 'studio.db'), host: 'browser', recognizers: [] });
});
afterAll(() => {
  studio.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('Studio handlers', () => {
  it("answers runs.stats with the run's stored statistics, and 'latest' works", async () => {
    const reply = await dispatch(studio.handlers, 'runs.stats', { runId: 'latest' });
    if (!reply.ok) throw new Error(reply.error.message);
    const stats = reply.value as StatsExport;
    expect(stats.run).toEqual(sampleExport(false).run);
    expect(Array.from(stats.saes[0].features.mean)).toEqual([1, 2]);
  });

  it('exports a figure of a run as base64 SVG', async () => {
    const request = { runId, family: 'position-mean-std', format: 'svg' };
    const reply = await dispatch(studio.handlers, 'figures.export', request);
    if (!reply.ok) throw new Error(reply.error.message);
    const figure = reply.value as { fileName: string; mimeType: string; base64: string };
    expect(figure).toMatchObject({ fileName: 'position-mean-std.svg', mimeType: 'image/svg+xml' });
    expect(Buffer.from(figure.base64, 'base64').toString('utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('exports with the settings the request carries, not the defaults', async () => {
    const svgOf = async (settings?: object) => {
      const request = { runId, family: 'position-mean-std', format: 'svg', ...(settings ? { settings } : {}) };
      const reply = await dispatch(studio.handlers, 'figures.export', request);
      if (!reply.ok) throw new Error(reply.error.message);
      return Buffer.from((reply.value as { base64: string }).base64, 'base64').toString('utf8');
    };
    const plain = await svgOf();
    expect(plain).not.toContain('<image');
    expect(plain).toMatch(/viewBox="0 0 1280 /);
    const chosen = await svgOf({ rasterThreshold: 0, rasterResolution: 1, width: 900, panelAspect: 1, shareAxes: false });
    expect(chosen).toMatch(/<image [^>]*xlink:href="data:image\/png;base64,/);
    expect(chosen).toMatch(/viewBox="0 0 900 /);
  });

  it('names an unknown run or figure in its error reply', async () => {
    const missing = await dispatch(studio.handlers, 'runs.stats', { runId: 'nope' });
    expect(missing).toEqual({ ok: false, error: { message: "There is no run with id 'nope'." } });
    const family = await dispatch(studio.handlers, 'figures.export', { runId, family: 'pie', format: 'svg' });
    expect(family.ok).toBe(false);
    if (!family.ok) expect(family.error.message).toMatch(/^Unknown figure 'pie'/);
  });
});
