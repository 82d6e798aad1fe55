import type { WindowBlock } from '../stats/windows.js';

/** Shard K of N: `index` is K (0 ≤ K < N), `count` is N. */
export interface ShardSelection {
  index: number;
  count: number;
}

/**
 * The windows w of shard K of N among `windows` (S): those with floor(w·N / S) = K, i.e. w from ceil(K·S / N) to
 * ceil((K + 1)·S / N) − 1, a contiguous block in run order (empty when N > S leaves shard K none).
 */
export function shardBlock(windows: number, shard: ShardSelection): WindowBlock {
  const start = (k: number) => Math.floor((k * windows + shard.count - 1) / shard.count);
  return { first: start(shard.index), end: start(shard.index + 1) };
}
