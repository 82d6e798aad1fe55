import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src-main/api/contract.js';
import type { ApiReply } from '../../src-main/api/dispatch.js';
import { RUN_SETTINGS } from '../helpers/runs.js';
import { launchChromium, probeLauncher, saveScreenshot, TestHost } from './harness.js';

/** Calls the API from inside the page, with only what the page itself holds (its token in sessionStorage). */
function invokeFromPage<T>(page: Page, channel: string, request: unknown): Promise<ApiReply<T>> {
  return page.evaluate(
    async ([name, body]) => {
      const token = window.sessionStorage.getItem('sae-studio-token') ?? '';
      const headers = { 'content-type': 'application/json', 'x-sae-studio-token': token };
      const response = await fetch(`/api/${name}`, { method: 'POST', headers, body });
      return response.json();
    },
    [channel, JSON.stringify(request)] as const,
  );
}

async function listRuns(page: Page): Promise<RunRecord[]> {
  const reply = await invokeFromPage<RunRecord[]>(page, 'runs.list', {});
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value;
}

let browser: Browser;
let host: TestHost;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  host = await TestHost.start({ launcher: probeLauncher({ steps: 3 }) });
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('the app in the browser host', () => {
  it('loads with its title and heading', async () => {
    await page.goto(host.url);
    expect(await page.title()).toBe('SAE Studio');
    await page.getByRole('heading', { name: 'SAE Studio' }).waitFor({ state: 'visible' });
    await saveScreenshot(page, 'app-loaded');
  });

  it('drops the token from the address and keeps working after a reload, with no cookie', async () => {
    await expect.poll(() => new URL(page.url()).searchParams.has('token')).toBe(false);
    await page.reload();
    await page.getByRole('heading', { name: 'SAE Studio' }).waitFor({ state: 'visible' });
    expect(await invokeFromPage(page, 'runs.list', {})).toEqual({ ok: true, value: [] });
    expect(await page.context().cookies()).toEqual([]);
  });

  it('opens from a single-use launch code, as the browser launcher gets it', async () => {
    const launched = await browser.newPage();
    try {
      const address = host.openUrl();
      await launched.goto(address);
      await launched.getByRole('heading', { name: 'SAE Studio' }).waitFor({ state: 'visible' });
      await expect.poll(() => new URL(launched.url()).searchParams.has('nonce')).toBe(false);
      expect(await invokeFromPage(launched, 'app.info', {})).toMatchObject({ ok: true });
    } finally {
      await launched.close();
    }
  });

  it('answers an API call made from the page', async () => {
    const reply = await invokeFromPage(page, 'app.info', {});
    expect(reply).toMatchObject({ ok: true, value: { host: 'browser', databasePath: host.databasePath } });
    const refused = await invokeFromPage(page, 'runs.cancel', { runId: 5 });
    expect(refused).toEqual({ ok: false, error: { message: 'runs.cancel: runId must be a non-empty string, not 5.' } });
  });

  it('streams events to the page over its socket', async () => {
    const event = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const token = window.sessionStorage.getItem('sae-studio-token') ?? '';
          const socket = new WebSocket(`ws://${location.host}/events?token=${encodeURIComponent(token)}`);
          socket.onerror = () => reject(new Error('The events socket was refused.'));
          socket.onmessage = (message) => resolve(JSON.parse(String(message.data)));
          const headers = { 'x-sae-studio-token': token };
          socket.onopen = () => void fetch('/api/library.remove', { method: 'POST', headers, body: JSON.stringify({ id: 'none' }) });
        }),
    );
    expect(event).toEqual({ type: 'library.changed' });
  });

  it('lists earlier runs after the host restarts', async () => {
    const started = await invokeFromPage<RunRecord>(page, 'runs.start', { kind: 'statistics', settings: RUN_SETTINGS });
    if (!started.ok) throw new Error(started.error.message);
    await expect.poll(async () => (await listRuns(page))[0]?.state, { timeout: 30_000 }).toBe('finished');
    await host.restart();
    await page.goto(host.url);
    const runs = await listRuns(page);
    expect(runs.map((run) => [run.id, run.state])).toEqual([[started.value.id, 'finished']]);
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    const shown = page.getByTestId('run');
    await shown.first().waitFor({ state: 'visible' });
    expect(await shown.count()).toBe(1);
    expect(await shown.getAttribute('data-state')).toBe('finished');
    expect(await shown.textContent()).toContain('gpt2 · 1 SAE · rows.jsonl');
    await saveScreenshot(page, 'app-after-restart');
  });
});
