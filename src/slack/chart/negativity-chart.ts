/**
 * The incident chart: a channel's negative share (line, left axis) and negative volume (bars, right
 * axis) over the last hours, with the spike marked. This file builds the Vega-Lite spec from plain
 * data; render.ts turns it into a PNG.
 */
import type { TopLevelSpec } from 'vega-lite';
import { FirebreakError } from '../../errors.js';
import { isLocale, t } from '../../i18n/index.js';
import type { ChartLocale } from './locale.js';
import { toWallClock } from './locale.js';

export interface ChartBucket {
  /** Start of the bucket, epoch ms. */
  start: number;
  messages: number;
  negatives: number;
}

export interface ChartLabels {
  title?: string;
  subtitle?: string;
  share: string;
  volume: string;
  spike: string;
}

export interface NegativityChartOptions {
  /** Epoch ms of the spike to mark. */
  spikeAt: number;
  /** CSS pixels; the PNG is drawn at `scale` times this. */
  width: number;
  height: number;
  /** BCP 47 tag for numbers, times and day names, e.g. "en-GB", "fr". */
  locale: string;
  /** IANA zone the times are shown in. Default "UTC". */
  timeZone?: string;
  /** Bucket length in ms; inferred from the series when it has two buckets or more. */
  bucketMs?: number;
  /** Axis titles and texts; by default the catalog's, in the locale's language (English if it has none). */
  labels?: Partial<ChartLabels>;
  /** Pixel density of the PNG. Default 2, crisp on high-density screens. */
  scale?: number;
}

/** The catalog's axis titles for a BCP 47 tag ("es-MX" → Spanish); English for a language it does not have. */
export function defaultLabels(localeTag: string): ChartLabels {
  const language = localeTag.split('-')[0]?.toLowerCase();
  const locale = isLocale(language) ? language : 'en';
  return { share: t(locale, 'ui.chart.share', {}), volume: t(locale, 'ui.chart.volume', {}), spike: t(locale, 'ui.chart.spike', {}) };
}

export const CHART_SIZE = { minWidth: 240, maxWidth: 2000, minHeight: 160, maxHeight: 1200 } as const;

const COLORS = { share: '#b42318', volume: '#f9b4ab', volumeTitle: '#d9665a', spike: '#344054', text: '#1d2939', grid: '#eaecf0', muted: '#667085' };

function invalid(message: string): FirebreakError {
  return new FirebreakError('input_invalid', `negativity chart: ${message}`);
}

/** Check the series and options; returns the bucket length. Every problem names the bucket. */
export function validateChartInput(series: readonly ChartBucket[], options: NegativityChartOptions): number {
  if (series.length === 0) throw invalid('series is empty; give at least one bucket');
  series.forEach((bucket, i) => {
    const where = `series[${i}]`;
    if (!Number.isFinite(bucket.start)) throw invalid(`${where}.start must be epoch ms, got ${String(bucket.start)}`);
    if (!Number.isInteger(bucket.messages) || bucket.messages < 0) throw invalid(`${where}.messages must be a whole number ≥ 0, got ${String(bucket.messages)}`);
    if (!Number.isInteger(bucket.negatives) || bucket.negatives < 0) throw invalid(`${where}.negatives must be a whole number ≥ 0, got ${String(bucket.negatives)}`);
    if (bucket.negatives > bucket.messages) throw invalid(`${where} has ${bucket.negatives} negatives out of ${bucket.messages} messages`);
    const previous = series[i - 1];
    if (previous && bucket.start <= previous.start) throw invalid(`${where}.start must be after series[${i - 1}].start (buckets in time order, no repeats)`);
  });
  for (const [name, value, min, max] of [
    ['width', options.width, CHART_SIZE.minWidth, CHART_SIZE.maxWidth],
    ['height', options.height, CHART_SIZE.minHeight, CHART_SIZE.maxHeight],
  ] as const) {
    if (!Number.isInteger(value) || value < min || value > max) throw invalid(`${name} must be a whole number of pixels from ${min} to ${max}, got ${String(value)}`);
  }
  if (options.scale !== undefined && !(options.scale >= 1 && options.scale <= 4)) throw invalid(`scale must be from 1 to 4, got ${String(options.scale)}`);
  let bucketMs = options.bucketMs;
  if (bucketMs === undefined) {
    if (series.length < 2) throw invalid('one bucket alone does not say how long buckets are; pass bucketMs');
    bucketMs = Math.min(...series.slice(1).map((b, i) => b.start - (series[i]?.start ?? 0)));
  }
  if (!(bucketMs > 0)) throw invalid(`bucketMs must be > 0, got ${String(bucketMs)}`);
  const first = series[0]?.start ?? 0;
  const end = (series[series.length - 1]?.start ?? 0) + bucketMs;
  if (!Number.isFinite(options.spikeAt) || options.spikeAt < first || options.spikeAt > end) {
    throw invalid(`spikeAt ${new Date(options.spikeAt).toISOString()} is outside the series (${new Date(first).toISOString()} to ${new Date(end).toISOString()})`);
  }
  return bucketMs;
}

