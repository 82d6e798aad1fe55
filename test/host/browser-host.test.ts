import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Studio } from '../../src-main/api/studio.js';
import { BrowserHost } from '../../src-main/host/browser-host.js';
import { pruneUploads, UNUSED_UPLOAD_AGE_MS } from '../../src-main/host/uploads.js';

const TOKEN = 'test-token-1234567890';
let folder: string;
let studio: Studio;
let host: BrowserHost;
let base: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'sae-host-'));
  const rendererDir = join(folder, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>SAE Studio</title>');
  writeFileSync(join(folder, 'secret.txt'), 'outside the renderer');
  studio = new Studio({ databasePath: join(folder, 'studio.db'), host: 'browser', recognizers: [] });
  host = await BrowserHost.start({ studio, rendererDir, uploadDir: join(folder, 'uploads'), port: 0, token: TOKEN });
  base = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await host.close();
  studio.close();
  rmSync(folder, { recursive: true, force: true });
});

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch, which will not send a forged Host header. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const withToken = { 'x-sae-studio-token': TOKEN };

function invoke(channel: string, payload: unknown, headers: Record<string, string> = withToken) {
  return send(`/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
}

describe('browser host security', () => {
  it('binds to 127.0.0.1 and prints the token in its address', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${TOKEN}`);
  });

  it('refuses requests without the token or with a wrong one', async () => {
    for (const headers of [{}, { 'x-sae-studio-token': 'wrong' }] as Record<string, string>[]) {
      const reply = await invoke('app.info', {}, headers);
      expect(reply.status).toBe(403);
      expect(JSON.parse(reply.body).error.message).toBe('This request needs the token printed when the host started.');
    }
    expect((await send('/upload?path=a.txt', { method: 'POST', body: 'x' })).status).toBe(403);
  });

  it('accepts the token from the header or the query, never from a cookie, and sets none', async () => {
    expect((await send(`/api/app.info?token=${TOKEN}`, { method: 'POST' })).status).toBe(200);
    const page = await send('/');
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    const reply = await invoke('app.info', {}, { cookie: `sae-studio-token-${host.port}=${TOKEN}; sae-studio-token=${TOKEN}` });
    expect(reply.status).toBe(403);
  });

  it('opens the browser with a single-use launch code that trades for the token', async () => {
    const opened = new URL(host.openUrl());
    expect(opened.href).not.toContain(TOKEN);
    const nonce = opened.searchParams.get('nonce');
    const first = await send(`/session?nonce=${nonce}`, { method: 'POST' });
    expect(JSON.parse(first.body)).toEqual({ ok: true, value: { token: TOKEN } });
    const again = await send(`/session?nonce=${nonce}`, { method: 'POST' });
    expect(again.status).toBe(403);
    expect(JSON.parse(again.body).error.message).toBe('This launch code is spent or expired; open the address the host printed.');
    expect((await send('/session?nonce=made-up', { method: 'POST' })).status).toBe(403);
  });

  it('answers a malformed address with a sentence, never a stack trace', async () => {
    const reply = await send('/api/%E0%A4%A', { method: 'POST', headers: withToken, body: '{}' });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({ ok: false, error: { message: "'%E0%A4%A' is not a valid API address." } });
  });

  it('refuses a foreign Host header, as a DNS-rebinding page would send', async () => {
    const reply = await invoke('app.info', {}, { ...withToken, host: `evil.example:${host.port}` });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body).error.message).toBe('This host only answers on 127.0.0.1 and localhost.');
    expect((await invoke('app.info', {}, { ...withToken, host: `localhost:${host.port}` })).status).toBe(200);
  });

  it('refuses another origin and accepts its own', async () => {
    const foreign = await invoke('app.info', {}, { ...withToken, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.message).toBe('Requests from other origins are refused.');
    const ownPortElsewhere = await invoke('app.info', {}, { ...withToken, origin: 'http://127.0.0.1:1' });
    expect(ownPortElsewhere.status).toBe(403);
    expect((await invoke('app.info', {}, { ...withToken, origin: base })).status).toBe(200);
  });

  it('never serves files outside the renderer folder', async () => {
    const reply = await send('/..%2Fsecret.txt', { headers: withToken });
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('outside the renderer');
  });
});

describe('browser host API', () => {
  it('replies to malformed JSON and malformed payloads with an error, and keeps serving', async () => {
    const broken = await send('/api/app.info', { method: 'POST', headers: withToken, body: '{nope' });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toEqual({ ok: false, error: { message: 'The request body is not valid JSON.' } });
    const malformed = JSON.parse((await invoke('runs.cancel', { runId: 3 })).body);
    expect(malformed).toEqual({ ok: false, error: { message: 'runs.cancel: runId must be a non-empty string, not 3.' } });
    expect(JSON.parse((await invoke('runs.list', {})).body)).toEqual({ ok: true, value: [] });
  });
});

