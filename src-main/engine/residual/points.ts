import { hookName } from '../../shared/hooks.js';

/** The n + 1 residual points of an n-block model: each block's resid_pre (0 = the embeddings), then the last block's resid_post. */
export function residualPoints(layerCount: number): string[] {
  const points = Array.from({ length: layerCount }, (_, layer) => hookName({ layer, kind: 'hook_resid_pre' }));
  points.push(hookName({ layer: layerCount - 1, kind: 'hook_resid_post' }));
  return points;
}
