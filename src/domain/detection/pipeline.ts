// The detection pipeline every path shares (the live watcher, backtest, the benchmark): a message is
// scored with its channel's language mix as a hint, which it then updates; its contribution is counted
// in its time bucket unless the detector has already closed that bucket; closed buckets go through
// the detector. The live watcher persists each step; backtest and bench keep everything in memory.
import { emptyLanguageMix, languageHint, updateLanguageMix, type ChannelLanguageMix } from '../language/detect.js';
import { scoreMessage, type CorrectionModel, type ScoreOptions, type SentimentResult } from '../sentiment/score.js';
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

/** Everything the pipeline keeps for one channel: O(window), whatever the traffic. */
export interface ChannelWindow {
  id: string;
  /** The open bucket and the closed ones still inside the detector's window, oldest first. */
  buckets: ChannelBucket[];
  detector: DetectorState;
  languageMix: ChannelLanguageMix;
}

export function watchChannel(id: string, settings: DetectorSettings): ChannelWindow {
  return { id, buckets: [], detector: initialDetectorState(settings), languageMix: { ...emptyLanguageMix } };
}

/** The contribution of a scored message, as buckets count it (and as `removeFromBucket` takes it back). */
export function contributionOf(message: ChatMessage, sentiment: SentimentResult): MessageContribution {
  return { id: message.id, authorId: message.authorId, at: message.at, label: sentiment.label, score: sentiment.score, terms: sentiment.terms, text: message.text };
}

export interface ChannelScoreOptions {
  /** Score as this language, or detect it per message (the default). */
  language?: 'auto' | Language;
  /** The workspace's learnt corrections (staff feedback); without them the shipped lexicon alone decides. */
  corrections?: CorrectionModel;
}

export interface ScoredChatMessage {
  sentiment: SentimentResult;
  contribution: MessageContribution;
}

/**
 * Scores a message of the channel, its language mix as the hint for messages too short to tell,
 * and updates the mix with what the message told. Mutates `channel.languageMix` (the caller owns it).
 */
export function scoreInChannel(channel: { languageMix: ChannelLanguageMix }, message: ChatMessage, options: ChannelScoreOptions = {}): ScoredChatMessage {
  // Every field given at once (absent ones undefined, which scoring reads as absent): adding them one
  // by one would grow the object on every message.
  const scoreOptions: ScoreOptions = { language: options.language ?? 'auto', channelLanguageHint: languageHint(channel.languageMix), corrections: options.corrections };
  const sentiment = scoreMessage(message.text, scoreOptions);
  channel.languageMix = updateLanguageMix(channel.languageMix, sentiment.detectedLanguage);
  return { sentiment, contribution: contributionOf(message, sentiment) };
}

/** Whether a message of the bucket starting at `start` still counts: the detector has not closed that bucket (its verdict is history). */
export function bucketStillOpen(detector: Pick<DetectorState, 'lastBucketStart'> | null, start: number): boolean {
  const last = detector?.lastBucketStart ?? null;
  return last === null || start > last;
}

/**
 * Closes the buckets of `channel` that ended by `now`, running the detector over them, and keeps
 * only what the next window needs. Mutates `channel` and its detector state (the caller owns them).
 */
export function advanceChannel(
  channel: ChannelWindow,
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
 * The per-message work: score the message in its channel, count it in its bucket. Closing buckets
 * is `advanceChannel`'s job.
 */
export function countMessage(channel: ChannelWindow, message: ChatMessage, settings: DetectorSettings, language: 'auto' | Language = 'auto'): CountResult {
  const { sentiment, contribution } = scoreInChannel(channel, message, { language });
  const start = bucketStartOf(message.at, settings.bucketMs);
  if (!bucketStillOpen(channel.detector, start)) return { sentiment, contribution, counted: false };
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
  channel: ChannelWindow,
  message: ChatMessage,
  settings: DetectorSettings,
  options?: { language?: 'auto' | Language; onReading?: (reading: BucketReading) => void },
): ObserveResult {
  // Buckets only close when time crosses into a new one: most messages skip the detector entirely.
  const newest = channel.buckets.at(-1);
  const crossed = newest === undefined || bucketStartOf(message.at, settings.bucketMs) > newest.start;
  const decisions = crossed ? advanceChannel(channel, message.at, settings, options?.onReading) : [];
  const { sentiment, contribution, counted } = countMessage(channel, message, settings, options?.language ?? 'auto');
  // One object with all four fields: adding `decisions` to the count's result would grow it on every message.
  return { sentiment, contribution, counted, decisions };
}
