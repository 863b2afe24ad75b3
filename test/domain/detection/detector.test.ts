import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import type { BucketSample, ChannelBucket } from '../../../src/domain/detection/bucket.js';
import { evaluateChannel, initialDetectorState, learningStatus, type BucketReading, type DetectorDecision, type DetectorState } from '../../../src/domain/detection/detector.js';
import { resolveDetectorSettings, type DetectorSettings } from '../../../src/domain/detection/settings.js';
import { negativeBinomialSample, poissonSample } from '../../../src/domain/detection/synthetic.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 2); // a Monday, midnight UTC

/** Deterministic pseudo-random numbers, so the constructed series are noisy but repeatable. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const poisson = poissonSample;

interface Spec {
  negatives: number;
  messages?: number;
  /** Authors of the negatives; by default each negative has its own author. */
  authors?: string[];
  /** The terms counted and the messages kept; by default every negative says "broken", none kept. */
  termCounts?: Record<string, number>;
  samples?: BucketSample[];
}

/** Runs the detector the way the watcher does: one evaluation as each bucket closes. */
function simulate(buckets: number, spec: (index: number, start: number) => Spec, settings: DetectorSettings = resolveDetectorSettings()) {
  let state = initialDetectorState(settings);
  const decisions: (DetectorDecision & { index: number })[] = [];
  const readings: BucketReading[] = [];
  const window: ChannelBucket[] = [];
  const clock = new ManualClock(T0);
  for (let index = 0; index < buckets; index++) {
    const start = T0 + index * settings.bucketMs;
    const { negatives, messages = Math.max(negatives * 5, 20), authors, termCounts, samples = [] } = spec(index, start);
    const negativeAuthors: Record<string, number> = {};
    for (let n = 0; n < negatives; n++) {
      const author = authors?.[n % authors.length] ?? `U${index}-${n}`;
      negativeAuthors[author] = (negativeAuthors[author] ?? 0) + 1;
    }
    window.push({ start, messages, negatives, positives: 0, negativeAuthors, termCounts: termCounts ?? (negatives ? { broken: negatives } : {}), samples });
    if (window.length > settings.windowBuckets) window.shift();
    clock.set(start + settings.bucketMs);
    const result = evaluateChannel(window, state, settings, clock, (reading) => readings.push(reading));
    state = result.state;
    for (const decision of result.decisions) decisions.push({ ...decision, index });
  }
  return { decisions, state, readings };
}

const bucketsPerDay = DAY / (5 * MINUTE);
const at = (day: number, hour: number, minute = 0) => (day * DAY + hour * HOUR + minute * MINUTE) / (5 * MINUTE);

