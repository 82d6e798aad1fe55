import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';

export interface FigureSize {
  width: number;
  height: number;
}

/** Runs `use` on a server-side SVG chart holding the option, then frees it (a live chart keeps the process alive). */
export function withChart<T>(option: EChartsOption, size: FigureSize, use: (chart: echarts.ECharts) => T): T {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(option);
    return use(chart);
  } finally {
    chart.dispose();
  }
}

export function renderSvg(option: EChartsOption, size: FigureSize): string {
  return withChart(option, size, (chart) => chart.renderToSVGString());
}

/** Screen-only parts: an exported figure has no toolbox, zoom or tooltip. */
export function staticOption(option: EChartsOption): EChartsOption {
  return { ...option, toolbox: undefined, dataZoom: undefined, tooltip: undefined, animation: false };
}
