import * as echarts from 'echarts';
const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 300, height: 200 });
chart.setOption({ animation: false, xAxis: { type: 'value', min: 0, max: 10 }, yAxis: { type: 'value', min: 0, max: 10 },
  series: [{ type: 'scatter', symbolSize: 8, labelLine: { show: true, lineStyle: { color: '#f00' } }, data: [
    { value: [5, 5], label: { show: true, formatter: 'AAA', position: [40, -30], align: 'left', verticalAlign: 'top' } },
    { value: [2, 2], label: { show: true, formatter: 'BBB', position: 'right' } } ] }] });
const svg = chart.renderToSVGString();
console.log(svg.match(/<text[^>]*>[^<]*<\/text>/g)?.filter(t=>/AAA|BBB/.test(t)).join('\n'));
console.log((svg.match(/<path[^>]*#f00[^>]*>/g) ?? []).join('\n'));
chart.setOption({ series: [{ labelLayout: (p: any) => p.dataIndex === 1 ? { dx: 30, dy: 30 } : {} }] });
const svg2 = chart.renderToSVGString();
console.log('--2', (svg2.match(/<path[^>]*#f00[^>]*>/g) ?? []).join('\n'));
