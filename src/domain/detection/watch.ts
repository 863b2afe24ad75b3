import { ManualClock } from '../clock.js';
import { emptyLanguageMix, languageHint, updateLanguageMix, type ChannelLanguageMix } from '../language/detect.js';
import { scoreMessage, type SentimentResult } from '../sentiment/score.js';
import type { Language } from '../sentiment/types.js';
import { addToBucketInPlace, bucketStartOf, emptyBucket, type ChannelBucket, type MessageContribution } from './bucket.js';
import { evaluateChannel, initialDetectorState, type BucketReading, type DetectorDecision, type DetectorState } from './detector.js';
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
 * only what the next window needs. Mutates `channel` (the caller owns it).
 */
export function advanceChannel(
  channel: WatchedChannel,
  now: number,
  settings: DetectorSettings,
  onReading?: (reading: BucketReading) => void,
): DetectorDecision[] {
  const clock = new ManualClock(now);
  const { state, decisions } = evaluateChannel(channel.buckets, channel.detector, settings, clock, onReading);
  channel.detector = state;
  const keepFrom = bucketStartOf(now, settings.bucketMs) - (settings.windowBuckets - 1) * settings.bucketMs;
  if (channel.buckets.length > 0 && (channel.buckets[0] as ChannelBucket).start < keepFrom) {
    channel.buckets = channel.buckets.filter((bucket) => bucket.start >= keepFrom);
  }
  return decisions;
}

export interface ObserveResult {
  sentiment: SentimentResult;
  contribution: MessageContribution;
  /** Decisions raised by buckets that closed before this message. */
  decisions: DetectorDecision[];
  /** False when the message belongs to a bucket the detector has already closed (too late to count). */
  counted: boolean;
}

/**
 * The per-message path shared by the live watcher, the backtest and the benchmark: close finished
 * buckets, score the message (with the channel's language mix as a hint), count it in its bucket.
 */
export function observeMessage(
  channel: WatchedChannel,
  message: ChatMessage,
  settings: DetectorSettings,
  options: { language?: 'auto' | Language; onReading?: (reading: BucketReading) => void } = {},
): ObserveResult {
  const decisions = advanceChannel(channel, message.at, settings, options.onReading);
  const hint = languageHint(channel.languageMix);
  const sentiment = scoreMessage(message.text, { language: options.language ?? 'auto', ...(hint ? { channelLanguageHint: hint } : {}) });
  channel.languageMix = updateLanguageMix(channel.languageMix, sentiment.detectedLanguage);
  const contribution = contributionOf(message, sentiment);
  const start = bucketStartOf(message.at, settings.bucketMs);
  const last = channel.detector.lastBucketStart;
  if (last !== null && start <= last) return { sentiment, contribution, decisions, counted: false };
  let bucket = channel.buckets.find((candidate) => candidate.start === start);
  if (!bucket) {
    bucket = emptyBucket(start);
    channel.buckets.push(bucket);
    channel.buckets.sort((a, b) => a.start - b.start);
  }
  addToBucketInPlace(bucket, contribution, settings);
  return { sentiment, contribution, decisions, counted: true };
}
