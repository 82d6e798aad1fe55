import type { ResidualStats } from '../../residual.js';
import type { FigureFamily } from '../families.js';
import { buildResidualCosineOption } from './cosines.js';
import { buildResidualLensOption } from './lens.js';
import { buildResidualMassiveOption } from './massive.js';
import { buildResidualNormHeatmapOption, buildResidualNormOption } from './norms.js';

/** A residual run's figures, exported under these ids (residual-norm.svg …). */
export const RESIDUAL_FIGURE_FAMILIES: readonly FigureFamily<ResidualStats>[] = [
  { id: 'residual-norm', title: 'Norm per position', builder: buildResidualNormOption },
  { id: 'residual-norm-heatmap', title: 'Norm by layer and position', builder: buildResidualNormHeatmapOption },
  { id: 'residual-cosines', title: 'Cosines', builder: buildResidualCosineOption },
  { id: 'residual-massive', title: 'Massive activations', builder: buildResidualMassiveOption },
  { id: 'residual-logit-lens', title: 'Logit lens', builder: buildResidualLensOption },
];

export function findResidualFamily(id: string): FigureFamily<ResidualStats> | undefined {
  return RESIDUAL_FIGURE_FAMILIES.find((family) => family.id === id);
}
