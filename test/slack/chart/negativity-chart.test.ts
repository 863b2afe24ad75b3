import { describe, expect, it } from 'vitest';
import { isFirebreakError } from '../../../src/errors.js';
import {
  CHART_FONT_FILES,
  chartLocale,
  negativityChartSpec,
  renderNegativityChart,
  renderSvgToPng,
  renderVegaLiteToSvg,
  zoneOffsetMs,
} from '../../../src/slack/chart/index.js';
import type { ChartBucket, NegativityChartOptions } from '../../../src/slack/chart/index.js';

const START = Date.UTC(2026, 10, 21, 8, 0); // 08:00 UTC, a Saturday in November (Paris is UTC+1)
const BUCKET = 10 * 60_000;

/** Six hours of a quiet channel, then a spike from bucket 27 on; bucket 12 had no messages at all. */
function sixHours(): ChartBucket[] {
  return Array.from({ length: 36 }, (_, i) => {
    if (i === 12) return { start: START + i * BUCKET, messages: 0, negatives: 0 };
    const messages = i >= 27 ? 60 : 20;
    return { start: START + i * BUCKET, messages, negatives: i >= 27 ? 20 + i : 2 };
  });
}

const SPIKE = START + 27 * BUCKET + 4 * 60_000; // 12:34 UTC

function options(overrides: Partial<NegativityChartOptions> = {}): NegativityChartOptions {
  return { spikeAt: SPIKE, width: 640, height: 300, locale: 'en-US', timeZone: 'Europe/Paris', ...overrides };
}

