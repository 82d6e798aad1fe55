import type { Pooling } from '../../shared/settings/correlation-settings.js';

/** Where one window's rows sit in a batch's [rows, features] matrix. */
export interface WindowRows {
  /** Row of the window's position 0 (BOS). */
  start: number;
  /** Valid positions, BOS included. */
  length: number;
}

/** Pools every feature over the window's positions t ≥ 1 (BOS excluded) into `target`; 0 when there are none. */
export function poolWindow(features: Float32Array, featureCount: number, window: WindowRows, pooling: Pooling, target: Float64Array): void {
  target.fill(0);
  const positions = window.length - 1;
  if (positions < 1) return;
  for (let t = 1; t < window.length; t++) {
    const row = features.subarray((window.start + t) * featureCount, (window.start + t + 1) * featureCount);
    if (pooling === 'max' && t === 1) target.set(row);
    else if (pooling === 'max') for (let feature = 0; feature < featureCount; feature++) target[feature] = Math.max(target[feature]!, row[feature]!);
    else for (let feature = 0; feature < featureCount; feature++) target[feature] += row[feature]!;
  }
  if (pooling === 'mean') for (let feature = 0; feature < featureCount; feature++) target[feature] /= positions;
}
