import type { ResidualStats, Series } from '../../residual.js';
import { fileName } from '../title.js';

/** "Embeddings" for point 0, "Layer L" for the input of block L, "Output" for the last block's output. */
export function pointLabel(index: number, count: number): string {
  if (index === 0) return 'Embeddings';
  return index === count - 1 ? 'Output' : `Layer ${index}`;
}

export function pointLabels(stats: ResidualStats): string[] {
  return stats.layers.map((_, index) => pointLabel(index, stats.layers.length));
}

/** Axis categories short enough to fit beside a panel: the points' indices. */
export function pointCategories(stats: ResidualStats): string[] {
  return stats.layers.map((_, index) => String(index));
}

/** What the index categories mean, e.g. "Residual point (0 = embeddings, 12 = output)". */
export function pointAxisName(stats: ResidualStats): string {
  return `Residual point (0 = embeddings, ${stats.layers.length - 1} = output)`;
}

/** The figure's name and the run it shows, e.g. "Residual norm · gpt2, 400 windows of 1024 tokens, positions-only". */
export function residualTitle(name: string, stats: ResidualStats): string {
  const { model, samples, context, ablate } = stats.run;
  const ablation = ablate === 'none' ? '' : `, ${ablate}`;
  return `${name} · ${fileName(model)}, ${samples} windows of ${context} tokens${ablation}`;
}

/** Positions from `first` on that some window reached: a residual norm is never 0 where a token was. */
export function reachedPositions(stats: ResidualStats, first = 0): number[] {
  const norms = stats.norm_mean[0] ?? [];
  const reached: number[] = [];
  for (let position = first; position < norms.length; position++) if (norms[position]! > 0) reached.push(position);
  return reached;
}

/** The plain mean of a per-position series over the given positions. */
export function meanOver(series: Series, positions: readonly number[]): number {
  return positions.length === 0 ? 0 : positions.reduce((total, position) => total + series[position]!, 0) / positions.length;
}
