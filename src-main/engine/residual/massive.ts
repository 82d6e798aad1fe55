import { MASSIVE_DIM_COUNT, type MassiveDims } from '../../shared/residual.js';

/** The `count` largest values' indices, largest first; ties keep the lower index first. */
export function largestDims(values: ArrayLike<number>, count = MASSIVE_DIM_COUNT): number[] {
  const order = Array.from({ length: values.length }, (_, dim) => dim);
  order.sort((a, b) => values[b]! - values[a]! || a - b);
  return order.slice(0, count);
}

/** One residual point's massive-activation dims: by mean |x| over t ≥ 1, and at BOS. */
export function massiveDims(meanAbs: ArrayLike<number>, bosMeanAbs: ArrayLike<number>): MassiveDims {
  const dims = largestDims(meanAbs);
  const bosDims = largestDims(bosMeanAbs);
  return { dims, values: dims.map((dim) => meanAbs[dim]!), bos_dims: bosDims, bos_values: bosDims.map((dim) => bosMeanAbs[dim]!) };
}