describe('spike detector on constructed series', () => {
  it('raises one crisis alert for a burst of negatives from many people, and explains it', () => {
    const random = prng(1);
    const spikeAt = at(3, 14);
    const { decisions } = simulate(4 * bucketsPerDay, (i) => ({ negatives: i >= spikeAt && i < spikeAt + 4 ? 30 : poisson(2, random) }));
    const spikes = decisions.filter((d) => d.type === 'spike');
    expect(spikes).toHaveLength(1);
    const spike = spikes[0]!;
    expect(spike.index).toBeGreaterThanOrEqual(spikeAt); // within the first ten minutes of the burst
    expect(spike.index).toBeLessThanOrEqual(spikeAt + 1);
    if (spike.type !== 'spike') throw new Error('unreachable');
    const e = spike.explanation;
    expect(e.kind).toBe('crisis');
    expect(e.observed).toBeGreaterThanOrEqual(30);
    expect(e.baseline).toBeLessThan(10);
    expect(e.ratio).toBeGreaterThan(3);
    expect(e.deviations).toBeGreaterThanOrEqual(4);
    expect(e.distinctAuthors).toBeGreaterThanOrEqual(30);
    expect(e.window.end - e.window.start).toBe(15 * MINUTE);
    expect(e.dominantTerms[0]).toEqual({ term: 'broken', key: 'broken', count: e.observed });
  });

  it('shows what the crisis is about: never a bare "no" or "not" (scored, but saying nothing), and one spelling of a word written with and without its accent', () => {
    const random = prng(1);
    const spikeAt = at(3, 14);
    const sample = (id: string, text: string): BucketSample => ({ id, authorId: `U-${id}`, score: -3, text });
    const { decisions } = simulate(4 * bucketsPerDay, (i) =>
      i >= spikeAt && i < spikeAt + 4
        ? {
            negatives: 30,
            // As the scorer counts them: "no" drove most negative messages, the accent folded away in the keys.
            termCounts: { no: 30, not: 12, caida: 20, caido: 14, 'no-funciona': 9, horrible: 6, harto: 4 },
            samples: [sample(`${i}a`, 'No, no carga: ¿está caída?'), sample(`${i}b`, 'La caida otra vez, no funciona. Horrible.'), sample(`${i}c`, 'Sigue caído, la caída de siempre. Estoy harto.')],
          }
        : { negatives: poisson(2, random) },
    );
    const spike = decisions.find((d) => d.type === 'spike');
    if (spike?.type !== 'spike') throw new Error('no spike');
    expect(spike.explanation.dominantTerms.map(({ term, key }) => ({ term, key }))).toEqual([
      { term: 'caída', key: 'caida' },
      { term: 'caído', key: 'caido' },
      { term: 'no funciona', key: 'no-funciona' },
      { term: 'horrible', key: 'horrible' },
      { term: 'harto', key: 'harto' },
    ]);
  });

  it('a term no sample of the window wrote reads as the lexicon spells it, accents and spaces included, not as its key', () => {
    const random = prng(1);
    const spikeAt = at(3, 14);
    const { decisions } = simulate(4 * bucketsPerDay, (i) =>
      i >= spikeAt && i < spikeAt + 4
        ? { negatives: 30, termCounts: { caido: 20, 'no-funciona': 9, pesimo: 6 }, samples: [{ id: `${i}a`, authorId: 'U1', score: -3, text: 'Otra vez igual, qué mal' }] }
        : { negatives: poisson(2, random) },
    );
    const spike = decisions.find((d) => d.type === 'spike');
    if (spike?.type !== 'spike') throw new Error('no spike');
    expect(spike.explanation.dominantTerms.map(({ term, key }) => ({ term, key }))).toEqual([
      { term: 'caído', key: 'caido' },
      { term: 'no funciona', key: 'no-funciona' },
      { term: 'pésimo', key: 'pesimo' },
    ]);
  });

  it('stays quiet while negatives drift slowly upwards', () => {
    const random = prng(2);
    const days = 6;
    const { decisions } = simulate(days * bucketsPerDay, (i) => ({ negatives: poisson(2 + (6 * i) / (days * bucketsPerDay), random) }));
    expect(decisions).toEqual([]);
  });

  it('learns a daily rhythm: busy afternoons are normal, the same volume at night is not', () => {
    const random = prng(3);
    const rate = (start: number) => {
      const hour = new Date(start).getUTCHours();
      return hour >= 9 && hour < 18 ? 12 : 0.5;
    };
    const nightSpike = at(7, 3);
    const { decisions } = simulate(8 * bucketsPerDay, (i, start) => ({
      negatives: i >= nightSpike && i < nightSpike + 3 ? 14 : poisson(rate(start), random),
    }));
    const spikes = decisions.filter((d) => d.type === 'spike');
    expect(spikes).toHaveLength(1);
    expect(spikes[0]!.index).toBeGreaterThanOrEqual(nightSpike);
    expect(spikes[0]!.index).toBeLessThanOrEqual(nightSpike + 2);
  });

  it('calls one member ranting (fifteen negative messages a bucket for a quarter hour) a moderation case', () => {
    const random = prng(4);
    const burst = at(2, 10);
    const { decisions } = simulate(3 * bucketsPerDay, (i) =>
      i >= burst && i < burst + 3 ? { negatives: 15, authors: ['U-loud'] } : { negatives: poisson(1, random) },
    );
    const spike = decisions.find((d) => d.type === 'spike');
    if (spike?.type !== 'spike') throw new Error('expected a spike');
    expect(spike.explanation).toMatchObject({ kind: 'single_author', topAuthorId: 'U-loud' });
    expect(spike.explanation.topAuthorShare).toBeGreaterThanOrEqual(0.6);
    expect(spike.explanation.distinctAuthors).toBeLessThanOrEqual(4); // the loud one plus the usual grumbles
  });

  it('does not alert for a busy day with the usual mood (negative share unchanged)', () => {
    const random = prng(5);
    const busy = at(2, 9);
    const { decisions } = simulate(3 * bucketsPerDay, (i) => {
      const messages = i >= busy && i < busy + 12 ? 400 : 40;
      return { negatives: poisson(messages * 0.05, random), messages };
    });
    expect(decisions).toEqual([]);
  });

  it('waits out the cooldown before alerting again', () => {
    const random = prng(6);
    const first = at(2, 10);
    const second = at(2, 13); // inside the 24 h cooldown
    const third = at(3, 12); // after it
    const burst = (i: number, start: number) => i >= start && i < start + 3;
    const { decisions } = simulate(4 * bucketsPerDay, (i) => ({
      negatives: burst(i, first) || burst(i, second) || burst(i, third) ? 25 : poisson(1.5, random),
    }));
    const spikes = decisions.filter((d) => d.type === 'spike').map((d) => d.index);
    expect(spikes).toHaveLength(2);
    expect(spikes[0]).toBeGreaterThanOrEqual(first);
    expect(spikes[0]).toBeLessThan(first + 3);
    expect(spikes[1]).toBeGreaterThanOrEqual(third);
  });

  it('says "back to normal" only after the window stays quiet for the recovery time', () => {
    const random = prng(7);
    const start = at(2, 10);
    const settings = resolveDetectorSettings({ recoveryMs: 30 * MINUTE });
    const { decisions } = simulate(
      3 * bucketsPerDay,
      (i) => {
        if (i >= start && i < start + 24) return { negatives: i % 2 ? 30 : 22 }; // two hours of trouble, flickering
        return { negatives: poisson(1.5, random) };
      },
      settings,
    );
    const spike = decisions.find((d) => d.type === 'spike');
    const recovered = decisions.find((d) => d.type === 'recovered');
    expect(spike).toBeDefined();
    expect(recovered).toBeDefined();
    // The window covers three buckets, so it is quiet two buckets after the trouble ends; then 30 minutes.
    expect(recovered!.index).toBeGreaterThanOrEqual(start + 24 + 2 + 5);
    expect(recovered!.index).toBeLessThan(start + 24 + 2 + 5 + 4);
    expect(decisions.filter((d) => d.type === 'recovered')).toHaveLength(1);
    if (recovered?.type === 'recovered') expect(recovered.peakObserved).toBeGreaterThanOrEqual(74);
  });

  it('with novelty on, a burst smaller than a recent one (seen during the cooldown) is not news', () => {
    const series = (seed: number) => {
      const random = prng(seed);
      return (i: number) => {
        if (i >= at(2, 10) && i < at(2, 10) + 3) return { negatives: 60 }; // the crisis: alerts
        if (i >= at(2, 16) && i < at(2, 16) + 3) return { negatives: 200 }; // during the cooldown: remembered
        if (i >= at(3, 12) && i < at(3, 12) + 3) return { negatives: 40 }; // the next day: smaller than that
        return { negatives: poisson(2, random) };
      };
    };
    const alertsWith = (noveltyDays: number) =>
      simulate(4 * bucketsPerDay, series(9), resolveDetectorSettings({ noveltyDays, cooldownMs: 12 * HOUR }))
        .decisions.filter((d) => d.type === 'spike')
        .map((d) => Math.floor(d.index / bucketsPerDay));
    expect(alertsWith(0)).toEqual([2, 3]);
    expect(alertsWith(7)).toEqual([2]);
  });

  it('caps the over-dispersion of a very noisy channel, so a many-fold jump still alerts', () => {
    const series = (seed: number) => {
      const random = prng(seed);
      return (i: number) => ({ negatives: i >= at(2, 12) && i < at(2, 12) + 3 ? 120 : random() < 0.2 ? 25 : 1, messages: 400 });
    };
    // No cooldown here: the point is how the burst itself is judged, not the noise before it.
    const firstAlertInBurst = (maxDispersion: number) =>
      simulate(3 * bucketsPerDay, series(10), resolveDetectorSettings({ maxDispersion, cooldownMs: 0 })).decisions.find((d) => d.type === 'spike' && d.index >= at(2, 12))?.index;
    expect(firstAlertInBurst(resolveDetectorSettings().maxDispersion)).toBe(at(2, 12));
    expect(firstAlertInBurst(10) ?? Number.POSITIVE_INFINITY).toBeGreaterThan(at(2, 12));
  });

  it('means the same on a quiet and a busy channel: the alert carries a tail probability that agrees with its figures', () => {
    const spikeOn = (rate: number, burst: number) => {
      const random = prng(13);
      const spikeAt = at(2, 15);
      const { decisions } = simulate(3 * bucketsPerDay, (i) => ({ negatives: i >= spikeAt && i < spikeAt + 3 ? burst : poisson(rate, random), messages: 2000 }));
      return decisions.find((d) => d.type === 'spike');
    };
    for (const [rate, burst] of [
      [0.5, 25],
      [20, 400],
    ] as const) {
      const spike = spikeOn(rate, burst);
      if (spike?.type !== 'spike') throw new Error(`expected a spike at ${rate} per bucket`);
      const e = spike.explanation;
      expect(e.surprise).toBeGreaterThanOrEqual(e.threshold);
      expect(e.tailProbability).toBeCloseTo(Math.pow(10, -e.surprise), 5);
      // Two days of a noisy hourly rhythm: the right order of magnitude.
      expect(e.baseline).toBeGreaterThan(rate * 3 * 0.33);
      expect(e.baseline).toBeLessThan(rate * 3 * 3);
      expect(e.ratio).toBeCloseTo(e.observed / Math.max(e.baseline, 1), 1);
    }
  });

  it('needs a minimum volume: 4 negatives in a silent channel are not a crisis', () => {
    const { decisions } = simulate(2 * bucketsPerDay, (i) => ({ negatives: i === at(1, 12) ? 4 : 0 }));
    expect(decisions).toEqual([]);
  });

  it('does not alert while it is still learning the channel', () => {
    const { decisions } = simulate(bucketsPerDay / 2, (i) => ({ negatives: i === 60 ? 40 : 1 }));
    expect(decisions).toEqual([]);
  });

  it('resumes from stored state after a restart exactly as if it had never stopped', () => {
    const spec = (seed: number) => {
      const random = prng(seed);
      const values = Array.from({ length: 4 * bucketsPerDay }, (_, i) => (i >= at(3, 8) && i < at(3, 9) ? 28 : poisson(2, random)));
      return (i: number) => ({ negatives: values[i] as number });
    };
    const settings = resolveDetectorSettings();
    const whole = simulate(4 * bucketsPerDay, spec(8), settings);

    // Stop at day 3 02:00, store state and buckets as JSON, start a fresh "instance" from them.
    const cut = at(3, 2);
    const firstHalf = simulate(cut, spec(8), settings);
    const stored = JSON.parse(JSON.stringify(firstHalf.state)) as DetectorState;
    const values = spec(8);
    let state = stored;
    const decisions: DetectorDecision[] = [...firstHalf.decisions];
    const window: ChannelBucket[] = [];
    for (let i = cut - settings.windowBuckets + 1; i < 4 * bucketsPerDay; i++) {
      const start = T0 + i * settings.bucketMs;
      const negatives = values(i).negatives;
      const negativeAuthors: Record<string, number> = {};
      for (let n = 0; n < negatives; n++) negativeAuthors[`U${i}-${n}`] = 1;
      window.push({ start, messages: Math.max(negatives * 5, 20), negatives, positives: 0, negativeAuthors, termCounts: negatives ? { broken: negatives } : {}, samples: [] });
      if (window.length > settings.windowBuckets) window.shift();
      if (i < cut) continue;
      const result = evaluateChannel(window, state, settings, new ManualClock(start + settings.bucketMs));
      state = result.state;
      decisions.push(...result.decisions);
    }
    expect(decisions.map(({ type, at }) => ({ type, at }))).toEqual(whole.decisions.map(({ type, at }) => ({ type, at })));
    expect(state).toEqual(whole.state);
  });

  it('resumes from a state stored by an older version that lacks newer fields', () => {
    const settings = resolveDetectorSettings();
    const random = prng(11);
    const { state } = simulate(2 * bucketsPerDay, () => ({ negatives: poisson(2, random) }), settings);
    // A version-1 state (the earlier log-scale detector): its level, rhythm and share carry over.
    const { dispersionNumerator: _n, dispersionDenominator: _d, dailyPeaks: _p, fastLevel: _f, elevatedSince: _e, ...rest } = JSON.parse(JSON.stringify(state)) as DetectorState;
    const older = { ...rest, version: 1, logLevel: 1, logRhythm: new Array(24).fill(0), logDeviation: 0.2 };
    const start = T0 + 2 * DAY;
    const burst: ChannelBucket[] = [0, 1, 2].map((i) => ({ start: start + i * settings.bucketMs, messages: 200, negatives: 60, positives: 0 }));
    const result = evaluateChannel(burst, older as unknown as DetectorState, settings, new ManualClock(start + 3 * settings.bucketMs));
    expect(result.state.version).toBe(2);
    expect(result.state.rhythm).toHaveLength(24);
    expect(result.state.level).toBeCloseTo(state.level, 0);
    expect(result.decisions.map((d) => d.type)).toContain('spike');
  });

  it('fills the buckets nobody wrote in as quiet ones when it catches up', () => {
    const settings = resolveDetectorSettings();
    const state = initialDetectorState(settings);
    const first: ChannelBucket = { start: T0, messages: 3, negatives: 1, positives: 0 };
    const result = evaluateChannel([first], state, settings, new ManualClock(T0 + 2 * HOUR));
    expect(result.state.bucketsSeen).toBe(24);
    expect(result.state.lastBucketStart).toBe(T0 + 2 * HOUR - settings.bucketMs);
    expect(state.bucketsSeen).toBe(0); // pure
  });
});

