import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSetHeatmapOption } from '../../src-main/shared/figures/match-heatmap.js';
import { DEFAULT_FIGURE_SETTINGS } from '../../src-main/shared/figures/settings.js';
import { bruteCosines, hungarianBest } from '../engine/compare/reference.js';
import { sampleSaeParams, writeSaeLensFolder } from '../helpers/sae-files.js';
import { launchChromium, openStudio, saveScreenshot, TestHost, viewButton } from './harness.js';

const FOLDER = mkdtempSync(join(tmpdir(), 'sae-e2e-match-'));
const SMALL = sampleSaeParams({ inputSize: 8, featureCount: 16, seed: 3, hook: 'blocks.4.hook_resid_pre' });
const LARGE = sampleSaeParams({ inputSize: 8, featureCount: 40, seed: 4, hook: 'blocks.5.hook_resid_pre' });
const SET = [0, 1, 2].map((layer) => sampleSaeParams({ inputSize: 6, featureCount: 12, seed: 20 + layer, hook: `blocks.${layer}.hook_resid_pre` }));

let browser: Browser;
let host: TestHost;
let page: Page;
const pageErrors: string[] = [];

function rows(weights: Float32Array, count: number, width: number): number[][] {
  return Array.from({ length: count }, (_, row) => Array.from(weights.subarray(row * width, (row + 1) * width)));
}

beforeAll(async () => {
  writeSaeLensFolder(join(FOLDER, 'small'), SMALL);
  writeSaeLensFolder(join(FOLDER, 'large'), LARGE);
  SET.forEach((params, layer) => writeSaeLensFolder(join(FOLDER, 'set', `layer_${layer}`), params));
  browser = await launchChromium();
  host = await TestHost.start();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
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

async function startMatch(names: string[]): Promise<void> {
  const form = page.getByRole('form', { name: 'New match' });
  for (const name of ['small', 'large', 'set']) {
    const box = form.getByRole('checkbox', { name: new RegExp(`^${name}\\b`) });
    if ((await box.isChecked()) !== names.includes(name)) await box.click();
  }
  await form.getByRole('button', { name: 'Start match' }).click();
}

describe('the Match view, end to end', () => {
  it('matches two SAEs picked from the Library and shows what brute force says', async () => {
    await page.getByLabel('Local path').fill([join(FOLDER, 'small'), join(FOLDER, 'large'), join(FOLDER, 'set')].join('\n'));
    await page.getByRole('button', { name: 'Add path' }).click();
    await expect.poll(() => page.getByTestId('library-item').count(), { timeout: 60_000 }).toBe(3);
    await view('Match').click();
    expect(await page.getByRole('button', { name: 'Start match' }).isDisabled()).toBe(true);
    await startMatch(['small', 'large']);
    const summary = page.getByRole('region', { name: 'Pair summary' }).or(page.getByLabel('Pair summary'));
    await summary.waitFor({ timeout: 120_000 });
    const cosines = bruteCosines(rows(SMALL.decoderWeights, 16, 8), rows(LARGE.decoderWeights, 40, 8));
    const bestOfLarge = cosines[0]!.map((_, j) => cosines.reduce((best, row, i) => (row[j]! > cosines[best]![j]! ? i : best), 0));
    const mutual = cosines.filter((row, i) => bestOfLarge[row.indexOf(Math.max(...row))] === i).length;
    expect(await page.getByTestId('mutual').innerText()).toBe(String(mutual));
    expect(await page.getByTestId('optimal').innerText()).toBe('proven optimal');
    const table = page.getByRole('table', { name: 'Matched pairs' });
    expect(await table.locator('tbody tr').count()).toBe(16);
    const { columnOf } = hungarianBest(cosines);
    const lowest = Math.min(...columnOf.map((column, row) => cosines[row]![column]!));
    await table.getByRole('button', { name: /^Cosine/ }).click();
    const firstCosine = Number(await table.locator('tbody tr').first().locator('td').nth(2).innerText());
    expect(firstCosine).toBeCloseTo(lowest, 3);
    for (const family of ['match-top1', 'match-topk', 'match-children']) {
      await page.locator(`button[data-family="${family}"]`).click();
      await page.locator('canvas').first().waitFor();
    }
    const [file] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: 'Export SVG', exact: true }).last().click()]);
    expect(file.suggestedFilename()).toBe('match-children.svg');
    await saveScreenshot(page, 'ui-match-pair');
  });

  it('matches a set, draws the layer × layer heatmap and opens a pair from a cell', async () => {
    await startMatch(['set']);
    const heatmap = page.getByRole('img', { name: 'Layer × layer matching' });
    await heatmap.waitFor({ timeout: 120_000 });
    await page.waitForTimeout(500);
    const box = (await heatmap.boundingBox())!;
    const set = { label: '', hooks: SET.map((params) => params.hook), assignmentAbove: [[0]], top1Median: [[0]], top1Geomean: [[0]] };
    const option = buildSetHeatmapOption({ ...set, assignmentAbove: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], top1Median: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], top1Geomean: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] }, { ...DEFAULT_FIGURE_SETTINGS, width: Math.round(box.width) });
    const grid = (option.grid as { left: number; top: number; width: number; height: number }[])[0]!;
    // Row 2 (from layer 2), column 0 (to layer 0): the bottom-left cell of the first panel.
    await page.mouse.click(box.x + grid.left + grid.width / 6, box.y + grid.top + (grid.height * 5) / 6);
    await expect.poll(() => page.getByLabel('Pair summary').locator('h3').innerText(), { timeout: 30_000 }).toContain('Layer 0 → Layer 2');
    await saveScreenshot(page, 'ui-match-set');
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
