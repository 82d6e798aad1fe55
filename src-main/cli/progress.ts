import type { ProgressSink } from '../engine/progress.js';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface TerminalProgressOptions {
  /** Where bars go (stderr, like tqdm); stage lines go to `lines`. */
  bars: ProgressOutput;
  lines: ProgressOutput;
  now?: () => number;
  /** Characters of the bar itself. */
  barWidth?: number;
}

interface BarState {
  label: string;
  done: number;
  total: number;
  startedAt: number;
  /** Items already done when the bar first showed: the rate counts only those done since. */
  startDone?: number;
  printedTenth: number;
}

const BLOCKS = ' ▏▎▍▌▋▊▉█';
const DEFAULT_BAR_WIDTH = 10;

/**
 * tqdm-style bars, `Layer 0:  50%|█████     | 200/400 [00:07<00:07, 27.29it/s]`. On a terminal every bar is
 * redrawn in place; in a log (not a TTY) each bar prints a line per tenth done and one when it finishes.
 */
export function terminalProgress(options: TerminalProgressOptions): ProgressSink {
  const now = options.now ?? Date.now;
  const width = options.barWidth ?? DEFAULT_BAR_WIDTH;
  const bars = new Map<string, BarState>();
  let drawnLines = 0;
  return {
    bar(label, done, total) {
      const state = bars.get(label) ?? { label, done, total, startedAt: now(), startDone: done, printedTenth: -1 };
      bars.set(label, Object.assign(state, { done, total }));
      if (options.bars.isTTY) {
        const rows = [...bars.values()].map((bar) => formatBar(bar, now(), width));
        options.bars.write(`${drawnLines > 0 ? `\x1b[${drawnLines}A` : ''}${rows.map((row) => `\r${row}\x1b[K\n`).join('')}`);
        drawnLines = rows.length;
      } else if (shouldPrint(state)) {
        options.bars.write(`${formatBar(state, now(), width)}\n`);
      }
    },
    stage(line) {
      options.lines.write(`${line}\n`);
    },
  };
}

/** True once per tenth of the total and at the end. */
function shouldPrint(state: BarState): boolean {
  const tenth = state.done >= state.total ? 10 : Math.floor((10 * state.done) / state.total);
  if (tenth === state.printedTenth) return false;
  state.printedTenth = tenth;
  return true;
}

export function formatBar(state: Omit<BarState, 'printedTenth'>, now: number, width: number): string {
  const fraction = state.total === 0 ? 1 : Math.min(1, state.done / state.total);
  const elapsed = (now - state.startedAt) / 1000;
  const counted = state.done - (state.startDone ?? 0);
  const rate = elapsed > 0 ? counted / elapsed : 0;
  const remaining = rate > 0 ? (state.total - state.done) / rate : 0;
  const percent = `${Math.round(fraction * 100)}%`.padStart(4);
  const timing = `[${clock(elapsed)}<${clock(remaining)}, ${speed(rate)}]`;
  return `${state.label}: ${percent}|${blocks(fraction, width)}| ${state.done}/${state.total} ${timing}`;
}

function blocks(fraction: number, width: number): string {
  const eighths = Math.round(fraction * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = full < width ? BLOCKS[eighths % 8] : '';
  return ('█'.repeat(full) + partial).padEnd(width);
}

function clock(seconds: number): string {
  const whole = Math.round(seconds);
  const [hours, minutes, rest] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const pad = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(rest)}` : `${pad(minutes)}:${pad(rest)}`;
}

function speed(rate: number): string {
  if (rate === 0) return '?it/s';
  return rate >= 1 ? `${rate.toFixed(2)}it/s` : `${(1 / rate).toFixed(2)}s/it`;
}
