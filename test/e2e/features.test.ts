import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../../src-main/engine/progress.js';
import { runStatistics } from '../../src-main/engine/stats/run.js';
import { DEFAULT_RUN_SETTINGS, type RunSettings } from '../../src-main/shared/settings/run-settings.js';
import { openDatabase } from '../../src-main/store/database.js';
import { loadFeaturePage } from '../../src-main/store/feature-pages.js';
import { createRun, setRunState } from '../../src-main/store/runs.js';
import { createStatsStore, loadSaeFeatures } from '../../src-main/store/statistics.js';
import { SAE_SPECS, writeSpecSae, writeTinyModel, writeWordDataset } from '../engine/stats/fixtures.js';
import { ARTIFACTS_DIR, launchChromium, openStudio, saveScreenshot, TestHost, viewButton } from './harness.js';

const HOOK = 'blocks.1.hook_resid_pre';

let browser: Browser;
let host: TestHost;
let page: Page;
let runId: string;
const pageErrors: string[] = [];

/** A finished run of the tiny model with two SAEs, computed here straight into the host's database. */
async function storeRun(databasePath: string): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'sae-e2e-features-'));
  const settings: RunSettings = {
    ...DEFAULT_RUN_SETTINGS,
    model: writeTinyModel(root),
    saes: SAE_SPECS.slice(2).map((spec, index) => writeSpecSae(join(root, `sae-${index}`), spec, 60 + index)),
    dataset: writeWordDataset(join(root, 'words.jsonl'), 80),
    samples: 24,
    context: 16,
    device: 'cpu',
  };
  const db = openDatabase(databasePath);
  try {
    const { id } = createRun(db, 'statistics', settings);
    await runStatistics(settings, { progress: silentProgress, store: createStatsStore(db, id) });
    setRunState(db, id, 'finished');
    return id;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  browser = await launchChromium();
  host = await TestHost.start();
  runId = await storeRun(host.databasePath);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
  await openStudio(page, host, pageErrors);
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
});

/** What the store holds for one feature of the SAE at HOOK (index 0 of the run). */
function stored(feature: number) {
  const db = openDatabase(host.databasePath);
  try {
    return { stats: loadSaeFeatures(db, runId, 0).features, page: loadFeaturePage(db, runId, 0, feature)! };
  } finally {
    db.close();
  }
}

function table() {
  return page.getByTestId('features-table');
}

async function firstColumn(): Promise<number[]> {
  const cells = await table().locator('tbody tr td:first-child').allTextContents();
  return cells.map(Number);
}

describe('the Features view, end to end', () => {
  it('lists the features of the chosen run and SAE, sorted by density', async () => {
    await viewButton(page, 'Features').click();
    await page.locator('#features-run').selectOption(runId);
    await table().waitFor();
    expect(await page.locator('#features-sae option').allTextContents()).toEqual([`${HOOK} · 24 features`, 'blocks.1.hook_resid_post · 24 features']);
    const { stats } = stored(0);
    const byDensity = Array.from({ length: 24 }, (_, i) => i).sort((a, b) => stats.density[b] - stats.density[a] || a - b);
    expect(await firstColumn()).toEqual(byDensity);
    await page.getByRole('button', { name: /^index/ }).click();
    expect(await firstColumn()).toEqual(Array.from({ length: 24 }, (_, i) => i));
    await page.getByRole('button', { name: /^max/ }).click();
    const byMax = Array.from({ length: 24 }, (_, i) => i).sort((a, b) => stats.max[b] - stats.max[a] || a - b);
    expect(await firstColumn()).toEqual(byMax);
    await saveScreenshot(page, 'ui-features-table');
  });

  it('filters by density', async () => {
    const { stats } = stored(0);
    await page.getByLabel('Density from').fill('0.5');
    await page.getByLabel('Density from').dispatchEvent('change');
    const dense = Array.from(stats.density).filter((density) => density >= 0.5).length;
    await expect.poll(() => page.getByTestId('feature-count').textContent()).toBe(`${dense} of 24 features`);
    expect((await firstColumn()).length).toBe(dense);
    await page.getByLabel('Density from').fill('0');
    await page.getByLabel('Density from').dispatchEvent('change');
  });

  it('opens a feature page with its examples, the active token marked and coloured by activation', async () => {
    const best = (await firstColumn())[0];
    await table().locator(`tr[data-feature="${best}"]`).click();
    const view = page.getByTestId('feature-page');
    await view.waitFor();
    expect(await view.getAttribute('data-feature')).toBe(String(best));
    const { page: storedPage } = stored(best);
    const examples = view.getByTestId('example');
    expect(await examples.count()).toBe(storedPage.examples.length);
    expect(storedPage.examples.length).toBe(20);
    const first = examples.first();
    const window = storedPage.windows.get(storedPage.examples[0].window)!;
    const active = first.locator('.token.active');
    expect(await active.count()).toBe(1);
    const tokens = await first.locator('.token').count();
    expect(tokens).toBe(Math.min(window.length, storedPage.examples[0].position + 9) - Math.max(0, storedPage.examples[0].position - 8));
    const background = await active.evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(background).not.toBe('rgb(255, 255, 255)');
    expect(await view.getByTestId('feature-stats').textContent()).toContain('density');
    expect(await view.getByTestId('logit-effects').locator('li').count()).toBe(20);
    await view.getByRole('img', { name: 'Activation histogram and logit effects' }).locator('canvas').first().waitFor();
    await saveScreenshot(page, 'ui-feature-page');
  });

  it('copies the examples as text and exports the charts as SVG', async () => {
    await page.getByRole('button', { name: 'Copy examples' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const lines = copied.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Feature \\d+ of ${HOOK.replace(/\./g, '\\.')}$`));
    expect(lines).toHaveLength(21);
    expect(lines[1]).toMatch(/^[\d.e+-]+\t.*\[.+\]/);
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    const path = join(ARTIFACTS_DIR, file.suggestedFilename());
    await file.saveAs(path);
    const svg = readFileSync(path, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<g id="panel-histogram">');
    expect(svg).toContain('<g id="panel-logit-effect">');
  });

  it('follows a neighbour to its page', async () => {
    const neighbour = page.getByTestId('neighbours').getByRole('button').first();
    const name = (await neighbour.textContent())!;
    await neighbour.click();
    await expect.poll(() => page.getByTestId('feature-page').getAttribute('data-feature')).toBe(name.replace('Feature ', ''));
  });

  it('finds features by index and by token', async () => {
    await page.getByRole('button', { name: 'Back to table' }).click();
    await page.getByLabel('Feature index or token').fill('7');
    await page.getByRole('button', { name: 'Find' }).click();
    await expect.poll(() => page.getByTestId('feature-page').getAttribute('data-feature')).toBe('7');
    await page.getByRole('button', { name: 'Back to table' }).click();
    await page.getByLabel('Feature index or token').fill(' cat');
    await page.getByRole('button', { name: 'Find' }).click();
    const results = page.getByTestId('token-search');
    await results.waitFor();
    expect(await results.textContent()).toContain('Most promoted by');
    expect(await results.getByRole('button').count()).toBeGreaterThanOrEqual(10);
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