describe('detector settings', () => {
  it('ships defaults and applies overrides', () => {
    expect(resolveDetectorSettings().threshold).toBeGreaterThan(0);
    expect(resolveDetectorSettings({ threshold: 6, cooldownMs: HOUR })).toMatchObject({ threshold: 6, cooldownMs: HOUR });
  });

  it('refuses bad overrides, naming the field', () => {
    expect(() => resolveDetectorSettings({ threshold: -1 })).toThrow(/threshold/);
    expect(() => resolveDetectorSettings({ bucketMinutes: 5 })).toThrow(/bucketMinutes|Unrecognized/);
    expect(() => resolveDetectorSettings({ threshold: 2, recoveryThreshold: 3 })).toThrow(/recoveryThreshold/);
  });
});

describe('episodes', () => {
  it('alerts once per episode; a clearly worse window updates it (escalated) instead of alerting again', () => {
    const random = prng(21);
    const start = at(3, 10);
    const { decisions } = simulate(4 * bucketsPerDay, (i) => {
      if (i >= start && i < start + 3) return { negatives: 20, messages: 60 };
      if (i >= start + 3 && i < start + 9) return { negatives: 80, messages: 160 }; // four times worse
      return { negatives: poisson(1, random), messages: 40 };
    });
    expect(decisions.filter((d) => d.type === 'spike')).toHaveLength(1);
    expect(decisions[0]?.type).toBe('spike');
    expect(decisions.at(-1)?.type).toBe('recovered');
    expect(decisions.filter((d) => d.type === 'recovered')).toHaveLength(1);
    const [spike] = decisions;
    const escalated = decisions.find((d) => d.type === 'escalated');
    if (spike?.type !== 'spike' || escalated?.type !== 'escalated') throw new Error('unreachable');
    expect(escalated.since).toBe(spike.at);
    expect(escalated.explanation.observed).toBeGreaterThanOrEqual(2 * spike.explanation.observed);
  });

  it('takes a lasting level shift as the new normal: one alert, not one a day', () => {
    const random = prng(22);
    const shift = at(3, 12);
    const { decisions } = simulate(10 * bucketsPerDay, (i) => ({ negatives: poisson(i >= shift ? 30 : 5, random), messages: 400 }));
    expect(decisions.filter((d) => d.type === 'spike').length).toBeLessThanOrEqual(1);
  });

  it('does not learn from a channel gone silent, so its return is no crisis', () => {
    const random = prng(23);
    const { decisions, state } = simulate(12 * bucketsPerDay, (i) => ({ negatives: i >= at(3, 0) && i < at(8, 0) ? 0 : poisson(8, random), messages: 200 }));
    expect(decisions.filter((d) => d.type === 'spike')).toEqual([]);
    expect(state.level).toBeGreaterThan(4);
  });

  it('judges a burst by the talk it adds: the same jump is less surprising at a quiet hour than at a busy one', () => {
    // Busy days, quiet nights, and news bursts that add talk whatever the hour (the over-dispersion).
    const series = (i: number, start: number, random: () => number) => {
      const hour = new Date(start).getUTCHours();
      const mean = hour >= 9 && hour < 18 ? 40 : 10;
      const burst = random() < 0.02 ? 60 : 0;
      if (i === at(7, 14) || i === at(7, 3)) return { negatives: 3 * mean, messages: 2000 };
      return { negatives: poisson(mean, random) + burst, messages: 2000 };
    };
    const surpriseOfJump = (dispersionLevelWeight: number, hour: number) => {
      const random = prng(31);
      const { readings } = simulate(8 * bucketsPerDay, (i, start) => series(i, start, random), resolveDetectorSettings({ dispersionLevelWeight }));
      return readings[at(7, hour)]!.surprise;
    };
    const quietOverBusy = (weight: number) => surpriseOfJump(weight, 3) / surpriseOfJump(weight, 14);
    expect(quietOverBusy(1)).toBeLessThan(0.8 * quietOverBusy(0));
  });

  it('learns quiet weekends when the week explains the noise: Saturday expects a weekend, not a weekday', () => {
    const weekend = (start: number) => [0, 6].includes(new Date(start).getUTCDay());
    const saturdayNoon = at(26, 12); // T0 is a Monday: day 26 is the fourth Saturday
    const expectedOn = (weekdayRhythm: boolean) => {
      const random = prng(32);
      const { readings } = simulate(27 * bucketsPerDay, (_, start) => ({ negatives: poisson(weekend(start) ? 4 : 10, random), messages: 200 }), resolveDetectorSettings({ weekdayRhythm }));
      return readings[saturdayNoon]!.expected;
    };
    // Three buckets at 4 a bucket: 12.
    expect(expectedOn(true)).toBeGreaterThan(12 * 0.8);
    expect(expectedOn(true)).toBeLessThan(12 * 1.25);
    expect(expectedOn(false)).toBeGreaterThan(12 * 1.4);
  });

  it('resumes a channel that uses its weekday factors from stored state exactly, mid-week and mid-day', () => {
    const random = prng(35);
    const days = 17;
    const values = Array.from({ length: days * bucketsPerDay }, (_, i) => {
      const weekend = [0, 6].includes(new Date(T0 + i * 5 * MINUTE).getUTCDay());
      return i >= at(16, 10) && i < at(16, 10) + 3 ? 60 : poisson(weekend ? 4 : 10, random);
    });
    const settings = resolveDetectorSettings();
    const whole = simulate(days * bucketsPerDay, (i) => ({ negatives: values[i]!, messages: 200 }), settings);
    const cut = at(15, 13);
    const firstPart = simulate(cut, (i) => ({ negatives: values[i]!, messages: 200 }), settings);
    let state = JSON.parse(JSON.stringify(firstPart.state)) as DetectorState;
    expect(state.weekdayTrust).toBeGreaterThan(0.5);
    const decisions: DetectorDecision[] = [...firstPart.decisions];
    for (let i = cut; i < days * bucketsPerDay; i++) {
      const window = [i - 2, i - 1, i].map((k) => ({ start: T0 + k * settings.bucketMs, messages: 200, negatives: values[k]!, positives: 0 }));
      const result = evaluateChannel(window, state, settings, new ManualClock(T0 + (i + 1) * settings.bucketMs));
      state = result.state;
      decisions.push(...result.decisions);
    }
    expect(decisions.map(({ type, at }) => ({ type, at }))).toEqual(whole.decisions.map(({ type, at }) => ({ type, at })));
    expect(whole.decisions.some((d) => d.type === 'spike')).toBe(true);
    expect(state).toEqual(whole.state);
  });

  it('keeps the weekday factors out where days differ by news rather than by the week', () => {
    // Every day its own volume (0.4× to 2.5×), unrelated to the day of the week.
    const dayFactor = (() => {
      const random = prng(33);
      return Array.from({ length: 30 }, () => 0.4 + 2.1 * random());
    })();
    const expectations = (weekdayRhythm: boolean) => {
      const random = prng(34);
      return simulate(28 * bucketsPerDay, (i) => ({ negatives: poisson(10 * dayFactor[Math.floor(i / bucketsPerDay)]!, random), messages: 400 }), resolveDetectorSettings({ weekdayRhythm })).readings.map((r) => r.expected);
    };
    expect(expectations(true)).toEqual(expectations(false));
  });

  it('alerts on a sustained 3× rise over three buckets on a regular channel, judged under its own fitted model', () => {
    // Ten negatives a bucket, Poisson: for four days, then a quarter hour at three times that from
    // many people. Under the ratio test's dispersion floor the window is about 13 digits (under 16);
    // the channel's own learnt model (far more regular than the floor) puts it near 17, over half the threshold.
    const rise = at(4, 12);
    const regular = (seed: number) => {
      const random = prng(seed);
      return (i: number) => ({ negatives: i >= rise && i < rise + 3 ? 30 : poisson(10, random), messages: 400 });
    };
    const { decisions, state } = simulate(rise + 6, regular(41));
    const spikes = decisions.filter((d) => d.type === 'spike');
    expect(spikes).toHaveLength(1);
    const spike = spikes[0]!;
    if (spike.type !== 'spike') throw new Error('expected a spike');
    // Within two buckets of its start (the target's median delay).
    expect(spike.index).toBeGreaterThanOrEqual(rise);
    expect(spike.index).toBeLessThanOrEqual(rise + 2);
    const e = spike.explanation;
    expect(e).toMatchObject({ kind: 'crisis', test: 'fitted' });
    expect(e.dispersion).toBeLessThan(resolveDetectorSettings().minDispersion);
    expect(e.surprise).toBeGreaterThanOrEqual(e.threshold);
    // The chance stated is the fitted model's; the surprise is its digits over the test's share of the threshold.
    expect(-Math.log10(e.tailProbability)).toBeCloseTo(e.surprise * resolveDetectorSettings().fittedThresholdShare, 1);
    expect(state.alert).not.toBeNull();

    // Without the fitted-model test, the same channel and rise raise nothing.
    expect(simulate(rise + 6, regular(41), resolveDetectorSettings({ fittedThresholdShare: 0 })).decisions).toEqual([]);
  });

  it('does not trust the fitted model of a noisy channel: the same 3× rise over its news bursts is not a crisis', () => {
    // Twenty a bucket with news bursts (over-dispersion 0.09 a bucket, about 0.03 a window): a count
    // model learnt from moments says nothing of such a channel's tails, so only the ratio test judges it,
    // and a 3× quarter hour (about 11 digits under its own model) stays under the threshold.
    const rise = at(4, 12);
    const random = prng(42);
    const { decisions, readings } = simulate(rise + 6, (i) => ({ negatives: i >= rise && i < rise + 3 ? 60 : negativeBinomialSample(20, 0.09, random), messages: 800 }));
    expect(decisions.filter((d) => d.type === 'spike')).toEqual([]);
    expect(readings[rise + 2]!.surprise).toBeGreaterThan(resolveDetectorSettings().fittedThresholdShare * resolveDetectorSettings().threshold);
  });

  it('still calls one member\'s sustained 3× outburst on a regular channel a moderation case, not a crisis', () => {
    const rise = at(4, 12);
    const random = prng(43);
    const { decisions } = simulate(rise + 6, (i) =>
      i >= rise && i < rise + 3 ? { negatives: 30, authors: ['U-loud', 'U-loud', 'U-loud', 'U-loud', 'U-loud', 'U-loud', 'U-loud', 'U-loud', 'U-other-1', 'U-other-2'] } : { negatives: poisson(10, random), messages: 400 },
    );
    const spikes = decisions.filter((d) => d.type === 'spike');
    expect(spikes).toHaveLength(1);
    const spike = spikes[0]!;
    if (spike.type !== 'spike') throw new Error('expected a spike');
    expect(spike.explanation).toMatchObject({ kind: 'single_author', topAuthorId: 'U-loud', test: 'fitted' });
  });

  it('says until when a new channel is still learning its baseline', () => {
    const settings = resolveDetectorSettings();
    const { state } = simulate(bucketsPerDay / 2, () => ({ negatives: 1 }), settings);
    const status = learningStatus(state, settings, T0 + DAY / 2);
    expect(status).toEqual({ learning: true, until: T0 + settings.warmupBuckets * settings.bucketMs });
    expect(learningStatus(simulate(bucketsPerDay + 1, () => ({ negatives: 1 }), settings).state, settings, T0 + 2 * DAY)).toEqual({ learning: false, until: null });
  });
});
