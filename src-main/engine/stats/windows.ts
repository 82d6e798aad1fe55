import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { TextTokenizer, TokenBatch } from '../model/types.js';
import type { Packing } from '../../shared/settings/run-settings.js';

export interface WindowPlan {
  context: number;
  packing: Packing;
  samples: number;
  batchSize: number;
  bosTokenId: number;
  eosTokenId: number;
}

/** One window: `length` tokens are real, the rest (per-row only) is padding that no statistic may see. */
export interface TokenWindow {
  ids: Int32Array;
  length: number;
}

/** Windows in row-major order with each window's valid length. */
export interface WindowBatch extends TokenBatch {
  lengths: Int32Array;
}

/** The dataset side of a run: its file (for messages) and its rows of text. */
export interface WindowSource {
  path: string;
  texts: readonly string[];
}

/** Tokenizes rows only as windows are needed, no special tokens added. */
function* tokenizeRows(texts: Iterable<string>, tokenizer: TextTokenizer): Generator<number[]> {
  for (const text of texts) yield tokenizer.encode(text);
}

/** Rows joined into one stream, each followed by EOS, cut into pieces of context − 1 tokens behind a BOS; the short tail is dropped. */
export function* packedWindows(rows: Iterable<readonly number[]>, plan: WindowPlan): Generator<TokenWindow> {
  const pieceLength = plan.context - 1;
  let pending: number[] = [];
  let start = 0;
  for (const row of rows) {
    for (const token of row) pending.push(token);
    pending.push(plan.eosTokenId);
    while (pending.length - start >= pieceLength) {
      yield { ids: windowIds(pending.slice(start, start + pieceLength), plan), length: plan.context };
      start += pieceLength;
    }
    // Drop consumed tokens now and then so the buffer stays a few windows long.
    if (start > pieceLength * 8) {
      pending = pending.slice(start);
      start = 0;
    }
  }
}

/** One window per row: BOS then the row's first context − 1 tokens, padded after its valid length. */
export function* perRowWindows(rows: Iterable<readonly number[]>, plan: WindowPlan): Generator<TokenWindow> {
  for (const row of rows) {
    const piece = row.slice(0, plan.context - 1);
    yield { ids: windowIds(piece, plan), length: piece.length + 1 };
  }
}

function windowIds(piece: readonly number[], plan: WindowPlan): Int32Array {
  const ids = new Int32Array(plan.context).fill(plan.eosTokenId);
  ids[0] = plan.bosTokenId;
  ids.set(piece, 1);
  return ids;
}

/** Windows first … end − 1 in run order: a shard's block (see engine/shards/block.ts). */
export interface WindowBlock {
  first: number;
  end: number;
}

/** Groups the first `samples` windows (those of `block` only, when given) into batches of `batchSize`, built one batch at a time. */
export function* batchWindows(windows: Iterable<TokenWindow>, plan: WindowPlan, block?: WindowBlock): Generator<WindowBatch> {
  let group: TokenWindow[] = [];
  let taken = 0;
  const end = Math.min(plan.samples, block?.end ?? plan.samples);
  for (const window of windows) {
    if (taken === end) break;
    // Windows before the block are still cut from the stream: packed windows depend on every row before them.
    if (taken++ < (block?.first ?? 0)) continue;
    group.push(window);
    if (group.length < plan.batchSize) continue;
    yield toBatch(group, plan.context);
    group = [];
  }
  if (group.length > 0) yield toBatch(group, plan.context);
}

function toBatch(windows: TokenWindow[], context: number): WindowBatch {
  const ids = new Int32Array(windows.length * context);
  windows.forEach((window, index) => ids.set(window.ids, index * context));
  const lengths = Int32Array.from(windows, (window) => window.length);
  return { ids, batch: windows.length, sequence: context, lengths };
}

/** How many windows a run on `source` gets: `plan.samples`, or fewer when the dataset runs out; tokenizes only that far. */
export function countWindows(source: WindowSource, tokenizer: TextTokenizer, plan: WindowPlan): number {
  checkRows(source);
  let count = 0;
  for (const _window of sourceWindows(source, tokenizer, plan)) {
    if (++count === plan.samples) break;
  }
  if (count === 0) throw tooFewTokens(source, plan);
  return count;
}

function sourceWindows(source: WindowSource, tokenizer: TextTokenizer, plan: WindowPlan): Generator<TokenWindow> {
  const rows = tokenizeRows(source.texts, tokenizer);
  return plan.packing === 'packed' ? packedWindows(rows, plan) : perRowWindows(rows, plan);
}

function checkRows(source: WindowSource): void {
  if (source.texts.length === 0) throw new InputError(`The dataset ${basename(source.path)} has no rows of text.`, source.path);
}

function tooFewTokens(source: WindowSource, plan: WindowPlan): InputError {
  return new InputError(`The dataset ${basename(source.path)} has too few tokens for one window of ${plan.context} tokens.`, source.path);
}

/** The batches of a run (of a shard's block only, when given), checked for an empty dataset and for too few tokens to fill one window. */
export function* windowBatches(source: WindowSource, tokenizer: TextTokenizer, plan: WindowPlan, block?: WindowBlock): Generator<WindowBatch> {
  checkRows(source);
  let produced = 0;
  for (const batch of batchWindows(sourceWindows(source, tokenizer, plan), plan, block)) {
    produced += batch.batch;
    yield batch;
  }
  // A shard's block may be empty; countWindows has checked the dataset holds a window.
  if (produced === 0 && !block) throw tooFewTokens(source, plan);
}
