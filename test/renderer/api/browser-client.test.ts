import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppEvent } from '../../../src-main/api/contract.js';
import { Studio } from '../../../src-main/api/studio.js';
import { BrowserHost } from '../../../src-main/host/browser-host.js';
import { BrowserClient } from '../../../src-renderer/api/browser-client.js';
import { ApiError } from '../../../src-renderer/api/errors.js';

const TOKEN = 'client-test-token';
let folder: string;
let studio: Studio;
let host: BrowserHost;
let client: BrowserClient;

beforeAll(async () => {
  // Node 20 has fetch and File but no WebSocket global; ws speaks the same protocol.
  Object.assign(globalThis, { WebSocket });
  folder = mkdtempSync(join(tmpdir(), 'sae-client-'));
  mkdirSync(join(folder, 'renderer'));
  writeFileSync(join(folder, 'renderer', 'index.html'), '<!doctype html>');
  studio = new Studio({ databasePath: join(folder, 'studio.db'), host: 'browser', recognizers: [] });
  host = await BrowserHost.start({ studio, rendererDir: join(folder, 'renderer'), uploadDir: join(folder, 'uploads'), port: 0, token: TOKEN });
  client = new BrowserClient({ origin: `http://127.0.0.1:${host.port}`, token: TOKEN });
});
afterAll(async () => {
  await host.close();
  studio.close();
  rmSync(folder, { recursive: true, force: true });
});

function fileAt(relativePath: string, content: string): File {
  const file = new File([content], relativePath.split('/').at(-1) as string);
  return Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
}

describe('BrowserClient', () => {
  it('invokes a channel and returns its value', async () => {
    const info = await client.invoke('app.info', {});
    expect(info).toMatchObject({ host: 'browser', databasePath: join(folder, 'studio.db') });
  });

  it('throws the host error as an ApiError with its sentence', async () => {
    const failure = client.invoke('runs.cancel', { runId: 'missing' });
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toThrow("There is no run with id 'missing'.");
  });

  it('is refused without the token', async () => {
    const stranger = new BrowserClient({ origin: `http://127.0.0.1:${host.port}` });
    await expect(stranger.invoke('app.info', {})).rejects.toThrow('This request needs the token printed when the host started.');
  });

  it('uploads a file and a folder and returns one host path per dropped item', async () => {
    const files = [
      fileAt('rows.jsonl', '{"text":"a"}\n'),
      fileAt('gpt2/config.json', '{"n_layer":2}'),
      fileAt('gpt2/sub/model.safetensors', 'weights'),
    ];
    const [single, model] = await client.pathsForDrop(files);
    expect(readFileSync(single, 'utf8')).toBe('{"text":"a"}\n');
    expect(model.endsWith('/gpt2')).toBe(true);
    expect(readFileSync(join(model, 'config.json'), 'utf8')).toBe('{"n_layer":2}');
    expect(readFileSync(join(model, 'sub', 'model.safetensors'), 'utf8')).toBe('weights');
  });

  it('delivers host events to listeners until they unsubscribe', async () => {
    const events: AppEvent[] = [];
    const received = new Promise<void>((resolve) => {
      const stop = client.onEvent((event) => {
        events.push(event);
        stop();
        resolve();
      });
    });
    // The socket connects asynchronously; keep nudging until the first event lands.
    const nudge = setInterval(() => void client.invoke('library.remove', { id: 'none' }).catch(() => undefined), 50);
    await received;
    clearInterval(nudge);
    expect(events[0]).toEqual({ type: 'library.changed' });
  });
});
