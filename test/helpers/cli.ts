import { vi } from 'vitest';
import { main } from '../../src-main/cli/main.js';

export interface CliResult {
  code: number;
  output: string;
  errors: string;
}

/** Runs the CLI in this process with console.log and console.error captured; the caller restores the mocks. */
export async function runCli(argv: string[]): Promise<CliResult> {
  const lines: string[] = [];
  const errors: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
  const code = await main(argv);
  return { code, output: lines.join('\n'), errors: errors.join('\n') };
}
