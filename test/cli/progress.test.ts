import { describe, expect, it } from 'vitest';
import { formatBar, terminalProgress } from '../../src-main/cli/progress.js';

function capture(isTTY: boolean) {
  const written: string[] = [];
  return { output: { isTTY, write: (text: string) => written.push(text) }, written };
}

describe('terminal progress', () => {
  it('formats a bar the way tqdm does', () => {
    const line = formatBar({ label: 'Layer 0', done: 400, total: 400, startedAt: 0 }, 14_660, 8);
    expect(line).toBe('Layer 0: 100%|████████| 400/400 [00:15<00:00, 27.29it/s]');
    expect(formatBar({ label: 'Layer 3', done: 1, total: 8, startedAt: 0 }, 2_000, 8)).toBe('Layer 3:  13%|█       | 1/8 [00:02<00:14, 2.00s/it]');
  });

  it('prints a line when a bar starts, at each tenth and at the end when the output is a log', () => {
    const { output, written } = capture(false);
    const progress = terminalProgress({ bars: output, lines: output, now: () => 0 });
    for (let done = 1; done <= 40; done++) progress.bar('Layer 0', done, 40);
    progress.stage('Layer 0 - Computed and stored summary stats');
    expect(written.filter((text) => text.startsWith('Layer 0:'))).toHaveLength(11);
    expect(written.at(-2)).toMatch(/^Layer 0: 100%\|██████████\| 40\/40 /);
    expect(written.at(-1)).toBe('Layer 0 - Computed and stored summary stats\n');
  });

  it('redraws every bar in place on a terminal', () => {
    const { output, written } = capture(true);
    const progress = terminalProgress({ bars: output, lines: output, now: () => 0 });
    progress.bar('Layer 0', 1, 2);
    progress.bar('Layer 1', 1, 2);
    expect(written[0]).toMatch(/^\rLayer 0: {2}50%.*\x1b\[K\n$/);
    expect(written[1].startsWith('\x1b[1A\rLayer 0:')).toBe(true);
    expect(written[1]).toContain('\rLayer 1:  50%');
  });

  it('counts the rate from when a bar first shows, not from zero, so a bar that starts part-way is not 8000 it/s', () => {
    const { output, written } = capture(true);
    let clock = 0;
    const progress = terminalProgress({ bars: output, lines: output, now: () => clock });
    progress.bar('Layer 0', 8, 96);
    progress.bar('Layer 1', 8, 96);
    clock = 1;
    progress.bar('Layer 0', 8, 96);
    expect(written.at(-1)).toContain('Layer 1:   8%|▉         | 8/96 [00:00<00:00, ?it/s]');
    clock = 2_001;
    progress.bar('Layer 1', 24, 96);
    // 16 windows since the bar showed, over 2.001 s.
    expect(written.at(-1)).toContain(`24/96 [00:02<00:09, ${(16 / 2.001).toFixed(2)}it/s]`);
  });
});
