import { describe, expect, it } from 'vitest';
import { shardBlock } from '../../../src-main/engine/shards/block.js';

describe('shard blocks', () => {
  it('hold exactly the windows w with floor(w·N / S) = K, for every S ≤ 60 and N ≤ 16', () => {
    for (let windows = 1; windows <= 60; windows++) {
      for (let count = 1; count <= 16; count++) {
        for (let index = 0; index < count; index++) {
          const { first, end } = shardBlock(windows, { index, count });
          const expected = Array.from({ length: windows }, (_, w) => w).filter((w) => Math.floor((w * count) / windows) === index);
          const actual = Array.from({ length: Math.max(0, end - first) }, (_, k) => first + k);
          expect(actual, `S=${windows} N=${count} K=${index}`).toEqual(expected);
        }
      }
    }
  });

  it('leaves some shards empty when there are more shards than windows', () => {
    const sizes = Array.from({ length: 7 }, (_, index) => shardBlock(5, { index, count: 7 })).map(({ first, end }) => end - first);
    // floor(w·7/5) for w = 0…4 is 0, 1, 2, 4, 5: shards 3 and 6 get none.
    expect(sizes).toEqual([1, 1, 1, 0, 1, 1, 0]);
  });
});
