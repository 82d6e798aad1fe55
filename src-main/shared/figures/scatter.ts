import type { ScatterSeriesOption } from 'echarts';

/** Large-mode scatter over a flat typed array of [x, y, feature] triples: fast to draw, still hoverable. */
export function largeScatter(options: {
  name: string;
  panel: number;
  data: Float64Array;
  color: string;
  size: number;
  opacity?: number;
  dimensions: string[];
  formatter: (value: number[]) => string;
}): ScatterSeriesOption {
  return {
    type: 'scatter',
    name: options.name,
    xAxisIndex: options.panel,
    yAxisIndex: options.panel,
    data: options.data as unknown as ScatterSeriesOption['data'],
    dimensions: options.dimensions,
    encode: { x: 0, y: 1, tooltip: [0, 1, 2] },
    symbolSize: options.size,
    itemStyle: { color: options.color, opacity: options.opacity ?? 1 },
    large: true,
    largeThreshold: 2000,
    progressive: 40000,
    progressiveThreshold: 100000,
    emphasis: { disabled: true },
    tooltip: { formatter: (params) => options.formatter((params as { value: number[] }).value) },
  };
}

/** Packs [x, y, index] triples for the indices where point(index) gives a point. */
export function packTriples(count: number, point: (index: number) => [number, number] | undefined): Float64Array {
  const packed = new Float64Array(count * 3);
  let used = 0;
  for (let index = 0; index < count; index++) {
    const xy = point(index);
    if (!xy) continue;
    packed[used++] = xy[0];
    packed[used++] = xy[1];
    packed[used++] = index;
  }
  return packed.slice(0, used);
}

/** Packs features in the given order as [rank, value, feature] triples, leaving out those without a value. */
export function packRanked(order: ArrayLike<number>, value: (feature: number) => number | undefined): Float64Array {
  const packed = packTriples(order.length, (rank) => {
    const y = value(order[rank]);
    return y === undefined ? undefined : [rank, y];
  });
  for (let offset = 2; offset < packed.length; offset += 3) packed[offset] = order[packed[offset]];
  return packed;
}
