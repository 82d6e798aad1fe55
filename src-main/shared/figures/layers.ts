import { parseHookName } from '../hooks.js';
import type { SaeStats } from '../stats.js';

/** The block index of a TransformerLens hook, or undefined for a name outside blocks.N.…. */
export function layerOf(hook: string): number | undefined {
  try {
    return parseHookName(hook).layer;
  } catch {
    return undefined;
  }
}

/** "Layer 3" for blocks.3.…, the hook itself otherwise. */
export function layerLabel(hook: string): string {
  const layer = layerOf(hook);
  return layer === undefined ? hook : `Layer ${layer}`;
}

/** A stable panel id for SVG groups: layer-3, or the hook with unsafe characters replaced. */
export function layerPanelId(hook: string): string {
  const layer = layerOf(hook);
  return layer === undefined ? `hook-${hook.replace(/[^A-Za-z0-9_-]/g, '-')}` : `layer-${layer}`;
}

/** SAEs in layer order, so panels and legends read top-left to bottom-right. */
export function saesByLayer(saes: readonly SaeStats[]): SaeStats[] {
  return [...saes].sort((a, b) => (layerOf(a.hook) ?? Infinity) - (layerOf(b.hook) ?? Infinity));
}

/** Per panel, `compute` over all SAEs when axes are shared (computed once), else over the panel's own SAE. */
export function panelRanges<T>(saes: SaeStats[], shareAxes: boolean, compute: (scope: SaeStats[]) => T): T[] {
  if (!shareAxes) return saes.map((sae) => compute([sae]));
  const shared = compute(saes);
  return saes.map(() => shared);
}
