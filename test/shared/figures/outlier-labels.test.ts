import { describe, expect, it } from 'vitest';
import { buildPositionMeanStdOption, outlyingPositions } from '../../../src-main/shared/figures/positions.js';
import { DEFAULT_FIGURE_SETTINGS } from '../../../src-main/shared/figures/settings.js';
import { syntheticStats } from '../../helpers/synthetic-stats.js';

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

type Series = { name: string; xAxisIndex: number; data: ({ value: number[]; label?: { formatter: string; fontSize: number } } | null)[] | number[][] };
type Axis = { min: number; max: number };
type Grid = { left: number; top: number; width: number; height: number };

/** Many spikes close together, so labels must move to stay clear of each other. */
const crowded = syntheticStats({ layers: 4, features: 64, context: 40, seed: 7, spikes: [3, 4, 5, 6, 7, 8, 9, 10] });

function pixel(grid: Grid, x: Axis, y: Axis, value: number[]): [number, number] {
  return [grid.left + ((value[0] - x.min) / (x.max - x.min)) * grid.width, grid.top + grid.height - ((value[1] - y.min) / (y.max - y.min)) * grid.height];
}

function overlap(a: Box, b: Box): boolean {
  return Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
}

describe.each([1, 2])('outlier labels at font scale %s', (fontScale) => {
  const settings = { ...DEFAULT_FIGURE_SETTINGS, fontScale, shareAxes: false };
  const option = buildPositionMeanStdOption(crowded, settings);
  const series = option.series as Series[];
  const grids = option.grid as Grid[];

  it.each([0, 1, 2, 3])('label every outlier of panel %s once, inside the panel, clear of each other and of every point', (panel) => {
    const [x, y] = [(option.xAxis as Axis[])[panel], (option.yAxis as Axis[])[panel]];
    const labels = series.find((each) => each.name === `Layer ${panel} labels`)!.data as { value: number[]; label: { formatter: string; fontSize: number } }[];
    const points = series.find((each) => each.name === `Layer ${panel}`)!.data as { value: number[] }[];
    expect(labels.map((item) => item.value[2]).sort((a, b) => a - b)).toEqual([...outlyingPositions(crowded.saes[panel], settings.outlierThreshold)].sort((a, b) => a - b));
    // The test's own text size: 0.6 em per character, 1.2 em tall, centred on the label's anchor.
    const boxes = labels.map((item) => {
      const [cx, cy] = pixel(grids[panel], x, y, item.value);
      const [width, height] = [item.label.formatter.length * 0.6 * item.label.fontSize, 1.2 * item.label.fontSize];
      return { left: cx - width / 2, right: cx + width / 2, top: cy - height / 2, bottom: cy + height / 2 };
    });
    const grid = grids[panel];
    for (const box of boxes) {
      expect(box.left).toBeGreaterThanOrEqual(grid.left - 0.5);
      expect(box.right).toBeLessThanOrEqual(grid.left + grid.width + 0.5);
      expect(box.top).toBeGreaterThanOrEqual(grid.top - 0.5);
      expect(box.bottom).toBeLessThanOrEqual(grid.top + grid.height + 0.5);
    }
    boxes.forEach((box, index) => boxes.slice(index + 1).forEach((other) => expect(overlap(box, other)).toBe(false)));
    const radius = (settings.pointSize * 3) / 2;
    for (const point of points) {
      const [px, py] = pixel(grid, x, y, point.value);
      for (const box of boxes) expect(overlap(box, { left: px - radius, right: px + radius, top: py - radius, bottom: py + radius })).toBe(false);
    }
  });

  it('draws a leader line from each point whose label had to move away', () => {
    const leaders = series.filter((each) => each.name.endsWith(' leaders'));
    expect(leaders.length).toBeGreaterThan(0);
    for (const each of leaders) {
      const segments = (each.data as (number[] | null)[]);
      expect(segments.length % 3).toBe(0);
      for (let index = 2; index < segments.length; index += 3) expect(segments[index]).toBeNull();
    }
  });
});
