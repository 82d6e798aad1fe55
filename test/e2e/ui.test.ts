import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModel } from '../../src-main/engine/demo/model.js';
import { ensureDemoSaes } from '../../src-main/engine/demo/saes.js';
import type { RunSettings } from '../../src-main/shared/settings/run-settings.js';
import { openDatabase } from '../../src-main/store/database.js';
import { getRun } from '../../src-main/store/runs.js';
import { FIGURE_FAMILIES } from '../../src-main/shared/figures/families.js';
import { ARTIFACTS_DIR, launchChromium, openStudio, saveScreenshot, TestHost, viewButton } from './harness.js';

// The demo's generators, into a folder of this test's own, so a fresh clone needs no earlier `npm run demo`.
const DEMO_FOLDER = mkdtempSync(join(tmpdir(), 'sae-e2e-demo-'));
const DEMO_MODEL = join(DEMO_FOLDER, 'model');
const DEMO_SAES = [0, 1, 2, 3].map((layer) => join(DEMO_FOLDER, `saes/blocks.${layer}.hook_resid_pre`));
const DEMO_DATASET = resolve('resources/demo-data/demo.jsonl');

let browser: Browser;
let host: TestHost;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureDemoSaes(join(DEMO_FOLDER, 'saes'), ensureDemoModel(DEMO_MODEL));
  browser = await launchChromium();
  host = await TestHost.start();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  await openStudio(page, host, pageErrors);
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(DEMO_FOLDER, { recursive: true, force: true });
});

function view(name: string) {
  return viewButton(page, name);
}

/** The settings the host recorded for the newest run, read from its database. */
function recordedSettings(): RunSettings {
  const db = openDatabase(host.databasePath);
  try {
    const run = getRun(db, 'latest');
    if (run.kind !== 'statistics') throw new Error(`The newest run is a ${run.kind} run.`);
    return run.settings;
  } finally {
    db.close();
  }
}

/** Drops a file the way a user's drag does, through a DataTransfer on the drop zone. */
async function dropFile(name: string, content: string): Promise<void> {
  await page.getByRole('region', { name: 'Drop zone' }).evaluate(
    (zone, [fileName, text]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], fileName));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    [name, content] as const,
  );
}

