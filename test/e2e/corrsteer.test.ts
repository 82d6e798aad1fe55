import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModel } from '../../src-main/engine/demo/model.js';
import { openDatabase } from '../../src-main/store/database.js';
import { getRun } from '../../src-main/store/runs.js';
import { sampleSaeParams, writeSaeLensFolder } from '../helpers/sae-files.js';
import { launchChromium, openStudio, saveScreenshot, TestHost, viewButton } from './harness.js';

const FOLDER = mkdtempSync(join(tmpdir(), 'sae-e2e-corrsteer-'));
const MODEL = join(FOLDER, 'model');
const SAE = join(FOLDER, 'sae');
const DATASET = join(FOLDER, 'topics.jsonl');
const WORDS = { weather: ['rain fell on the hills', 'the wind was cold', 'snow and sleet'], animals: ['the cat sat', 'birds sang', 'a dog barked'] };

let browser: Browser;
let host: TestHost;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  writeDemoModel(MODEL, { layers: 2, width: 16, heads: 2, context: 64, seed: 3 });
  writeSaeLensFolder(SAE, sampleSaeParams({ inputSize: 16, featureCount: 24, hook: 'blocks.1.hook_resid_pre', seed: 5 }));
  const rows = Array.from({ length: 12 }, (_, index) => {
    const topic = index % 2 ? 'weather' : 'animals';
    return JSON.stringify({ text: WORDS[topic][index % 3], topic });
  });
  writeFileSync(DATASET, rows.join('\n'));
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

function latestRun() {
  const db = openDatabase(host.databasePath);
  try {
    return getRun(db, 'latest');
  } finally {
    db.close();
  }
}

function latestSettings(): unknown {
  return latestRun().settings;
}

/** The newest run's end, with its message when it did not finish. */
async function settled(): Promise<string> {
  await expect.poll(() => ['queued', 'running'].includes(latestRun().state), { timeout: 120_000 }).toBe(false);
  const run = latestRun();
  return `${run.state}${run.message ? `: ${run.message}` : ''}`;
}

describe('correlation and steering, end to end', () => {
  it('shows a dataset label column with its kind and value counts in the Library', async () => {
    await page.getByLabel('Local path').fill([MODEL, SAE, DATASET].join('\n'));
    await page.getByRole('button', { name: 'Add path' }).click();
    await expect.poll(() => page.getByTestId('library-item').count(), { timeout: 60_000 }).toBe(3);
    await page.getByText('categorical: animals 6, weather 6').waitFor();
  });

  it('correlates features with a category, one-vs-rest, and draws its figures and table', async () => {
    await view('Correlation').click();
    const form = page.getByRole('form', { name: 'New correlation' });
    await form.getByLabel(/^Model/).selectOption(MODEL);
    await form.getByLabel(/^Dataset/).selectOption(DATASET);
    await form.getByLabel(/^Label column/).selectOption('topic');
    await form.getByLabel(/^Positive value/).selectOption('weather');
    await form.getByLabel(/^Samples/).fill('12');
    await form.getByLabel(/^Top k/).fill('5');
    await form.getByLabel(/^Device/).selectOption('cpu');
    await form.locator(`input[type="checkbox"][value="${SAE}"]`).check();
    await form.getByRole('button', { name: 'Start correlation' }).click();
    await page.getByText(/Run [0-9a-f]{8} queued/).waitFor();
    expect(latestSettings()).toMatchObject({ label: 'topic', positive: 'weather', samples: 12, topK: 5, pooling: 'max', saes: [SAE] });
    const picker = page.getByLabel('Correlation run');
    await expect.poll(() => picker.locator('option').count(), { timeout: 120_000 }).toBe(2);
    await picker.selectOption({ index: 1 });
    for (const title of ['Top features by |r|', 'Distribution of r', 'Max |r| per layer']) {
      await expect.poll(() => page.getByRole('img', { name: title }).locator('canvas').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    }
    expect(await page.getByTestId('correlation-table').locator('tbody tr').count()).toBe(5);
    await saveScreenshot(page, 'ui-correlation');
  });

  it('steers with a feature picked from the table and shows default and steered side by side', async () => {
    const first = page.getByTestId('correlation-table').locator('tbody tr').first();
    const feature = Number((await first.locator('td').first().innerText()).slice(1));
    await first.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Steer with the chosen features' }).click();
    const form = page.getByRole('form', { name: 'Steer' });
    expect(await page.getByTestId('steered-feature').count()).toBe(1);
    await page.getByLabel(`Coefficient of feature ${feature}, exact`).fill('80');
    await form.getByLabel(/^Model/).selectOption(MODEL);
    await form.getByLabel('Prompts', { exact: true }).fill('The cat\nRain fell');
    await form.getByLabel(/^New tokens/).fill('6');
    await form.getByLabel(/^Device/).selectOption('cpu');
    await form.getByRole('button', { name: 'Generate default and steered' }).click();
    await expect.poll(() => latestRun().kind).toBe('steer');
    expect(await settled()).toBe('finished');
    await expect.poll(() => page.getByTestId('comparison').count(), { timeout: 120_000 }).toBe(2);
    expect(latestSettings()).toMatchObject({ saes: [SAE], features: [{ sae: 0, feature, coefficient: 80 }], prompts: ['The cat', 'Rain fell'], maxNewTokens: 6 });
    const steered = page.getByTestId('comparison').first().getByTestId('continuation-steered');
    expect(await steered.locator('.token').count()).toBeGreaterThan(0);
    expect(await steered.locator('h4').innerText()).toMatch(new RegExp(`#${feature} max`));
    await saveScreenshot(page, 'ui-steering');
  });

  it('lists every kind of run with its own summary', async () => {
    await view('Runs').click();
    await page.getByText(/^Correlation · model · 1 SAE · topics\.jsonl$/).waitFor();
    await page.getByText(/^Steering · model · 1 SAE$/).waitFor();
    expect(await page.getByRole('button', { name: 'Open correlation' }).count()).toBe(1);
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
