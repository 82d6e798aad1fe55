import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TINY = ['--model-layers', '2', '--model-width', '32', '--model-heads', '4', '--model-context', '64', '--contexts', '8,32', '--peak-size', '32', '--repeats', '1'];

/** The bench command with its model written under a scratch TMPDIR. */
function bench(args: string[]) {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-model-'));
  const env = { ...process.env, TMPDIR: scratch };
  const result = spawnSync('node', ['src-main/bench/bin.js', 'model', '--device', 'cpu', ...args], { encoding: 'utf8', env, timeout: 120_000 });
  const models = readdirSync(scratch).filter((name) => name.startsWith('sae-studio-bench-'));
  rmSync(scratch, { recursive: true, force: true });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, models };
}

describe('sae-studio bench model', () => {
  it('writes a model of the shape asked for and prints each context, its peak share and peak memory', () => {
    const { code, stdout, models } = bench([...TINY, '--batches', '4,1']);
    expect(code).toBe(0);
    expect(models).toEqual(['sae-studio-bench-gpt2-2x32-h4-c64-s7']);
    expect(stdout).toMatch(/^Context 8, batch 4, losses on: \d+ tokens\/s, [\d.]+ GFLOP\/s$/m);
    expect(stdout).toMatch(/^ {2}peak MatMul [\d.]+ GFLOP\/s \(32³ in onnxruntime on cpu\): forward at \d+% of peak$/m);
    expect(stdout).toMatch(/^Context 32, batch 1, losses on: /m);
    expect(stdout).toMatch(/^Peak memory: \d+ MB RSS for \d+ MB of float32 weights \([\d.]+×; target < 2×\)$/m);
  });

  it('benchmarks a Llama-shaped model of the sizes asked for, against the tighter memory target', () => {
    const flags = [...TINY, '--family', 'llama', '--model-kv-heads', '2', '--model-vocab', '300', '--batches', '2'];
    const { code, stdout, models } = bench(flags);
    expect(code).toBe(0);
    expect(models).toEqual(['sae-studio-bench-llama-2x32-h4-kv2-v300-c64-s7']);
    expect(stdout).toMatch(/^Context 32, batch 2, losses on: \d+ tokens\/s, [\d.]+ GFLOP\/s$/m);
    expect(stdout).toMatch(/^Peak memory: \d+ MB RSS for \d+ MB of float32 weights \([\d.]+×; target < 1.3×\)$/m);
  });

  it.each([
    [['--contexts', '8,16,32', '--batches', '4,1'], '--batches needs one batch, or one per context in --contexts (3), not 2.'],
    [['--contexts', '128', '--batches', '1'], '--contexts must stay within --model-context (64), not 128.'],
    [['--repeats', '0'], "--repeats must be a whole number of at least 1, not '0'."],
  ])('refuses %j before writing a model', (flags, message) => {
    const { code, stderr, models } = bench([...TINY, ...flags]);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`Error: ${message}`);
    expect(models).toEqual([]);
  });
});
