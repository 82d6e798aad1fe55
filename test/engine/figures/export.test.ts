import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { exportAllFigures, exportFigure, figureSvg } from '../../../src-main/engine/figures/index.js';
import { DEFAULT_FIGURE_SETTINGS, DEFAULT_FORMAT_OPTIONS, type FigureSettings, type FormatOptions } from '../../../src-main/shared/figures/settings.js';
import { renderSvg, staticOption } from '../../../src-main/engine/figures/render.js';
import { FIGURE_FAMILIES, findFamily } from '../../../src-main/shared/figures/families.js';
import { figureSize } from '../../../src-main/shared/figures/frame.js';
import { syntheticStats } from '../../helpers/synthetic-stats.js';
import { xmlProblems } from '../../helpers/xml.js';

const stats = syntheticStats({ layers: 12, features: 256, context: 32, samples: 20, seed: 5, ce: true, dataset: '<script>alert("x")<script> & co.jsonl' });
interface Choice {
  family: string;
  format?: 'svg' | 'png';
  settings?: Partial<FigureSettings>;
  output?: Partial<FormatOptions>;
}

/** One figure at scale 1 unless the choice says otherwise. */
function exportOne(choice: Choice) {
  const settings = { ...DEFAULT_FIGURE_SETTINGS, ...choice.settings };
  const output = { ...DEFAULT_FORMAT_OPTIONS, scale: 1, ...choice.output };
  return exportFigure(stats, { family: choice.family, format: choice.format ?? 'svg', settings, output });
}

async function svgOf(family: string, choice: Omit<Choice, 'family'> = {}): Promise<string> {
  return (await exportOne({ family, ...choice })).data.toString('utf8');
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]).sort();
}

function groupContent(svg: string, id: string): string {
  const start = svg.indexOf(`<g id="${id}">`);
  expect(start).toBeGreaterThanOrEqual(0);
  let depth = 0;
  const tags = /<g\b[^>]*>|<\/g>/g;
  tags.lastIndex = start;
  for (let match = tags.exec(svg); match; match = tags.exec(svg)) {
    depth += match[0] === '</g>' ? -1 : 1;
    if (depth === 0) return svg.slice(start, match.index);
  }
  throw new Error(`group ${id} is not closed`);
}

function pngWidth(png: Buffer): number {
  return png.readUInt32BE(16);
}

describe.each(FIGURE_FAMILIES.map((family) => family.id))('%s as SVG', (family) => {
  it('is well-formed XML that resvg loads, with a viewBox and no script', async () => {
    const svg = await svgOf(family);
    expect(xmlProblems(svg)).toEqual([]);
    expect(() => new Resvg(svg)).not.toThrow();
    expect(svg).toMatch(/<svg [^>]*viewBox="0 0 1280 \d+"/);
    expect(svg).not.toMatch(/<script/i);
  });

  it('keeps text as text with explicit fonts and no dominant-baseline', async () => {
    const svg = await svgOf(family);
    const tags = svg.match(/<text\b[^>]*>/g) ?? [];
    expect(tags.length).toBeGreaterThan(10);
    for (const tag of tags) {
      expect(tag).toMatch(/font-family="[^"]+"/);
      expect(tag).toMatch(/font-size="[\d.]+"/);
    }
    expect(svg).not.toContain('dominant-baseline');
  });

  it('draws the same text as the on-screen chart', async () => {
    const settings = { ...DEFAULT_FIGURE_SETTINGS };
    const option = findFamily(family)!.builder(stats, settings);
    const direct = renderSvg(staticOption(option), figureSize(option, settings));
    expect(texts(await svgOf(family))).toEqual(texts(direct));
  });
});

