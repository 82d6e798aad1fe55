import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairFigureData, setFigureData } from '../../../src-main/engine/compare/figure-data.js';
import { matchPair } from '../../../src-main/engine/compare/match.js';
import { DEFAULT_MATCH_SETTINGS } from '../../../src-main/engine/compare/types.js';
import { exportMatchFigures } from '../../../src-main/engine/figures/match-export.js';
import { DEFAULT_FIGURE_SETTINGS, DEFAULT_FORMAT_OPTIONS } from '../../../src-main/shared/figures/settings.js';
import { gaussianRows, saeWithDecoder } from '../compare/reference.js';
import { xmlProblems } from '../../helpers/xml.js';

describe('match figure export', () => {
  it('writes the set heatmap and each pair\u2019s figures as valid SVG with named groups, and PNG', async () => {
    const small = saeWithDecoder(gaussianRows(40, 8, 1), 'a');
    small.hook = 'blocks.0.hook_resid_pre';
    const large = saeWithDecoder(gaussianRows(90, 8, 2), 'b');
    large.hook = 'blocks.1.hook_resid_pre';
    const match = await matchPair(small, large, { ...DEFAULT_MATCH_SETTINGS, device: 'cpu' });
    const matrices = { assignmentAbove: [[1, 0.2], [0.2, 1]], top1Median: [[1, 0.3], [0.4, 1]], top1Geomean: [[1, 0.2], [0.3, 1]] };
    const outDir = await mkdtemp(join(tmpdir(), 'match-figures-'));
    const density = Float32Array.from({ length: 40 }, (_, i) => (i + 1) / 100);
    const written = await exportMatchFigures(
      { set: setFigureData([small, large], matrices, 'decoder'), pairs: [{ folder: 'pair-0-1', data: pairFigureData(match, { a: density }) }] },
      { outDir, formats: ['svg', 'png'], settings: DEFAULT_FIGURE_SETTINGS, output: { ...DEFAULT_FORMAT_OPTIONS, scale: 1 } },
    );
    expect(written.map((path) => relative(outDir, path)).sort()).toEqual(
      ['match-layers', 'pair-0-1/match-children', 'pair-0-1/match-density', 'pair-0-1/match-top1', 'pair-0-1/match-topk'].flatMap((name) => [`${name}.png`, `${name}.svg`]),
    );
    const heatmap = await readFile(join(outDir, 'match-layers.svg'), 'utf8');
    expect(xmlProblems(heatmap)).toEqual([]);
    for (const group of ['title', 'panel-assignment-above-0-7', 'panel-top1-median', 'panel-top1-geomean']) expect(heatmap).toContain(`<g id="${group}">`);
    expect(heatmap).toContain('>0.30<');
    const top1 = await readFile(join(outDir, 'pair-0-1', 'match-top1.svg'), 'utf8');
    expect(xmlProblems(top1)).toEqual([]);
    expect(top1).toContain('<g id="panel-a-to-b">');
  });
});
