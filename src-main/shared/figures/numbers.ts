import type { Series } from '../stats.js';

export interface Extent {
  min: number;
  max: number;
}

/** Four significant digits: enough to read a tooltip, short enough to scan. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

/** A count in full with thousands separators, never rounded: 12,192. */
export function formatCount(value: number): string {
  if (!Number.isInteger(value)) return formatNumber(value);
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A log-axis tick: plain from 0.001 to 10000, a power of ten beyond; never float noise such as 0.0000999999. */
export function formatLogTick(value: number): string {
  if (!(value > 0)) return formatNumber(value);
  const exponent = Math.round(Math.log10(value));
  if (Math.abs(value / 10 ** exponent - 1) > 1e-9) return formatNumber(value);
  return exponent >= -3 && exponent < 5 ? String(Number((10 ** exponent).toPrecision(1))) : `1e${exponent}`;
}

export function extentOf(values: ArrayLike<number>, accept: (value: number) => boolean = Number.isFinite): Extent | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (!accept(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? { min, max } : undefined;
}

export function mergeExtents(extents: (Extent | undefined)[]): Extent | undefined {
  const known = extents.filter((extent): extent is Extent => extent !== undefined);
  if (known.length === 0) return undefined;
  return { min: Math.min(...known.map((extent) => extent.min)), max: Math.max(...known.map((extent) => extent.max)) };
}

/** Whole decades around the positive values, as a log axis wants. */
export function decadeExtent(extent: Extent | undefined): Extent | undefined {
  if (!extent || extent.max <= 0) return undefined;
  const min = 10 ** Math.floor(Math.log10(extent.min));
  const max = 10 ** Math.ceil(Math.log10(extent.max));
  return { min, max: max === min ? max * 10 : max };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Iglewicz–Hoaglin modified z-scores, 0.6745 · (x − median) / MAD; when over half the values tie (MAD = 0)
 * the mean absolute deviation scaled by 1.2533 stands in, so one spike still stands out.
 */
export function robustZScores(values: readonly number[]): number[] {
  const center = median(values);
  const deviations = values.map((value) => Math.abs(value - center));
  const mad = median(deviations);
  if (mad > 0) return values.map((value) => (0.6745 * (value - center)) / mad);
  const meanDeviation = deviations.reduce((sum, deviation) => sum + deviation, 0) / Math.max(values.length, 1);
  if (meanDeviation === 0) return values.map(() => 0);
  return values.map((value) => (value - center) / (1.2533 * meanDeviation));
}

/** Feature indices sorted by a per-feature key, ascending; ties keep index order. */
export function orderBy(key: Series): Uint32Array {
  const order = new Uint32Array(key.length);
  for (let index = 0; index < order.length; index++) order[index] = index;
  return order.sort((a, b) => key[a] - key[b] || a - b);
}

/** Live features (count > 0) sorted by a key, so rank 0 is the first feature drawn; dead ones have no values to rank. */
export function liveOrder(key: Series, count: Series): Uint32Array {
  return orderBy(key).filter((feature) => count[feature] > 0);
}

export function liveCount(count: Series): number {
  let live = 0;
  for (let feature = 0; feature < count.length; feature++) if (count[feature] > 0) live++;
  return live;
}

/** The next round number outward from a bound, e.g. 143 → 150 and 75.6 → 80, so axis ends read cleanly. */
export function roundOutward(value: number, direction: 1 | -1): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const magnitude = 10 ** Math.floor(Math.log10(Math.abs(value)));
  const step = magnitude / 2;
  const rounded = direction > 0 ? Math.ceil(value / step) * step : Math.floor(value / step) * step;
  return Number(rounded.toPrecision(12));
}

function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** Bounds on whole steps of 1, 2 or 5 × 10^k with about `splits` intervals, the way axis ticks read best. */
export function niceExtent(extent: Extent, splits = 5): Extent & { interval: number } {
  const span = extent.max - extent.min || Math.abs(extent.max) || 1;
  const interval = niceStep(span / splits);
  const min = Number((Math.floor(extent.min / interval) * interval).toPrecision(12));
  const max = Number((Math.ceil(extent.max / interval) * interval).toPrecision(12));
  return { min, max: max > min ? max : min + interval, interval };
}
