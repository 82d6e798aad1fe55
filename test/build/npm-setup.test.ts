import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
// semver comes with npm's own dependency tree here; it is the one reading of engines ranges npm itself applies.
const semver = createRequire(join(root, 'package.json'))('semver') as { satisfies(version: string, range: string): boolean };

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

describe('npm set-up', () => {
  it('runs npm commands in the project without config warnings', () => {
    const result = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain('Unknown project config');
  });

  it('skips the onnxruntime and Electron downloads during npm install through allowScripts', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.allowScripts).toMatchObject({ 'onnxruntime-node': false, electron: false });
  });

  it('names in the README every locked package that the lowest supported Node version makes npm warn about', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const [lowest, quiet] = [/Node\.js (\d+\.\d+) or later/, /Node (\d+\.\d+) or later prints none/].map((pattern) => pattern.exec(readme)?.[1]);
    expect(lowest).toBeDefined();
    expect(quiet).toBeDefined();
    const warned = (version: string) => refusing(version).filter((name) => !readme.includes(`\`${name}\``));
    expect(warned(`${lowest}.0`)).toEqual([]);
    expect(refusing(`${quiet}.0`)).toEqual([]);
  });
});

/** The names of locked packages whose engines refuse this Node version. */
function refusing(version: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
  return Object.entries(lock.packages)
    .filter(([, entry]) => entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
    .filter(([, entry]) => !semver.satisfies(version, (entry.engines as { node: string }).node))
    .map(([path]) => path.replace(/^.*node_modules\//, ''));
}
