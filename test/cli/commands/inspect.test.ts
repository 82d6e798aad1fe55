import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { writeTinyModel } from '../../engine/stats/fixtures.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sae-cli-inspect-'));
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** "key   value" lines as a map, the way inspect prints them. */
function factsOf(output: string): Map<string, string> {
  return new Map(output.split('\n').filter(Boolean).map((line) => [line.slice(0, 22).trim(), line.slice(23)]));
}

describe('sae-studio inspect', () => {
  it('shows what the Library recognises in a model folder', async () => {
    const { code, output, errors } = await runCli(['inspect', writeTinyModel(root)]);
    expect(errors).toBe('');
    expect(code).toBe(0);
    const facts = factsOf(output);
    expect(facts.get('architecture')).toBe('gpt2');
    expect(Number(facts.get('layers'))).toBeGreaterThan(0);
    expect(facts.has('parameters')).toBe(true);
  });

  it('says in one line what a folder it cannot read is', async () => {
    const folder = join(root, 'notes');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.bin'), 'nothing');
    const { code, errors } = await runCli(['inspect', folder]);
    expect(code).toBe(1);
    expect(errors).toBe(`Error: '${folder}' is not a model folder, an SAE or a dataset that SAE Studio can read.`);
  });
});
