import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAE_SPECS, writeSpecSae, writeTinyModel, writeWordDataset } from '../engine/stats/fixtures.js';
import { launchChromium, openStudio, saveScreenshot, TestHost, viewButton } from './harness.js';

const FOLDER = mkdtempSync(join(tmpdir(), 'sae-e2e-cluster-'));
const SHARED = join(FOLDER, 'cluster run');

let browser: Browser;
let host: TestHost;
let page: Page;
let inputs: { model: string; sae: string; dataset: string };
const pageErrors: string[] = [];

beforeAll(async () => {
  inputs = {
    model: writeTinyModel(FOLDER),
    sae: writeSpecSae(join(FOLDER, 'sae'), SAE_SPECS[2], 31),
    dataset: writeWordDataset(join(FOLDER, 'words.jsonl'), 40),
  };
  browser = await launchChromium();
  host = await TestHost.start();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await openStudio(page, host, pageErrors);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(FOLDER, { recursive: true, force: true });
});

/** The words the written Slurm array script hands the CLI for one task, as bash reads them. */
function taskWords(task: number): string[] {
  const script = readFileSync(join(SHARED, 'slurm-shards.sh'), 'utf8').replace(/^exec \S+ \S+ /m, `exec ${process.execPath} -e 'console.log(JSON.stringify(process.argv.slice(1)))' `);
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, SLURM_ARRAY_TASK_ID: String(task) } });
  return JSON.parse(result.stdout);
}

describe('New run: split into shards', () => {
  it('writes the Slurm script and Kubernetes manifests of the chosen run and shows the commands to run them', async () => {
    await page.getByLabel('Local path').fill([inputs.model, inputs.sae, inputs.dataset].join('\n'));
    await page.getByRole('button', { name: 'Add path' }).click();
    await expect.poll(() => page.getByTestId('library-item').count(), { timeout: 60_000 }).toBe(3);
    await viewButton(page, 'New run').click();
    await page.getByLabel(/^Model/).selectOption(inputs.model);
    await page.getByLabel(/^Dataset/).selectOption(inputs.dataset);
    await page.locator(`input[type="checkbox"][value="${inputs.sae}"]`).check();
    await page.getByLabel(/^Samples/).fill('12');
    await page.getByRole('checkbox', { name: /Split into 4 shards/ }).check();
    await page.getByLabel(/^Shards/).fill('3');
    await page.getByText('Split into 3 shards').waitFor();
    const write = page.getByRole('button', { name: 'Write cluster files' });
    expect(await write.isDisabled()).toBe(true);
    await page.getByText('Name the folder every task reaches.').waitFor();
    await page.getByLabel(/^Shared folder/).fill(SHARED);
    await page.getByLabel(/^Slurm time limit/).fill('2 hours');
    await page.getByText('Slurm time limit must be a Slurm time limit').waitFor();
    await page.getByLabel(/^Slurm time limit/).fill('2:00:00');
    await page.getByLabel(/^Container image/).fill('registry.example/sae-studio:1');
    await write.click();
    const files = page.getByRole('region', { name: 'Cluster files' });
    await files.waitFor();
    for (const name of ['slurm-shards.sh', 'slurm-merge.sh', 'k8s-shards.yaml', 'k8s-merge.yaml']) {
      expect(await files.getByText(join(SHARED, name), { exact: true }).count()).toBe(1);
      expect(existsSync(join(SHARED, name))).toBe(true);
    }
    expect(await page.getByTestId('slurm-commands').innerText()).toContain(`sbatch --dependency=afterok:"$ARRAY_JOB" '${SHARED}/slurm-merge.sh'`);
    expect(await page.getByTestId('kubernetes-commands').innerText()).toContain(`kubectl apply -f '${SHARED}/k8s-shards.yaml'`);
    await saveScreenshot(page, 'ui-new-run-split');
    expect(pageErrors).toEqual([]);
  });

  it('gives each task the form\'s run, its shard and a shared run id', () => {
    const words = taskWords(2);
    expect(words.slice(0, 7)).toEqual(['analyze', '--model', inputs.model, '--sae', inputs.sae, '--dataset', inputs.dataset]);
    expect(words.slice(words.indexOf('--samples'), words.indexOf('--samples') + 2)).toEqual(['--samples', '12']);
    expect(words.slice(-6, -1)).toEqual(['--shard', '2/3', '--shard-out', join(SHARED, 'shard-2-of-3.shard'), '--run-id']);
    expect(readFileSync(join(SHARED, 'slurm-shards.sh'), 'utf8')).toContain('#SBATCH --time=2:00:00\n');
    const job = parse(readFileSync(join(SHARED, 'k8s-shards.yaml'), 'utf8'));
    expect(job.spec.template.spec.containers[0].image).toBe('registry.example/sae-studio:1');
    expect(job.spec.template.spec.containers[0].args.at(-1)).toBe(words.at(-1));
  });
});
