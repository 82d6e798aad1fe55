import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESIDUAL_FIGURE_FAMILIES } from '../../src-main/shared/figures/residual/families.js';
import { openDatabase } from '../../src-main/store/database.js';
import { getRun } from '../../src-main/store/runs.js';
import { writeSpecSae, writeTinyModel } from '../engine/stats/fixtures.js';
import { launchChromium, openStudio, saveScreenshot, TestHost, viewButton } from './harness.js';

const FOLDER = mkdtempSync(join(tmpdir(), 'sae-e2e-residual-'));
const DATASET = resolve('resources/demo-data/demo.jsonl');
let model: string;
let sae: string;
let browser: Browser;
let host: TestHost;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  model = writeTinyModel(FOLDER);
  sae = writeSpecSae(join(FOLDER, 'sae'), { architecture: 'topk', hook: 'blocks.1.hook_resid_pre' }, 3);
  browser = await launchChromium();
  host = await TestHost.start();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await openStudio(page, host, pageErrors);
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(FOLDER, { recursive: true, force: true });
});

function view(name: string) {
  return viewButton(page, name);
}

describe('residual stream in the UI', () => {
  it('starts a residual-stream run from New run, without SAEs, and records its kind and settings', async () => {
    await page.getByLabel('Local path').fill([model, sae, DATASET].join('\n'));
    await page.getByRole('button', { name: 'Add path' }).click();
    await expect.poll(() => page.getByTestId('library-item').count(), { timeout: 60_000 }).toBe(3);
    await view('New run').click();
    await page.getByLabel('Residual stream').check();
    await page.getByLabel(/^Model/).selectOption(model);
    await page.getByLabel(/^Dataset/).selectOption(DATASET);
    await page.getByLabel(/^Samples/).fill('8');
    await page.getByLabel(/^Context/).fill('16');
    await page.getByLabel(/^Batch size/).fill('4');
    await page.getByLabel(/^Device/).selectOption('cpu');
    expect(await page.getByRole('group', { name: 'SAEs' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Start run' }).click();
    const run = page.getByTestId('run').first();
    await expect.poll(() => run.getAttribute('data-state'), { timeout: 240_000 }).toBe('finished');
    const db = openDatabase(host.databasePath);
    try {
      const recorded = getRun(db, 'latest');
      expect(recorded.kind).toBe('residual');
      expect(recorded.settings).toMatchObject({ samples: 8, context: 16, batchSize: 4, logitLens: true });
    } finally {
      db.close();
    }
  }, 300_000);

  it('opens every residual figure of the finished run', async () => {
    await page.getByRole('button', { name: 'Open figures' }).first().click();
    for (const family of RESIDUAL_FIGURE_FAMILIES) {
      await page.locator(`[data-family="${family.id}"]`).click();
      const chart = page.getByRole('img', { name: family.title });
      await chart.waitFor({ timeout: 60_000 });
      await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0);
      await saveScreenshot(page, `ui-residual-${family.id}`);
    }
  });

  it('inspects a text in a job: a norm per token and point, and a cell’s logit lens and SAE features', async () => {
    await view('Text inspector').click();
    await page.getByLabel(/^Model/).selectOption(model);
    await page.locator(`input[type="checkbox"][value="${sae}"]`).check();
    await page.getByLabel(/^Device/).selectOption('cpu');
    await page.getByLabel(/^Text/).fill('The cat sat on a mat.');
    await page.getByRole('button', { name: 'Inspect', exact: true }).click();
    const table = page.getByRole('table', { name: 'Residual norms' });
    await table.waitFor({ timeout: 240_000 });
    expect(await table.locator('tbody tr').count()).toBe(8);
    await page.getByRole('button', { name: /^Layer 1, token 2: norm / }).click();
    const detail = page.getByRole('complementary', { name: 'Cell detail' });
    await expect.poll(() => detail.locator('ol.lens li').count()).toBe(5);
    expect(await detail.getByText('blocks.1.hook_resid_pre').count()).toBe(1);
    expect(await detail.locator('ol.features li').count()).toBeGreaterThan(0);
    await saveScreenshot(page, 'ui-inspector');
  }, 300_000);

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
