import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isOwnPage } from '../../src-main/electron/own-page.js';

const page = pathToFileURL('/opt/SAE Studio/resources/app.asar/out/renderer/index.html').href;

describe('the IPC sender check', () => {
  it('accepts the app page only, with any query or hash', () => {
    expect(isOwnPage(page, { page })).toBe(true);
    expect(isOwnPage(`${page}#/runs`, { page })).toBe(true);
  });

  it.each([
    ['another local file', 'file:///tmp/evil.html'],
    ['a file beside the page', page.replace('index.html', 'other.html')],
    ['a web page', 'https://example.com/'],
    ['no address', ''],
    ['the dev server when not in development', 'http://localhost:5173/'],
  ])('refuses %s', (_name, url) => {
    expect(isOwnPage(url, { page })).toBe(false);
  });

  it("accepts the dev server's origin in development, and no other port", () => {
    const own = { page, devServerUrl: 'http://localhost:5173/' };
    expect(isOwnPage('http://localhost:5173/index.html', own)).toBe(true);
    expect(isOwnPage('http://localhost:5174/', own)).toBe(false);
  });
});

describe('the content security policy', () => {
  it('lets the packaged app connect to itself only', () => {
    expect(contentSecurityPolicy()).toContain("connect-src 'self';");
    expect(contentSecurityPolicy()).not.toContain('ws:');
  });

  it("adds the dev server's origin and hot-reload socket in development", () => {
    expect(contentSecurityPolicy('http://localhost:5173/')).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173;");
  });
});
