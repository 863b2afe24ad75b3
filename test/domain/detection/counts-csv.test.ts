import { describe, expect, it } from 'vitest';
import { parseCountsCsv, parseTimestamp } from '../../../src/domain/detection/counts-csv.js';
import { detectOnCounts, inferBucketMs } from '../../../src/domain/detection/series.js';
import { resolveDetectorSettings } from '../../../src/domain/detection/settings.js';

describe('parseTimestamp', () => {
  it('reads NAB, ISO 8601 and epoch forms as UTC unless an offset is given', () => {
    expect(parseTimestamp('2015-02-26 21:42:53')).toBe(Date.UTC(2015, 1, 26, 21, 42, 53));
    expect(parseTimestamp('2015-03-03 04:37:53.000000')).toBe(Date.UTC(2015, 2, 3, 4, 37, 53));
    expect(parseTimestamp('2015-02-26T21:42:53+01:00')).toBe(Date.UTC(2015, 1, 26, 20, 42, 53));
    expect(parseTimestamp('1700000000.000100')).toBe(1_700_000_000_000);
    expect(parseTimestamp('1700000000123')).toBe(1_700_000_000_123);
  });

  it('refuses what is not a time, and dates that do not exist', () => {
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp('2015-02-30 10:00:00')).toBeUndefined();
    expect(parseTimestamp('2015-13-01')).toBeUndefined();
  });
});

describe('parseCountsCsv', () => {
  it('parses rows with or without a header', () => {
    expect(parseCountsCsv('timestamp,value\n2015-02-26 21:40:00,3\n2015-02-26 21:45:00,0\n', 'c.csv')).toEqual([
      { timestamp: Date.UTC(2015, 1, 26, 21, 40), value: 3 },
      { timestamp: Date.UTC(2015, 1, 26, 21, 45), value: 0 },
    ]);
    expect(parseCountsCsv('2015-02-26 21:40:00,3\r\n', 'c.csv')).toHaveLength(1);
  });

  it('names the line of a bad timestamp, a bad value or a row out of order', () => {
    expect(() => parseCountsCsv('timestamp,value\n2015-02-26 21:40:00,3\nnot-a-time,4\n', 'c.csv')).toThrow('c.csv:3: bad timestamp "not-a-time"');
    expect(() => parseCountsCsv('2015-02-26 21:40:00,-3\n', 'c.csv')).toThrow('c.csv:1: value "-3" is not a non-negative number');
    expect(() => parseCountsCsv('2015-02-26 21:45:00,1\n2015-02-26 21:40:00,1\n', 'c.csv')).toThrow(/c\.csv:2: .*not after/);
    expect(() => parseCountsCsv('2015-02-26 21:45:00\n', 'c.csv')).toThrow('c.csv:1: expected "timestamp,value"');
  });

  it('refuses binary and empty input', () => {
    expect(() => parseCountsCsv('\u0000\u0001PNG', 'c.csv')).toThrow(/binary/);
    expect(() => parseCountsCsv('timestamp,value\n', 'c.csv')).toThrow(/no rows/);
  });
});

describe('detectOnCounts', () => {
  it('infers the bucket size and flags a spike with a score of at least 0.5 in that bucket only', () => {
    const start = Date.UTC(2026, 0, 1);
    const points = Array.from({ length: 600 }, (_, i) => ({ timestamp: start + i * 600_000, value: i === 500 ? 60 : 3 + (i % 3) }));
    const bucketMs = inferBucketMs(points);
    expect(bucketMs).toBe(600_000);
    const { readings, decisions } = detectOnCounts(points, resolveDetectorSettings({ bucketMs, warmupBuckets: 144 }));
    expect(readings).toHaveLength(600);
    const fired = readings.flatMap((reading, i) => (reading.score >= 0.5 ? [i] : []));
    expect(fired).toEqual([500]);
    expect(readings.every((reading) => reading.score >= 0 && reading.score <= 1)).toBe(true);
    expect(decisions[0]).toMatchObject({ type: 'spike', explanation: { distinctAuthors: null, kind: 'crisis' } });
  });
});
