import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { RENDERER_OUT_DIR } from '../../src-main/host/renderer-build.js';
import { startServing, type Serving } from '../../src-main/host/serve.js';
import { ProcessJobLauncher, type JobLauncher } from '../../src-main/workers/process-adapter.js';
import { enableProbeJobs, type ProbeSettings } from '../workers/probe-job.js';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export const ARTIFACTS_DIR = new URL('../../test-artifacts', import.meta.url).pathname;

/** CHROME_PATH first, then the usual system locations. */
export function findChromium(): string {
  const candidates = [process.env.CHROME_PATH, ...CHROMIUM_CANDIDATES].filter((path): path is string => Boolean(path));
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `No Chromium found (tried ${candidates.join(', ')}). Install one with 'apt-get install -y chromium', or set CHROME_PATH.`,
    );
  }
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
}

/** Runs the real probe job in a real process wherever the app would start an analysis, so runs finish in moments. */
export function probeLauncher(probe: Partial<ProbeSettings> = { steps: 3 }): JobLauncher {
  enableProbeJobs();
  const inner = new ProcessJobLauncher();
  return { launch: (_kind, input, listener) => inner.launch('probe', { ...input, settings: probe }, listener) };
}

export interface TestHostOptions {
  /** Defaults to a fresh database in a temporary folder. */
  databasePath?: string;
  launcher?: JobLauncher;
}

/** The browser host on a test database, which can be restarted on that database (on a new port). */
export class TestHost {
  readonly databasePath: string;
  readonly #launcher: JobLauncher | undefined;
  readonly #temporaryFolder: string | undefined;
  #serving: Serving | undefined;

  private constructor(options: TestHostOptions) {
    this.#temporaryFolder = options.databasePath ? undefined : mkdtempSync(join(tmpdir(), 'sae-e2e-'));
    this.databasePath = options.databasePath ?? join(this.#temporaryFolder as string, 'studio.db');
    this.#launcher = options.launcher;
  }

  static async start(options: TestHostOptions = {}): Promise<TestHost> {
    const host = new TestHost(options);
    await host.#open();
    return host;
  }

  /** The address with the token, as `sae-studio serve` prints it. */
  get url(): string {
    return this.#current().host.url;
  }

  /** An address with a single-use launch code, as `sae-studio serve` hands the browser. */
  openUrl(): string {
    return this.#current().host.openUrl();
  }

  async restart(): Promise<void> {
    await this.#current().close();
    this.#serving = undefined;
    await this.#open();
  }

  async close(): Promise<void> {
    await this.#serving?.close();
    this.#serving = undefined;
    if (this.#temporaryFolder) rmSync(this.#temporaryFolder, { recursive: true, force: true });
  }

  async #open(): Promise<void> {
    const buildError = inject('rendererBuildError');
    if (buildError) throw new Error(`The renderer did not build: ${buildError}`);
    if (!existsSync(join(RENDERER_OUT_DIR, 'index.html'))) throw new Error('The renderer is not built; the e2e global setup builds it.');
    this.#serving = await startServing({ databasePath: this.databasePath, rendererDir: RENDERER_OUT_DIR, port: 0, launcher: this.#launcher });
  }

  #current(): Serving {
    if (!this.#serving) throw new Error('The test host is not running.');
    return this.#serving;
  }
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Loads the app from the host into the page, collecting the page's uncaught errors, and waits for its heading. */
export async function openStudio(page: Page, host: TestHost, pageErrors: string[]): Promise<void> {
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(host.url);
  await page.getByRole('heading', { name: 'SAE Studio' }).waitFor();
}

/** A view's button in the app's navigation. */
export function viewButton(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name });
}
