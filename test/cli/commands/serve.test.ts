import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const BIN = new URL('../../../src-main/cli/bin.js', import.meta.url).pathname;

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-cli-serve-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(folder, { recursive: true, force: true });
});

describe('sae-studio serve', () => {
  it('refuses a port out of range in one sentence', async () => {
    const { code, errors } = await runCli(['serve', '--port', '70000', '--no-open']);
    expect(code).toBe(1);
    expect(errors).toBe("Error: --port must be at most 65535, not '70000'.");
  });

  it('prints its address with the token, answers on it, and stops cleanly on SIGTERM', async () => {
    const databasePath = join(folder, 'studio.db');
    const child = spawn(process.execPath, [BIN, 'serve', '--db', databasePath, '--no-open'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    let address = '';
    for await (const line of lines) {
      const match = /^Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/.exec(line);
      if (match) {
        address = match[1];
        break;
      }
    }
    const url = new URL(address);
    const token = url.searchParams.get('token') ?? '';
    const reply = await fetch(`${url.origin}/api/app.info`, { method: 'POST', headers: { 'x-sae-studio-token': token }, body: '{}' });
    expect(await reply.json()).toMatchObject({ ok: true, value: { host: 'browser', databasePath } });
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