async function svgFor(series: ChartBucket[], opts: NegativityChartOptions): Promise<string> {
  const locale = chartLocale(opts.locale);
  return renderVegaLiteToSvg(negativityChartSpec(series, opts, locale), locale);
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

async function invalidMessage(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(isFirebreakError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected an input error');
}

describe('renderNegativityChart', () => {
  it('renders a PNG at twice the requested size by default', async () => {
    const png = await renderNegativityChart(sixHours(), options());
    expect(pngSize(png)).toEqual({ width: 1280, height: 600 });
    expect(pngSize(await renderNegativityChart(sixHours(), options({ scale: 1 })))).toEqual({ width: 640, height: 300 });
  });

  it('marks the spike and shows times in the team\'s zone and locale', async () => {
    const us = await svgFor(sixHours(), options());
    expect(us).toContain('Spike · 1:34 PM'); // 12:34 UTC is 13:34 in Paris
    expect(us).toContain('9:00 AM');
    expect(us).toMatch(/stroke-dasharray="5,4"/);
    const kolkata = await svgFor(sixHours(), options({ locale: 'fr', timeZone: 'Asia/Kolkata' }));
    expect(kolkata).toContain('Spike · 18:04'); // UTC+5:30, 24-hour clock
    expect(kolkata).toContain('14:00');
    expect(kolkata).not.toContain('PM');
  });

  it('formats the share axis as percent and the volume axis with the locale\'s digit grouping', async () => {
    const busy = sixHours().map((b, i) => (i >= 27 ? { ...b, messages: 4000, negatives: 2500 } : b));
    const us = await svgFor(busy, options());
    expect(us).toContain('100%');
    expect(us).toContain('2,500');
    const fr = await svgFor(busy, options({ locale: 'fr-FR' }));
    expect(fr).toMatch(/2[\u202f\u00a0 ]500/);
    expect(fr).not.toContain('2,500');
  });

  it('takes its labels from the catalog in the locale\'s language, English when the catalog lacks it', async () => {
    const spanish = await svgFor(sixHours(), options({ locale: 'es-ES' }));
    expect(spanish).toContain('Proporción negativa');
    expect(spanish).toContain('Mensajes negativos');
    expect(spanish).toContain('Pico · 13:34');
    expect(await svgFor(sixHours(), options({ locale: 'fr' }))).toContain('Negative share');
  });

  it('uses translated labels when given', async () => {
    const svg = await svgFor(sixHours(), options({ locale: 'de', labels: { share: 'Negativer Anteil', volume: 'Negative Nachrichten', spike: 'Ausschlag', title: 'Stimmung in #community' } }));
    expect(svg).toContain('Negativer Anteil');
    expect(svg).toContain('Negative Nachrichten');
    expect(svg).toContain('Ausschlag · 13:34');
    expect(svg).toContain('Stimmung in #community');
  });

  it('breaks the share line where a bucket had no messages instead of drawing 0 %', () => {
    const spec = negativityChartSpec(sixHours(), options(), chartLocale('en-US')) as unknown as { data: { values: { share: number | null }[] } };
    expect(spec.data.values[12]?.share).toBeNull();
    expect(spec.data.values[0]?.share).toBeCloseTo(0.1);
  });

  it('draws its text with the shipped Inter files and refuses to run without them', async () => {
    expect(CHART_FONT_FILES.map((f) => f.split('/').pop())).toEqual(['Inter_400Regular.ttf', 'Inter_600SemiBold.ttf']);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="28" font-family="Inter" font-size="24">Spike 42%</text></svg>';
    const withFont = await renderSvgToPng(svg, { scale: 1 });
    const withoutFont = await renderSvgToPng(svg, { scale: 1, fontFiles: [] });
    // Without fonts resvg draws no glyphs: the PNG is a blank canvas, much smaller than one with text.
    expect(withFont.length).toBeGreaterThan(withoutFont.length * 2);
    await expect(renderSvgToPng(svg, { fontFiles: ['/nonexistent/Inter.ttf'] })).rejects.toThrow(/chart font files are missing: \/nonexistent\/Inter.ttf/);
  });

  it('explains bad input, naming the bucket or option', async () => {
    const series = sixHours();
    expect(await invalidMessage(() => renderNegativityChart([], options()))).toMatch(/series is empty/);
    const tooMany = series.map((b, i) => (i === 3 ? { ...b, negatives: 25 } : b));
    expect(await invalidMessage(() => renderNegativityChart(tooMany, options()))).toMatch(/series\[3\] has 25 negatives out of 20 messages/);
    const unsorted = [series[1]!, series[0]!, ...series.slice(2)];
    expect(await invalidMessage(() => renderNegativityChart(unsorted, options()))).toMatch(/series\[1\]\.start must be after series\[0\]\.start/);
    const fractional = series.map((b, i) => (i === 5 ? { ...b, messages: 2.5 } : b));
    expect(await invalidMessage(() => renderNegativityChart(fractional, options()))).toMatch(/series\[5\]\.messages must be a whole number/);
    expect(await invalidMessage(() => renderNegativityChart(series, options({ width: 50 })))).toMatch(/width must be a whole number of pixels from 240 to 2000, got 50/);
    expect(await invalidMessage(() => renderNegativityChart(series, options({ spikeAt: START - 1 })))).toMatch(/spikeAt 2026-11-21T07:59:59.999Z is outside the series/);
    expect(await invalidMessage(() => renderNegativityChart(series.slice(0, 1), options({ spikeAt: START })))).toMatch(/pass bucketMs/);
    expect(await invalidMessage(() => renderNegativityChart(series, options({ locale: 'not a locale!' })))).toMatch(/chart locale "not a locale!" is not a BCP 47 language tag/);
    expect(await invalidMessage(() => renderNegativityChart(series, options({ timeZone: 'Mars/Olympus' })))).toMatch(/chart timeZone "Mars\/Olympus" is not an IANA time zone/);
  });

  it('gives a calm channel (no negatives, or no messages at all) a volume axis from 0 to 1', async () => {
    const calm = sixHours().map((b) => ({ ...b, negatives: 0 }));
    const svg = await svgFor(calm, options());
    expect(svg).toMatch(/>0<\/text>/);
    expect(svg).toMatch(/>1<\/text>/);
    const silent = sixHours().map((b) => ({ ...b, messages: 0, negatives: 0 }));
    expect(pngSize(await renderNegativityChart(silent, options()))).toEqual({ width: 1280, height: 600 });
  });

  it('renders one bucket when its length is given', async () => {
    const png = await renderNegativityChart([{ start: START, messages: 10, negatives: 4 }], options({ spikeAt: START + 60_000, bucketMs: BUCKET, width: 320, height: 180 }));
    expect(pngSize(png)).toEqual({ width: 640, height: 360 });
  });
});

describe('zoneOffsetMs', () => {
  it('follows daylight saving time', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15, 12), 'Europe/Paris')).toBe(3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), 'Europe/Paris')).toBe(2 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), 'America/New_York')).toBe(-4 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), 'Asia/Kolkata')).toBe(5.5 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), 'UTC')).toBe(0);
  });
});