/** The Vega-Lite spec, with times shifted to the zone's wall clock and shown as UTC. */
export function negativityChartSpec(series: readonly ChartBucket[], options: NegativityChartOptions, locale: ChartLocale): TopLevelSpec {
  const bucketMs = validateChartInput(series, options);
  const timeZone = options.timeZone ?? 'UTC';
  const labels: ChartLabels = { ...defaultLabels(options.locale), ...options.labels };
  const spanMs = (series[series.length - 1]?.start ?? 0) + bucketMs - (series[0]?.start ?? 0);
  const gap = Math.min(bucketMs * 0.12, 60_000 * 5);
  const values = series.map((b) => ({
    start: toWallClock(b.start + gap, timeZone),
    end: toWallClock(b.start + bucketMs - gap, timeZone),
    middle: toWallClock(b.start + bucketMs / 2, timeZone),
    negatives: b.negatives,
    // No messages means no share at all, not 0 %: the line breaks there.
    share: b.messages === 0 ? null : b.negatives / b.messages,
  }));
  // Points only while each bucket has room for one; the spike's label goes on the side with space.
  const dense = options.width / series.length < 10;
  const labelOnLeft = (options.spikeAt - (series[0]?.start ?? 0)) / spanMs > 0.6;
  const clock = locale.hour12 ? '%-I:%M %p' : '%H:%M';
  const timeFormat = spanMs > 36 * 3600_000 ? `%a ${clock}` : clock;
  const spikeText = `${labels.spike} · ${new Intl.DateTimeFormat(locale.tag, { hour: 'numeric', minute: '2-digit', timeZone }).format(options.spikeAt)}`;
  const domain: [number, number] = [toWallClock(series[0]?.start ?? 0, timeZone), toWallClock((series[series.length - 1]?.start ?? 0) + bucketMs, timeZone)];
  const xAxis = { format: timeFormat, title: null, grid: false, labelFlush: true, tickCount: Math.max(2, Math.floor(options.width / 110)) };
  // The shared x scale is declared once (first layer). domainMin/Max rather than domain: Vega-Lite
  // turns a temporal domain into signals and then warns that the layers' domains conflict.
  const xFirst = { type: 'temporal' as const, scale: { type: 'utc' as const, domainMin: domain[0], domainMax: domain[1], nice: false }, axis: xAxis };
  const x = { type: 'temporal' as const, scale: { type: 'utc' as const } };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: options.width,
    height: options.height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: { left: 12, right: 12, top: 12, bottom: 8 },
    background: '#ffffff',
    ...(labels.title ? { title: { text: labels.title, ...(labels.subtitle ? { subtitle: labels.subtitle } : {}), anchor: 'start' as const } } : {}),
    data: { values },
    layer: [
      {
        mark: { type: 'rect', color: COLORS.volume, cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
        encoding: {
          x: { field: 'start', ...xFirst },
          x2: { field: 'end' },
          y: {
            field: 'negatives',
            type: 'quantitative',
            // At least 0–1 so a calm channel still gets an axis from 0 rather than one lone tick.
            scale: { domain: [0, Math.max(1, ...series.map((b) => b.negatives))], nice: true },
            axis: { orient: 'right', title: labels.volume, titleColor: COLORS.volumeTitle, format: ',d', tickMinStep: 1, grid: false },
          },
        },
      },
      {
        mark: {
          type: 'line',
          color: COLORS.share,
          strokeWidth: dense ? 1.5 : 2.5,
          point: dense ? false : { filled: true, size: 28, color: COLORS.share },
          interpolate: 'linear',
        },
        encoding: {
          x: { field: 'middle', ...x },
          y: {
            field: 'share',
            type: 'quantitative',
            scale: { domain: [0, 1] },
            axis: { orient: 'left', title: labels.share, titleColor: COLORS.share, format: '.0%', tickCount: 5, gridColor: COLORS.grid },
          },
        },
      },
      {
        data: { values: [{ at: toWallClock(options.spikeAt, timeZone), text: spikeText }] },
        layer: [
          { mark: { type: 'rule', color: COLORS.spike, strokeWidth: 1.5, strokeDash: [5, 4] }, encoding: { x: { field: 'at', ...x } } },
          {
            mark: { type: 'text', align: labelOnLeft ? 'right' : 'left', baseline: 'top', dx: labelOnLeft ? -5 : 5, dy: 2, y: 0, fontWeight: 600, fontSize: 12, color: COLORS.spike },
            encoding: { x: { field: 'at', ...x }, text: { field: 'text' } },
          },
        ],
      },
    ],
    resolve: { scale: { y: 'independent' } },
    config: {
      font: 'Inter',
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 600, labelColor: COLORS.muted, domainColor: COLORS.grid, tickColor: COLORS.grid },
      title: { fontSize: 15, fontWeight: 600, color: COLORS.text, subtitleColor: COLORS.muted, subtitleFontSize: 12 },
    },
  };
}
