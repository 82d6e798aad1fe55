import { describe, expect, it } from 'vitest';
import { readClusterSettings } from '../../../src-main/shared/settings/cluster-settings.js';
import { PayloadReader } from '../../../src-main/shared/settings/payload-reader.js';

const read = (fields: Record<string, unknown>) => readClusterSettings(new PayloadReader('cluster.write', fields, 'cluster'));

describe('cluster settings', () => {
  it("accept sbatch's time forms", () => {
    for (const time of ['90', '90:30', '2:00:00', '1-12', '1-12:30', '7-00:00:00']) expect(read({ shards: 2, time }).time).toBe(time);
  });

  it.each(['2h', '1:2:3:4', '-5', '1-', '1.5', '1-123'])("refuse the time limit '%s' by name", (time) => {
    expect(() => read({ shards: 2, time })).toThrow(
      `cluster.write: cluster.time must be a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS), not "${time}".`,
    );
  });

  it('need a whole number of shards of at least one, and nothing else', () => {
    expect(read({ shards: 3 })).toEqual({ shards: 3 });
    expect(() => read({ shards: 0 })).toThrow('cluster.write: cluster.shards must be');
    expect(() => read({})).toThrow('cluster.write: cluster.shards must be');
    expect(() => read({ shards: 2, queue: 'x' })).toThrow("cluster.write: unknown field 'cluster.queue'.");
  });
});
