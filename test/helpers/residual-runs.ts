import type { ResidualStats } from '../../src-main/shared/residual.js';
import type { ResidualSettings } from '../../src-main/shared/settings/residual-settings.js';
import { openDatabase } from '../../src-main/store/database.js';
import { saveResidualStats } from '../../src-main/store/residual.js';
import { createRun, setRunState } from '../../src-main/store/runs.js';

export const RESIDUAL_SETTINGS: ResidualSettings = {
  model: '/models/gpt2',
  dataset: '/data/rows.jsonl',
  samples: 8,
  packing: 'packed',
  ablate: 'none',
  device: 'cpu',
  batchSize: 2,
  logitLens: true,
};

const grid = (rows: number, length: number, value: (row: number, column: number) => number) =>
  Array.from({ length: rows }, (_, row) => Float64Array.from({ length }, (_, column) => value(row, column)));

/** Hand-made statistics of a 3-block model: 4 points, context 6, width 10, with a massive BOS norm that grows by layer. */
export function sampleResidualStats(): ResidualStats {
  const points = 4;
  return {
    run: { model: '/models/gpt2', samples: 8, context: 6, packing: 'packed', ablate: 'none' },
    layers: ['blocks.0.hook_resid_pre', 'blocks.1.hook_resid_pre', 'blocks.2.hook_resid_pre', 'blocks.2.hook_resid_post'],
    norm_mean: grid(points, 6, (p, t) => (t === 0 ? 100 * (p + 1) : 5 + p * 2 + t / 2)),
    norm_std: grid(points, 6, (p, t) => (t === 0 ? 0 : 0.5 + p / 10)),
    cos_next: grid(points - 1, 6, (p, t) => 0.9 - p / 10 - t / 100),
    cos_prev_position: grid(points, 6, (p, t) => (t === 0 ? 0 : 0.3 + p / 20)),
    dim_mean_abs: grid(points, 10, (p, d) => (d === 3 ? 40 + p : 1 + d / 10)),
    dim_mean_abs_bos: grid(points, 10, (p, d) => (d === 7 ? 90 * (p + 1) : 2 - d / 10)),
    massive: Array.from({ length: points }, (_, p) => ({
      dims: [3, 9, 8, 7, 6, 5, 4, 2],
      values: [40 + p, 1.9, 1.8, 1.7, 1.6, 1.5, 1.4, 1.2],
      bos_dims: [7, 0, 1, 2, 3, 4, 5, 6],
      bos_values: [90 * (p + 1), 2, 1.9, 1.8, 1.7, 1.6, 1.5, 1.4],
    })),
    logit_lens_kl: Float64Array.from([6.5, 3.25, 1.5, 0]),
    logit_lens_top1: Float64Array.from([0.05, 0.25, 0.625, 1]),
  };
}

/** Records a finished residual run holding `stats` in the database at `databasePath`; returns its id. */
export function storeFinishedResidualRun(databasePath: string, stats: ResidualStats = sampleResidualStats()): string {
  const db = openDatabase(databasePath);
  try {
    const { id } = createRun(db, 'residual', RESIDUAL_SETTINGS);
    saveResidualStats(db, id, stats);
    setRunState(db, id, 'finished');
    return id;
  } finally {
    db.close();
  }
}
