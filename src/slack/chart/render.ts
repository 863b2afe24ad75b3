/**
 * Server-side rendering without a browser: Vega-Lite → Vega → SVG (Vega's headless renderer) → PNG
 * (resvg, a Rust SVG renderer shipped as an npm binary). Text is drawn with the Inter files in
 * assets/fonts only; system fonts are never consulted, so the PNG is the same on every machine.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as ResvgModule from '@resvg/resvg-js';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { FirebreakError } from '../../errors.js';
import type { ChartLocale } from './locale.js';
import { chartLocale, checkTimeZone } from './locale.js';
import type { ChartBucket, NegativityChartOptions } from './negativity-chart.js';
import { negativityChartSpec } from './negativity-chart.js';

export const CHART_FONT_FILES = [
  fileURLToPath(new URL('../../../assets/fonts/Inter_400Regular.ttf', import.meta.url)),
  fileURLToPath(new URL('../../../assets/fonts/Inter_600SemiBold.ttf', import.meta.url)),
];

// Vega, Vega-Lite and resvg take about a second to load: only when the first chart is drawn, so
// importing this module costs nothing at start-up.
let engines: Promise<{ vega: typeof Vega; compile: typeof VegaLite.compile; Resvg: typeof ResvgModule.Resvg }> | undefined;
function loadEngines() {
  engines ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]).then(([vega, vegaLite, resvg]) => ({
    vega,
    compile: vegaLite.compile,
    Resvg: resvg.Resvg,
  }));
  return engines;
}

/** A Vega-Lite spec as SVG text, formatted for the locale. */
export async function renderVegaLiteToSvg(spec: TopLevelSpec, locale: ChartLocale): Promise<string> {
  const { vega, compile } = await loadEngines();
  const { spec: vegaSpec } = compile(spec);
  const view = new vega.View(vega.parse(vegaSpec), {
    renderer: 'none',
    // The View takes d3 locale definitions ({ number, time }); vega-typings mistype it as formatters.
    locale: { number: locale.number, time: locale.time } as unknown as Vega.LocaleFormatters,
    logLevel: vega.Error,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG text to PNG bytes, at `scale` times its size, with our fonts only. */
export async function renderSvgToPng(svg: string, options: { scale?: number; fontFiles?: string[] } = {}): Promise<Buffer> {
  const fontFiles = options.fontFiles ?? CHART_FONT_FILES;
  const missing = fontFiles.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new FirebreakError('config_invalid', `chart font files are missing: ${missing.join(', ')} (see assets/fonts/README.md)`);
  const { Resvg } = await loadEngines();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: 'Inter', sansSerifFamily: 'Inter' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}

/**
 * The incident chart as a PNG: negative share and negative volume per bucket, spike marked,
 * numbers and times in the given locale and time zone. Bad input gets an `input_invalid` error
 * that names the bucket or option.
 */
export async function renderNegativityChart(series: readonly ChartBucket[], options: NegativityChartOptions): Promise<Buffer> {
  const locale = chartLocale(options.locale);
  if (options.timeZone !== undefined) checkTimeZone(options.timeZone);
  const spec = negativityChartSpec(series, options, locale);
  const svg = await renderVegaLiteToSvg(spec, locale);
  return renderSvgToPng(svg, { scale: options.scale ?? 2 });
}
