/**
 * Bridges Intl (what the locale and time zone mean) to Vega (which formats with d3 locale
 * definitions and knows only UTC or the process's own zone).
 */
import { FirebreakError } from '../../errors.js';

export interface D3NumberLocale {
  decimal: string;
  thousands: string;
  grouping: number[];
  currency: [string, string];
  percent: string;
  minus: string;
}

export interface D3TimeLocale {
  dateTime: string;
  date: string;
  time: string;
  periods: [string, string];
  days: string[];
  shortDays: string[];
  months: string[];
  shortMonths: string[];
}

export interface ChartLocale {
  tag: string;
  number: D3NumberLocale;
  time: D3TimeLocale;
  /** Whether the locale writes times as 2:30 PM rather than 14:30. */
  hour12: boolean;
}

/** A canonical BCP 47 tag, or a clear error naming the bad value. */
export function canonicalLocale(locale: string): string {
  try {
    const [tag] = Intl.getCanonicalLocales(locale);
    if (!tag) throw new RangeError('empty');
    return tag;
  } catch {
    throw new FirebreakError('input_invalid', `chart locale "${locale}" is not a BCP 47 language tag (e.g. "en-GB", "fr")`);
  }
}

export function checkTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new FirebreakError('input_invalid', `chart timeZone "${timeZone}" is not an IANA time zone (e.g. "Europe/Paris", "UTC")`);
  }
}

function part(parts: Intl.NumberFormatPart[] | Intl.DateTimeFormatPart[], type: string, fallback: string): string {
  return parts.find((p) => p.type === type)?.value ?? fallback;
}

export function chartLocale(locale: string): ChartLocale {
  const tag = canonicalLocale(locale);
  const numberParts = new Intl.NumberFormat(tag).formatToParts(-1234567.5);
  const percentParts = new Intl.NumberFormat(tag, { style: 'percent' }).formatToParts(0.5);
  // 2023-01-01 was a Sunday: d3 wants days from Sunday.
  const dayNames = (weekday: 'long' | 'short') =>
    Array.from({ length: 7 }, (_, i) => new Intl.DateTimeFormat(tag, { weekday, timeZone: 'UTC' }).format(Date.UTC(2023, 0, 1 + i)));
  const monthNames = (month: 'long' | 'short') =>
    Array.from({ length: 12 }, (_, i) => new Intl.DateTimeFormat(tag, { month, timeZone: 'UTC' }).format(Date.UTC(2023, i, 1)));
  const period = (hour: number) =>
    part(new Intl.DateTimeFormat(tag, { hour: 'numeric', hour12: true, timeZone: 'UTC' }).formatToParts(Date.UTC(2023, 0, 1, hour)), 'dayPeriod', hour < 12 ? 'AM' : 'PM');
  const hourCycle = new Intl.DateTimeFormat(tag, { hour: 'numeric' }).resolvedOptions().hourCycle;
  const hour12 = hourCycle === 'h11' || hourCycle === 'h12';
  return {
    tag,
    hour12,
    number: {
      decimal: part(numberParts, 'decimal', '.'),
      // Some locales group with a narrow no-break space; resvg draws it with Inter like any space.
      thousands: part(numberParts, 'group', ','),
      grouping: [3],
      currency: ['', ''],
      percent: part(percentParts, 'percentSign', '%'),
      minus: part(numberParts, 'minusSign', '-'),
    },
    time: {
      dateTime: '%x %X',
      date: '%Y-%m-%d',
      time: hour12 ? '%-I:%M:%S %p' : '%H:%M:%S',
      periods: [period(9), period(21)],
      days: dayNames('long'),
      shortDays: dayNames('short'),
      months: monthNames('long'),
      shortMonths: monthNames('short'),
    },
  };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's wall clock is ahead of UTC at this instant, in ms (DST-aware). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, format);
  }
  const parts = format.formatToParts(epochMs);
  const get = (type: string) => Number(part(parts, type, '0'));
  const wallClockAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wallClockAsUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The instant moved so that formatting it as UTC shows the zone's wall clock. */
export function toWallClock(epochMs: number, timeZone: string): number {
  return epochMs + zoneOffsetMs(epochMs, timeZone);
}
