/**
 * Slack message timestamps: "<epoch seconds>.<6 digits>", unique per channel and increasing.
 * We keep them unique across the whole workspace (stricter than Slack, never weaker).
 */

const TS_PATTERN = /^(\d{1,12})\.(\d{6})$/;

export function isSlackTs(value: string): boolean {
  return TS_PATTERN.test(value);
}

export function tsToMicros(ts: string): number {
  const match = TS_PATTERN.exec(ts);
  if (!match) throw new RangeError(`"${ts}" is not a Slack ts (expected seconds.micros, e.g. 1700000000.000100)`);
  return Number(match[1]) * 1_000_000 + Number(match[2]);
}

export function microsToTs(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = micros - seconds * 1_000_000;
  return `${seconds}.${String(fraction).padStart(6, '0')}`;
}

/** The next ts after `lastMicros` for a clock reading `nowMs`: the clock's time, or 1µs after the last. */
export function nextTsMicros(lastMicros: number, nowMs: number): number {
  return Math.max(Math.floor(nowMs) * 1000, lastMicros + 1);
}

/** Compare two Slack ts strings numerically (string order breaks when the seconds change length). */
export function compareTs(a: string, b: string): number {
  return tsToMicros(a) - tsToMicros(b);
}
