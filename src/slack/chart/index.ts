export { CHART_FONT_FILES, renderNegativityChart, renderSvgToPng, renderVegaLiteToSvg } from './render.js';
export { CHART_SIZE, defaultLabels, negativityChartSpec, validateChartInput } from './negativity-chart.js';
export type { ChartBucket, ChartLabels, NegativityChartOptions } from './negativity-chart.js';
export { chartLocale, toWallClock, zoneOffsetMs } from './locale.js';
export type { ChartLocale } from './locale.js';
