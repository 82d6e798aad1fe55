import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src-main/api/contract.js';
import { runFacts, shardRows } from '../../../src-renderer/state/run-summary.js';
import { RUN_SETTINGS } from '../../helpers/runs.js';

const run = { id: 'ab12cd34', kind: 'statistics', state: 'finished', settings: { ...RUN_SETTINGS, samples: 5000 }, createdAt: '2026-12-02T10:00:00.000Z', finishedAt: '2026-12-02T10:02:05.000Z', stages: [] } as unknown as RunRecord;

describe('runFacts', () => {
  it('names the run id, windows used of those requested, resolved context, device and duration', () => {
    expect(runFacts({ ...run, windows: 137, context: 128, device: 'cpu' })).toBe('run ab12cd34 · 137 of 5000 windows · context 128 · ran on cpu · took 2 min 5 s');
  });

  it('says only the id while a run has measured nothing yet', () => {
    expect(runFacts({ ...run, state: 'running', finishedAt: undefined })).toBe('run ab12cd34');
  });
});

describe('shardRows', () => {
  it('lists a merged run\'s shards as K/N, windows, host and time', () => {
    const shards = [
      { shard: 0, shards: 2, windows: 3, host: 'gpu-01', elapsedMs: 61_400, file: '/shared/0.shard' },
      { shard: 1, shards: 2, windows: 2, host: 'gpu-02', elapsedMs: 900, file: '/shared/1.shard' },
    ];
    expect(shardRows({ ...run, shards })).toEqual([
      { shard: '0/2', windows: 3, host: 'gpu-01', took: '1 min 1 s' },
      { shard: '1/2', windows: 2, host: 'gpu-02', took: '1 s' },
    ]);
  });

  it('is empty for a run computed in one process', () => {
    expect(shardRows(run)).toEqual([]);
  });
});
