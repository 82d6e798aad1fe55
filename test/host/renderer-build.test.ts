import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rendererIsStale } from '../../src-main/host/renderer-build.js';

let folder: string;
let sourceDir: string;
let outDir: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-renderer-build-'));
  sourceDir = join(folder, 'src');
  outDir = join(folder, 'out');
  mkdirSync(join(sourceDir, 'views'), { recursive: true });
  writeFileSync(join(sourceDir, 'views', 'Runs.svelte'), '<h2>Runs</h2>');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function touch(path: string, secondsSinceEpoch: number): void {
  utimesSync(path, secondsSinceEpoch, secondsSinceEpoch);
}

describe('rendererIsStale', () => {
  it('is stale when nothing is built', () => {
    expect(rendererIsStale(sourceDir, outDir)).toBe(true);
  });

  it('is fresh when the build is newer than every source, and stale once a nested source changes', () => {
    mkdirSync(outDir);
    writeFileSync(join(outDir, 'index.html'), '<!doctype html>');
    touch(join(sourceDir, 'views', 'Runs.svelte'), 1_000);
    touch(join(outDir, 'index.html'), 2_000);
    expect(rendererIsStale(sourceDir, outDir)).toBe(false);
    touch(join(sourceDir, 'views', 'Runs.svelte'), 3_000);
    expect(rendererIsStale(sourceDir, outDir)).toBe(true);
  });
});