describe('browser host events', () => {
  it('refuses a socket without the token', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/events`);
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
  });

  it('refuses a socket from another origin even with the token', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/events?token=${TOKEN}`, { origin: 'http://evil.example' });
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
  });

  it('pushes app events to a socket with the token', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/events?token=${TOKEN}`, { origin: base });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const message = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    await invoke('library.remove', { id: 'nothing' });
    expect(JSON.parse(await message)).toEqual({ type: 'library.changed' });
    socket.close();
  });
});

describe('browser host uploads', () => {
  const upload = (query: string, body: string) => send(`/upload?${query}`, { method: 'POST', headers: withToken, body });

  it('stores a dropped file once per content hash', async () => {
    const first = JSON.parse((await upload('path=rows.jsonl', '{"text":"a"}\n')).body);
    const again = JSON.parse((await upload('path=rows.jsonl', '{"text":"a"}\n')).body);
    expect(first.ok).toBe(true);
    expect(again.value.path).toBe(first.value.path);
    expect(first.value.path.endsWith('rows.jsonl')).toBe(true);
    expect(readFileSync(first.value.path, 'utf8')).toBe('{"text":"a"}\n');
  });

  it('keeps the relative paths of a dropped folder', async () => {
    const config = JSON.parse((await upload('drop=d1&path=gpt2%2Fconfig.json', '{}')).body);
    const weights = JSON.parse((await upload('drop=d1&path=gpt2%2Fsub%2Fweights.bin', 'xyz')).body);
    expect(config.value.path).toBe(join(folder, 'uploads', 'drops', 'd1', 'gpt2', 'config.json'));
    expect(readFileSync(weights.value.path, 'utf8')).toBe('xyz');
  });

  it('replaces an earlier upload to the same place, so the path holds the bytes of the hash returned', async () => {
    const first = JSON.parse((await upload('drop=d2&path=m%2Fcfg.json', 'old')).body);
    const second = JSON.parse((await upload('drop=d2&path=m%2Fcfg.json', 'new bytes')).body);
    expect(second.value.path).toBe(first.value.path);
    expect(second.value.hash).toBe(createHash('sha256').update('new bytes').digest('hex'));
    expect(readFileSync(second.value.path, 'utf8')).toBe('new bytes');
  });

  it('refuses an upload over the size limit and keeps nothing of it', async () => {
    const small = await BrowserHost.start({ studio, rendererDir: folder, uploadDir: join(folder, 'small-uploads'), port: 0, token: TOKEN, maxUploadBytes: 4 });
    try {
      const reply = await fetch(`http://127.0.0.1:${small.port}/upload?path=big.txt`, { method: 'POST', headers: withToken, body: 'more than four bytes' });
      expect(await reply.json()).toEqual({ ok: false, error: { message: 'The upload is larger than 4 bytes, the most the host accepts.' } });
      expect(readdirSync(join(folder, 'small-uploads', 'blobs'))).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('prunes old drops no library item uses, and the contents nothing links to any more', async () => {
    const uploads = join(folder, 'prune-uploads');
    const prunable = await BrowserHost.start({ studio, rendererDir: folder, uploadDir: uploads, port: 0, token: TOKEN });
    try {
      const at = (query: string) => fetch(`http://127.0.0.1:${prunable.port}/upload?${query}`, { method: 'POST', headers: withToken, body: query });
      await at('drop=used&path=a%2Fcfg.json');
      await at('drop=unused&path=b%2Fcfg.json');
    } finally {
      await prunable.close();
    }
    const later = Date.now() + 2 * UNUSED_UPLOAD_AGE_MS;
    expect(pruneUploads(uploads, [join(uploads, 'drops', 'used', 'a')], later)).toBe(1);
    expect(readdirSync(join(uploads, 'drops'))).toEqual(['used']);
    expect(readdirSync(join(uploads, 'blobs'))).toHaveLength(1);
  });

  it('refuses paths that would leave the upload folder', async () => {
    for (const query of ['path=..%2Fescape.txt', 'drop=..&path=a.txt', 'path=%2Fetc%2Fpasswd']) {
      const reply = await upload(query, 'x');
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body).error.message).toMatch(/is not a relative file path that can be uploaded\.$/);
    }
  });
});

describe('browser host start', () => {
  it('names a port that is taken in one sentence', async () => {
    const second = BrowserHost.start({ studio, rendererDir: folder, uploadDir: folder, port: host.port, token: TOKEN });
    await expect(second).rejects.toThrow(`Port ${host.port} is in use; pick another with --port, or leave it out for a free one.`);
  });
});

describe('browser host connections', () => {
  it('closes a socket that never sends a request, and caps how many may be open', async () => {
    const { connect } = await import('node:net');
    const limited = await BrowserHost.start({ studio, rendererDir: folder, uploadDir: folder, port: 0, token: TOKEN, limits: { silentMs: 200, maxConnections: 2 } });
    try {
      const sockets = Array.from({ length: 3 }, () => connect(limited.port, '127.0.0.1'));
      const closedAfter = sockets.map((socket) => new Promise<number>((resolve) => {
        const start = Date.now();
        socket.on('error', () => {});
        socket.on('close', () => resolve(Date.now() - start));
      }));
      const times = await Promise.all(closedAfter);
      // All three end: the third at once (over the cap), the other two once they have stayed silent.
      expect(times).toHaveLength(3);
    } finally {
      await limited.close();
    }
  });
});
