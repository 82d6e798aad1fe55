import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let home: string;

/** The CLI as a user types it, with a fresh home folder so the default database is this test's own. */
function cli(args: string[]) {
  const result = spawnSync('node', ['src-main/cli/bin.js', ...args], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, HOME: home } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'sae-cli-demo-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("the README's demo sequence", () => {
  it('finds the demo run with runs, export latest and figures latest', { timeout: 480_000 }, () => {
    const demo = cli(['demo', '--samples', '8', '--device', 'cpu', '--out', join(home, 'demo-output')]);
    expect(demo.stderr).not.toMatch(/^Error/m);
    expect(demo.code).toBe(0);
    const runId = /^Run ([0-9a-f]{8})$/m.exec(demo.stdout)?.[1];
    expect(existsSync(join(home, '.sae-studio', 'studio.db'))).toBe(true);
    const runs = cli(['runs']);
    expect(runs.stdout.split('\n')[1]).toMatch(new RegExp(`^${runId}\\s+statistics\\s+finished\\s`));
    const exported = join(home, 'stats.json');
    expect(cli(['export', 'latest', '--format', 'json', '--out', exported]).code).toBe(0);
    expect(JSON.parse(readFileSync(exported, 'utf8')).run.samples).toBe(8);
    const figures = cli(['figures', 'latest', '--out', join(home, 'figures'), '--format', 'svg', '--families', 'layer-summary']);
    expect(figures.stderr).toBe('');
    expect(figures.code).toBe(0);
  });
});