describe('SVG structure', () => {
  it('puts each layer panel, the title and the legend in named groups', async () => {
    const svg = await svgOf('quantiles');
    for (let layer = 0; layer < 12; layer++) {
      expect(svg.split(`<g id="panel-layer-${layer}">`)).toHaveLength(2);
      expect(groupContent(svg, `panel-layer-${layer}-title`)).toContain(`Layer ${layer}<`);
    }
    expect(groupContent(svg, 'title')).toContain('Quantiles of active values per feature');
    expect(groupContent(svg, 'legend')).toContain('>50%<');
  });

  it('has no empty paths, no legend group without a legend, and no clip path that nothing uses', async () => {
    for (const family of FIGURE_FAMILIES) {
      const svg = await svgOf(family.id);
      expect(svg, family.id).not.toMatch(/<path\b[^>]*\sd=""/);
      expect(svg, family.id).not.toMatch(/<g\b[^>]*>\s*<\/g>/);
      const option = family.builder(stats, DEFAULT_FIGURE_SETTINGS);
      expect(svg.includes('<g id="legend">'), family.id).toBe(Boolean(option.legend));
      const defined = [...svg.matchAll(/<clipPath id="([^"]+)"/g)].map((match) => match[1]).sort();
      const used = [...new Set([...svg.matchAll(/url\(#([^)]+)\)/g)].map((match) => match[1]))].sort();
      expect(defined, family.id).toEqual(used);
    }
  });

  it('escapes text that came from the data', async () => {
    const svg = await svgOf('density');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;script&gt; &amp; co.jsonl');
    expect(svg).not.toContain('<script>');
  });
});

describe('dense scatters', () => {
  const settings = { ...DEFAULT_FIGURE_SETTINGS, rasterThreshold: 1000 };
  const option = findFamily('quantiles')!.builder(stats, settings);

  it('go in as an embedded PNG above the point threshold, with axes and text still vector', () => {
    const svg = figureSvg(option, settings);
    const points = groupContent(svg, 'panel-layer-3-points');
    expect(points).toMatch(/<image [^>]*xlink:href="data:image\/png;base64,/);
    expect(points).not.toContain('<path');
    expect(groupContent(svg, 'panel-layer-8-axes')).toContain('<text');
  });

  it('stay vector below the threshold', () => {
    const svg = figureSvg(option, { ...settings, rasterThreshold: 1e9 });
    const points = groupContent(svg, 'panel-layer-3-points');
    expect(points).not.toContain('<image');
    expect((points.match(/<path/g) ?? []).length).toBeGreaterThan(1000);
  });

  it('follow an explicit rasterize request either way', async () => {
    expect(groupContent(await svgOf('position-mean', { output: { rasterize: 'on' } }), 'panel-layer-0-points')).toContain('<image');
    expect(await svgOf('quantiles', { output: { rasterize: 'off' } })).not.toContain('<image');
  });
});

describe('PNG and font scale', () => {
  it('doubles the pixel size at scale 2', async () => {
    const single = await exportOne({ family: 'layer-summary', format: 'png' });
    const double = await exportOne({ family: 'layer-summary', format: 'png', output: { scale: 2 } });
    expect(single.mimeType).toBe('image/png');
    expect(single.fileName).toBe('layer-summary.png');
    expect(pngWidth(single.data)).toBe(1280);
    expect(pngWidth(double.data)).toBe(2560);
  });

  it('re-renders with larger fonts rather than stretching', async () => {
    const titleSize = (svg: string) => Number(/<g id="title">[\s\S]*?font-size="([\d.]+)"/.exec(svg)?.[1]);
    const normal = await svgOf('density');
    const large = await svgOf('density', { settings: { fontScale: 2 } });
    expect(titleSize(normal)).toBe(16);
    expect(titleSize(large)).toBe(32);
    expect(/viewBox="0 0 (\d+)/.exec(large)?.[1]).toBe('1280');
  });

  it('rejects an unknown figure family by name', async () => {
    await expect(exportOne({ family: 'pie' })).rejects.toThrow(/Unknown figure 'pie'/);
  });
});

describe('export all', () => {
  it('writes one file per family and format, named after the family', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'sae-figures-'));
    const small = syntheticStats({ layers: 4, features: 64, context: 16, samples: 8 });
    const written = await exportAllFigures(small, { outDir, formats: ['svg', 'png'], settings: DEFAULT_FIGURE_SETTINGS, output: { ...DEFAULT_FORMAT_OPTIONS, scale: 1 } });
    expect(written).toHaveLength(FIGURE_FAMILIES.length * 2);
    const names = (await readdir(outDir)).sort();
    expect(names).toEqual(FIGURE_FAMILIES.flatMap((family) => [`${family.id}.png`, `${family.id}.svg`]).sort());
    expect((await readFile(join(outDir, 'quantiles.png'))).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('residual figure export', () => {
  it('writes every residual figure as SVG and PNG, the heatmap’s colour bar drawn once, in the legend group', async () => {
    const { RESIDUAL_FIGURE_FAMILIES } = await import('../../../src-main/shared/figures/residual/families.js');
    const { sampleResidualStats } = await import('../../helpers/residual-runs.js');
    const outDir = await mkdtemp(join(tmpdir(), 'residual-figures-'));
    const written = await exportAllFigures(sampleResidualStats(), { outDir, formats: ['svg', 'png'], settings: DEFAULT_FIGURE_SETTINGS, output: { ...DEFAULT_FORMAT_OPTIONS, scale: 1 } }, RESIDUAL_FIGURE_FAMILIES);
    expect(written).toHaveLength(10);
    const svg = await readFile(join(outDir, 'residual-norm-heatmap.svg'), 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    expect(texts(svg).filter((text) => text.startsWith('Mean norm (log scale)'))).toHaveLength(1);
    expect(groupContent(svg, 'legend')).toContain('Mean norm (log scale)');
    const choice = { family: 'density', format: 'svg' as const, settings: DEFAULT_FIGURE_SETTINGS, output: DEFAULT_FORMAT_OPTIONS };
    await expect(exportFigure(sampleResidualStats(), choice, RESIDUAL_FIGURE_FAMILIES)).rejects.toThrow(/Unknown figure 'density'/);
  });
});
