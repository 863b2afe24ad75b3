import { describe, expect, it } from 'vitest';
import { normalisedNabScore, probationRows, scaledSigmoid, scoreNabFile } from '../../../src/domain/detection/nab.js';

// 100 rows, one window over rows 40–59 (20 rows wide); probation is the first 15 rows.
const timestamps = Array.from({ length: 100 }, (_, i) => 1_000_000 + i * 300_000);
const windows = [{ start: timestamps[40]!, end: timestamps[59]! }];
const detect = (...rows: number[]) => timestamps.map((_, i) => rows.includes(i));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('NAB scoring (standard profile)', () => {
  it('uses NAB’s scaled sigmoid and probation length', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3)).toBe(-1);
    expect(probationRows(100)).toBe(15);
    expect(probationRows(20_000)).toBe(750);
  });

  it('scores a detection at the window start as perfect and none as null', () => {
    const perfect = scoreNabFile(timestamps, detect(40), windows);
    expect(perfect.raw).toBeCloseTo(1, 10);
    expect(normalisedNabScore([perfect])).toBeCloseTo(100, 8);
    const none = scoreNabFile(timestamps, detect(), windows);
    expect(none).toMatchObject({ raw: -1, falseNegatives: 1, truePositives: 0 });
    expect(normalisedNabScore([none])).toBe(0);
  });

  it('counts only the earliest detection in a window, weighted by its position', () => {
    const late = scoreNabFile(timestamps, detect(59), windows);
    const expected = (2 * sigmoid(5 * 0.05) - 1) / scaledSigmoid(-1);
    expect(late.raw).toBeCloseTo(expected, 10);
    expect(scoreNabFile(timestamps, detect(45, 50, 59), windows).raw).toBeCloseTo(scoreNabFile(timestamps, detect(45), windows).raw, 10);
  });

  it('charges false positives 0.11, less right after a window, and ignores probation', () => {
    expect(scoreNabFile(timestamps, detect(20, 40), windows).raw).toBeCloseTo(1 - 0.11, 10);
    const afterWindow = (2 * sigmoid(-5 * (1 / 19)) - 1) * 0.11;
    expect(scoreNabFile(timestamps, detect(40, 60), windows).raw).toBeCloseTo(1 + afterWindow, 10);
    expect(scoreNabFile(timestamps, detect(10, 40), windows)).toMatchObject({ falsePositives: 0 });
  });

  it('normalises over a corpus of files', () => {
    const a = scoreNabFile(timestamps, detect(40), windows);
    const b = scoreNabFile(timestamps, detect(), windows);
    expect(normalisedNabScore([a, b])).toBeCloseTo(50, 8);
  });

  it('refuses windows that do not fall on rows', () => {
    expect(() => scoreNabFile(timestamps, detect(), [{ start: 5, end: timestamps[3]! }])).toThrow(/does not start and end on rows/);
  });
});