/** Every state a progress bar shows, recorded as the page draws it, since a small run outpaces polling. */
async function recordProgressBars(): Promise<void> {
  await page.evaluate(() => {
    const seen = new Set<string>();
    Object.assign(window, { progressSeen: seen });
    const record = () => {
      for (const bar of document.querySelectorAll('[role="progressbar"]')) {
        seen.add(JSON.stringify({ label: bar.getAttribute('aria-label'), done: Number(bar.getAttribute('aria-valuenow')), total: Number(bar.getAttribute('aria-valuemax')), text: bar.textContent?.replace(/\s+/g, ' ').trim() }));
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

async function progressSeen(): Promise<{ label: string; done: number; total: number; text: string }[]> {
  const seen = await page.evaluate(() => [...(window as unknown as { progressSeen: Set<string> }).progressSeen]);
  return seen.map((entry) => JSON.parse(entry));
}

async function download(buttonName: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: buttonName, exact: true }).click()]);
  const path = join(ARTIFACTS_DIR, file.suggestedFilename());
  await file.saveAs(path);
  return readFileSync(path);
}

describe('the research UI, end to end', () => {
  it('says plainly what to do first where there is nothing yet', async () => {
    await view('Runs').click();
    await page.getByText('No runs yet.').waitFor();
    await saveScreenshot(page, 'ui-runs-empty');
    await view('Run figures').click();
    expect(await page.getByLabel('Run', { exact: true }).isDisabled()).toBe(true);
    await page.getByText('No finished runs yet.').waitFor();
    await view('New run').click();
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    expect(await page.getByText('Choose a model, a dataset, at least one SAE to start.').count()).toBe(1);
    await view('Library').click();
  });

  it('adds the demo model, SAEs and dataset to the Library with what was recognised', async () => {
    await page.getByLabel('Local path').fill([DEMO_MODEL, ...DEMO_SAES, DEMO_DATASET].join('\n'));
    await page.getByRole('button', { name: 'Add path' }).click();
    const items = page.getByTestId('library-item');
    await expect.poll(() => items.count(), { timeout: 60_000 }).toBe(6);
    expect(await items.filter({ hasText: 'Not recognised' }).count()).toBe(0);
    expect(await items.filter({ hasText: 'Model' }).count()).toBeGreaterThanOrEqual(1);
    expect(await items.filter({ hasText: 'blocks.2.hook_resid_pre' }).count()).toBeGreaterThanOrEqual(1);
  });

  it('shows a dropped corrupt file as an error in plain words, and keeps the page working', async () => {
    await dropFile('broken.safetensors', 'this is not a safetensors header');
    const broken = page.getByTestId('library-item').filter({ hasText: 'broken.safetensors' });
    await broken.waitFor({ timeout: 60_000 });
    expect(await broken.getByText('Not recognised').count()).toBe(1);
    expect((await broken.locator('p.error').innerText()).length).toBeGreaterThan(10);
    expect(await page.getByTestId('library-item').count()).toBe(7);
    await saveScreenshot(page, 'ui-library');
  });

  it('starts a run from the New run form with every setting as a field', async () => {
    await view('New run').click();
    expect(await page.getByLabel(/^Samples/).inputValue()).toBe('400');
    await page.getByLabel(/^Model/).selectOption(DEMO_MODEL);
    await page.getByLabel(/^Dataset/).selectOption(DEMO_DATASET);
    for (const sae of DEMO_SAES) await page.locator(`input[type="checkbox"][value="${sae}"]`).check();
    await page.getByLabel(/^Samples/).fill('16');
    await page.getByLabel(/^Context/).fill('32');
    await page.getByLabel(/^Batch size/).fill('4');
    expect(await page.getByLabel(/^Quantile buckets/).inputValue()).toBe('1024');
    await page.getByLabel(/^Quantile buckets/).fill('512');
    expect(await page.getByLabel(/^Quantile accuracy/).inputValue()).toBe('0.009');
    await page.getByLabel(/^Quantile accuracy/).fill('0.02');
    await page.getByLabel(/^Device/).selectOption('cpu');
    await saveScreenshot(page, 'ui-new-run');
    await recordProgressBars();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
  });

  it('shows a bar per layer with done/total while the run goes, and its stage lines after', async () => {
    const run = page.getByTestId('run').first();
    await expect.poll(() => run.getAttribute('data-state'), { timeout: 120_000 }).toBe('finished');
    const recorded = recordedSettings();
    expect(recorded.quantileBuckets).toBe(512);
    expect(recorded.quantileAccuracy).toBe(0.02);
    const bars = await progressSeen();
    for (const layer of [0, 1, 2, 3]) {
      const partial = bars.filter((bar) => bar.label === `Layer ${layer}` && bar.total === 16 && bar.done > 0 && bar.done < 16);
      expect(partial.length, `Layer ${layer} mid-run`).toBeGreaterThan(0);
      expect(partial[0].text).toBe(`Layer ${layer} ${partial[0].done}/16`);
    }
    expect(await run.getByRole('progressbar').count()).toBe(0);
    const stages = await run.locator('.stages').textContent();
    for (const layer of [0, 1, 2, 3]) expect(stages).toContain(`Layer ${layer} - Computed and stored feature-level stats`);
    await saveScreenshot(page, 'ui-runs');
  });

  it('opens every figure family of the finished run', async () => {
    await page.getByRole('button', { name: 'Open figures' }).first().click();
    for (const family of FIGURE_FAMILIES) {
      await page.locator(`[data-family="${family.id}"]`).click();
      const chart = page.getByRole('img', { name: family.title });
      await chart.waitFor({ timeout: 60_000 });
      await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0);
      await saveScreenshot(page, `ui-figure-${family.id}`);
    }
  });

  it('exports the shown figure as SVG and PNG', async () => {
    await page.locator('[data-family="quantiles"]').click();
    const svg = (await download('Export SVG')).toString('utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<g id="panel-layer-3">');
    expect(svg).not.toContain('<image');
    const png = await download('Export PNG');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(2 * 1280);
  });

  it('exports with the settings in the form, not the defaults', async () => {
    await page.getByLabel(/^Raster threshold/).fill('0');
    await page.getByLabel(/^Width/).fill('900');
    const svg = (await download('Export SVG')).toString('utf8');
    expect(svg).toMatch(/viewBox="0 0 900 /);
    expect(svg).toMatch(/<g id="panel-layer-3-points">\s*<image /);
    await page.getByLabel(/^Layer opacity/).fill('7');
    await page.getByRole('button', { name: 'Export SVG', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('settings.layerOpacity must be a number from 0.01 to 1, not 7');
    await saveScreenshot(page, 'ui-figures-error');
    await page.getByLabel(/^Layer opacity/).fill('0.35');
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
