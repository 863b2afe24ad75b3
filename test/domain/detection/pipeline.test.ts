import { describe, expect, it } from 'vitest';
import {
  addToBucket,
  advanceChannel,
  contributionOf,
  observeMessage,
  removeFromBucket,
  resolveDetectorSettings,
  watchChannel,
  type ChatMessage,
} from '../../../src/domain/detection/index.js';
import { scoreMessage } from '../../../src/domain/sentiment/index.js';

const settings = resolveDetectorSettings();
const T0 = Date.UTC(2026, 2, 2, 9);
const message = (id: number, text: string, offsetMs = id * 1000, authorId = `U${id}`): ChatMessage => ({ id: `${(T0 + offsetMs) / 1000}`, channel: 'C1', authorId, at: T0 + offsetMs, text });

describe('the watcher path', () => {
  it('scores each message and counts it in its bucket', () => {
    const channel = watchChannel('C1', settings);
    observeMessage(channel, message(1, 'checkout is broken, this is terrible'), settings);
    observeMessage(channel, message(2, 'thanks, love it'), settings);
    observeMessage(channel, message(3, 'meeting at noon'), settings);
    expect(channel.buckets).toHaveLength(1);
    expect(channel.buckets[0]).toMatchObject({ start: T0, messages: 3, negatives: 1, positives: 1, negativeAuthors: { U1: 1 } });
    expect(channel.buckets[0]?.samples?.[0]?.text).toBe('checkout is broken, this is terrible');
  });

  it('uses the channel’s language for messages too short to tell', () => {
    const channel = watchChannel('C1', settings);
    for (let i = 0; i < 5; i++) observeMessage(channel, message(i, 'la app no carga en el móvil'), settings);
    const short = observeMessage(channel, message(9, 'fatal'), settings);
    expect(short.sentiment.detectedLanguage).toBe('unknown');
    expect(short.sentiment.language).toBe('es');
    expect(short.sentiment.label).toBe('negative');
  });

  it('re-scores an edit by taking the old contribution out and the new one in', () => {
    const channel = watchChannel('C1', settings);
    const original = message(1, 'this is awful, nothing works');
    const { contribution } = observeMessage(channel, original, settings);
    const edited = { ...original, text: 'all good now, thanks a lot!' };
    const bucket = channel.buckets[0]!;
    const after = addToBucket(removeFromBucket(bucket, contribution), contributionOf(edited, scoreMessage(edited.text)), settings);
    expect(after).toMatchObject({ messages: 1, negatives: 0, positives: 1, negativeAuthors: {} });
    expect(after.samples).toEqual([]);
  });

  it('closes buckets as time moves on, keeps only the window, and refuses messages for closed buckets', () => {
    const channel = watchChannel('C1', settings);
    observeMessage(channel, message(1, 'hello'), settings);
    observeMessage(channel, message(2, 'hello again', 20 * 60_000), settings);
    expect(channel.detector.lastBucketStart).toBe(T0 + 15 * 60_000);
    expect(channel.detector.bucketsSeen).toBe(4);
    const late = observeMessage(channel, message(3, 'late reply', 60_000), settings);
    expect(late.counted).toBe(false);
    advanceChannel(channel, T0 + 60 * 60_000, settings);
    expect(channel.buckets.every((bucket) => bucket.start >= T0 + 60 * 60_000 - settings.windowBuckets * settings.bucketMs)).toBe(true);
  });
});
