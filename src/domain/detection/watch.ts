import { emptyLanguageMix, languageHint, updateLanguageMix, type ChannelLanguageMix } from '../language/detect.js';
import { scoreMessage, type SentimentResult } from '../sentiment/score.js';
import type { Language } from '../sentiment/types.js';
import { addToBucketInPlace, bucketStartOf, emptyBucket, type ChannelBucket, type MessageContribution } from './bucket.js';
import { evaluateChannelInPlace, initialDetectorState, type BucketReading, type DetectorDecision, type DetectorState } from './detector.js';
import type { DetectorSettings } from './settings.js';

/** A chat message as the watcher sees it. */
export interface ChatMessage {
  /** Stable id within the channel (Slack's `ts`). */
  id: string;
  channel: string;
  authorId: string;
  /** Epoch ms. */
  at: number;
  text: string;
}

/** Everything the watcher keeps for one channel: O(window), whatever the traffic. */
export interface WatchedChannel {
  id: string;
  /** The open bucket and the closed ones still inside the detector's window, oldest first. */
  buckets: ChannelBucket[];
  detector: DetectorState;
  languageMix: ChannelLanguageMix;
}

export function watchChannel(id: string, settings: DetectorSettings): WatchedChannel {
  return { id, buckets: [], detector: initialDetectorState(settings), languageMix: { ...emptyLanguageMix } };
}

/** The contribution of a scored message, as buckets count it (and as `removeFromBucket` takes it back). */
export function contributionOf(message: ChatMessage, sentiment: SentimentResult): MessageContribution {
  return { id: message.id, authorId: message.authorId, at: message.at, label: sentiment.label, score: sentiment.score, terms: sentiment.terms, text: message.text };
}

/**
 * Closes the buckets of `channel` that ended by `now`, running the detector over them, and keeps
 * only what the next window needs. Mutates `channel` and its detector state (the caller owns them).
 */
export function advanceChannel(
  channel: WatchedChannel,
  now: number,
  settings: DetectorSettings,
  onReading?: (reading: BucketReading) => void,
): DetectorDecision[] {
  const decisions = evaluateChannelInPlace(channel.buckets, channel.detector, settings, now, onReading) ?? [];
  const keepFrom = bucketStartOf(now, settings.bucketMs) - (settings.windowBuckets - 1) * settings.bucketMs;
  const buckets = channel.buckets;
  let stale = 0;
  while (stale < buckets.length && (buckets[stale] as ChannelBucket).start < keepFrom) stale++;
  if (stale > 0) {
    for (let i = stale; i < buckets.length; i++) buckets[i - stale] = buckets[i] as ChannelBucket;
    buckets.length -= stale;
  }
  return decisions;
}

export interface CountResult {
  sentiment: SentimentResult;
  contribution: MessageContribution;
  /** False when the message belongs to a bucket the detector has already closed (too late to count). */
  counted: boolean;
}

export interface ObserveResult extends CountResult {
  /** Decisions raised by buckets that closed before this message. */
  decisions: DetectorDecision[];
}

/**
 * The per-message work: score the message (the channel's language mix as a hint), update the mix,
 * count the message in its bucket. Closing buckets is `advanceChannel`'s job.
 */
export function countMessage(channel: WatchedChannel, message: ChatMessage, settings: DetectorSettings, language: 'auto' | Language = 'auto'): CountResult {
  const hint = languageHint(channel.languageMix);
  const sentiment = scoreMessage(message.text, hint ? { language, channelLanguageHint: hint } : { language });
  channel.languageMix = updateLanguageMix(channel.languageMix, sentiment.detectedLanguage);
  const contribution = contributionOf(message, sentiment);
  const start = bucketStartOf(message.at, settings.bucketMs);
  const last = channel.detector.lastBucketStart;
  if (last !== null && start <= last) return { sentiment, contribution, counted: false };
  let bucket: ChannelBucket | undefined;
  for (let i = channel.buckets.length - 1; i >= 0; i--) {
    if ((channel.buckets[i] as ChannelBucket).start === start) {
      bucket = channel.buckets[i];
      break;
    }
  }
  if (!bucket) {
    bucket = emptyBucket(start);
    channel.buckets.push(bucket);
    if (channel.buckets.length > 1 && (channel.buckets[channel.buckets.length - 2] as ChannelBucket).start > start) channel.buckets.sort((a, b) => a.start - b.start);
  }
  addToBucketInPlace(bucket, contribution, settings);
  return { sentiment, contribution, counted: true };
}

/**
 * The path shared by the live watcher, the backtest and the benchmark: when a message opens a new
 * bucket, close the finished ones through the detector; then count the message.
 */
export function observeMessage(
  channel: WatchedChannel,
  message: ChatMessage,
  settings: DetectorSettings,
  options: { language?: 'auto' | Language; onReading?: (reading: BucketReading) => void } = {},
): ObserveResult {
  // Buckets only close when time crosses into a new one: most messages skip the detector entirely.
  const newest = channel.buckets.at(-1);
  const crossed = newest === undefined || bucketStartOf(message.at, settings.bucketMs) > newest.start;
  const decisions = crossed ? advanceChannel(channel, message.at, settings, options.onReading) : [];
  const result = countMessage(channel, message, settings, options.language ?? 'auto') as ObserveResult;
  result.decisions = decisions;
  return result;
}
