import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/store/database.js';
import { loadResidualStats, saveResidualStats } from '../../src-main/store/residual.js';
import { createRun, setRunState } from '../../src-main/store/runs.js';
import { RUN_SETTINGS } from '../helpers/runs.js';
import { RESIDUAL_SETTINGS, sampleResidualStats } from '../helpers/residual-runs.js';

describe('residual store', () => {
  it('gives back the hand-made statistics it stored, arrays as Float64Array', () => {
    const db = openDatabase(':memory:');
    const run = createRun(db, 'residual', RESIDUAL_SETTINGS);
    saveResidualStats(db, run.id, sampleResidualStats());
    setRunState(db, run.id, 'finished');
    const loaded = loadResidualStats(db, 'latest');
    expect(loaded.norm_mean[0]).toBeInstanceOf(Float64Array);
    expect(Array.from(loaded.norm_mean[3]!)).toEqual([400, 11.5, 12, 12.5, 13, 13.5]);
    expect(Array.from(loaded.cos_next[2]!)).toEqual([0, 1, 2, 3, 4, 5].map((t) => 0.9 - 2 / 10 - t / 100));
    expect(Array.from(loaded.logit_lens_top1)).toEqual([0.05, 0.25, 0.625, 1]);
    expect(loaded.massive[1]!.bos_values[0]).toBe(180);
    expect(loaded.layers.at(-1)).toBe('blocks.2.hook_resid_post');
  });

  it('keeps a run without the logit lens as empty lens arrays', () => {
    const db = openDatabase(':memory:');
    const run = createRun(db, 'residual', { ...RESIDUAL_SETTINGS, logitLens: false });
    saveResidualStats(db, run.id, { ...sampleResidualStats(), logit_lens_kl: [], logit_lens_top1: [] });
    setRunState(db, run.id, 'finished');
    expect(loadResidualStats(db, run.id).logit_lens_kl).toHaveLength(0);
  });

  it('shows nothing until the run has finished, and refuses a run of another kind', () => {
    const db = openDatabase(':memory:');
    const run = createRun(db, 'residual', RESIDUAL_SETTINGS);
    saveResidualStats(db, run.id, sampleResidualStats());
    expect(() => loadResidualStats(db, run.id)).toThrow(`Run '${run.id}' has no results: it is queued, not finished.`);
    const other = createRun(db, 'statistics', RUN_SETTINGS);
    expect(() => loadResidualStats(db, other.id)).toThrow(`Run '${other.id}' is a statistics run, not a residual run.`);
  });
});
