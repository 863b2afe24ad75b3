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
  const sentiment = scoreWithMix(channel, message.text, options.language ?? 'auto', options.corrections);
  return { sentiment, contribution: contributionOf(message, sentiment) };
}

// Scoring is synchronous and keeps nothing of its options: one object serves every message.
const sharedScoreOptions: ScoreOptions = { language: 'auto', channelLanguageHint: undefined, corrections: undefined };

function scoreWithMix(channel: { languageMix: ChannelLanguageMix }, text: string, language: 'auto' | Language, corrections: CorrectionModel | undefined): SentimentResult {
  const options = sharedScoreOptions;
  options.language = language;
  options.channelLanguageHint = languageHint(channel.languageMix);
  options.corrections = corrections;
  const sentiment = scoreMessage(text, options);
  options.corrections = undefined; // not kept alive by the shared object
  channel.languageMix = updateLanguageMix(channel.languageMix, sentiment.detectedLanguage);
  return sentiment;
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
  decisions: readonly DetectorDecision[];
}

/**
 * The per-message work: score the message in its channel, count it in its bucket. Closing buckets
 * is `advanceChannel`'s job.
 */
export function countMessage(channel: ChannelWindow, message: ChatMessage, settings: DetectorSettings, language: 'auto' | Language = 'auto'): CountResult {
  const { sentiment, contribution, counted } = scoreAndCount(channel, message, settings, language, NO_DECISIONS);
  return { sentiment, contribution, counted };
}

/** Most messages close no bucket: they all share this one (frozen) empty list. */
const NO_DECISIONS: readonly DetectorDecision[] = Object.freeze([]);

/** Scores and counts one message, returning the observation with `decisions` (one object per message). */
function scoreAndCount(channel: ChannelWindow, message: ChatMessage, settings: DetectorSettings, language: 'auto' | Language, decisions: readonly DetectorDecision[]): ObserveResult {
  const sentiment = scoreWithMix(channel, message.text, language, undefined);
  const contribution = contributionOf(message, sentiment);
  const start = bucketStartOf(message.at, settings.bucketMs);
  if (!bucketStillOpen(channel.detector, start)) return { sentiment, contribution, counted: false, decisions };
  const buckets = channel.buckets;
  let bucket: ChannelBucket | undefined;
  for (let i = buckets.length - 1; i >= 0; i--) {
    if ((buckets[i] as ChannelBucket).start === start) {
      bucket = buckets[i];
      break;
    }
  }
  if (!bucket) {
    bucket = emptyBucket(start);
    buckets.push(bucket);
    if (buckets.length > 1 && (buckets[buckets.length - 2] as ChannelBucket).start > start) buckets.sort((a, b) => a.start - b.start);
  }
  addToBucketInPlace(bucket, contribution, settings);
  return { sentiment, contribution, counted: true, decisions };
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
  const buckets = channel.buckets;
  const newest = buckets.length === 0 ? undefined : (buckets[buckets.length - 1] as ChannelBucket);
  const crossed = newest === undefined || bucketStartOf(message.at, settings.bucketMs) > newest.start;
  const decisions = crossed ? advanceChannel(channel, message.at, settings, options?.onReading) : NO_DECISIONS;
  return scoreAndCount(channel, message, settings, options?.language ?? 'auto', decisions);
}
