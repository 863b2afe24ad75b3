import type { SentimentLabel } from '../sentiment/types.js';

/**
 * One channel's activity in one time bucket: the row the store persists (one per channel per bucket
 * start). Plain JSON, bounded in size whatever the traffic.
 */
export interface ChannelBucket {
  /** Bucket start, epoch ms, aligned to the bucket size. */
  start: number;
  messages: number;
  negatives: number;
  positives: number;
  /**
   * Negative messages per author (at most `maxAuthorsPerBucket` authors). Absent when authors are
   * unknown, as in a series of bare counts.
   */
  negativeAuthors?: Record<string, number>;
  /** Negative messages whose author did not fit in `negativeAuthors`. */
  negativeAuthorsOverflow?: number;
  /** How often each term drove a negative message (at most `maxTermsPerBucket` terms). */
  termCounts?: Record<string, number>;
  /** The most negative messages of the bucket, most negative first. */
  samples?: BucketSample[];
}

export interface BucketSample {
  id: string;
  authorId: string;
  score: number;
  text: string;
}

/** What one scored message adds to its bucket; keep it to remove the message again after an edit or deletion. */
export interface MessageContribution {
  /** Stable message id within the channel (Slack's `ts`). */
  id: string;
  authorId: string;
  /** Epoch ms of the message. */
  at: number;
  label: SentimentLabel;
  score: number;
  terms: readonly string[];
  text: string;
}

export interface BucketLimits {
  maxAuthorsPerBucket: number;
  maxTermsPerBucket: number;
  maxSamplesPerBucket: number;
}

const SAMPLE_TEXT_LIMIT = 280;

/** How much of a message a sample quotes: its bucket's, and an alert's once its author edits it. */
export function sampleText(text: string): string {
  return text.length > SAMPLE_TEXT_LIMIT ? text.slice(0, SAMPLE_TEXT_LIMIT) : text;
}

export function bucketStartOf(epochMs: number, bucketMs: number): number {
  // Division and floor rather than a floating-point remainder: exact for millisecond times, and
  // several times cheaper on the per-message path.
  return Math.floor(epochMs / bucketMs) * bucketMs;
}

export function emptyBucket(start: number): ChannelBucket {
  // Every field present from the start, so all buckets share one hidden class and the detector's
  // reads of them stay fast; JSON leaves the undefined ones out.
  return { start, messages: 0, negatives: 0, positives: 0, negativeAuthors: undefined, negativeAuthorsOverflow: undefined, termCounts: undefined, samples: undefined };
}

/** The bucket with `message` counted in. Pure: the input bucket is not changed. */
export function addToBucket(bucket: ChannelBucket, message: MessageContribution, limits: BucketLimits): ChannelBucket {
  const next: ChannelBucket = { ...bucket, messages: bucket.messages + 1 };
  if (message.label === 'positive') next.positives = bucket.positives + 1;
  if (message.label !== 'negative') return next;

  next.negatives = bucket.negatives + 1;
  const authors = { ...bucket.negativeAuthors };
  if (message.authorId in authors) authors[message.authorId] = (authors[message.authorId] ?? 0) + 1;
  else if (Object.keys(authors).length < limits.maxAuthorsPerBucket) authors[message.authorId] = 1;
  else next.negativeAuthorsOverflow = (bucket.negativeAuthorsOverflow ?? 0) + 1;
  next.negativeAuthors = authors;

  if (limits.maxTermsPerBucket > 0 && message.terms.length > 0) {
    const terms = { ...bucket.termCounts };
    for (const term of new Set(message.terms)) {
      if (term in terms) terms[term] = (terms[term] ?? 0) + 1;
      else if (Object.keys(terms).length < limits.maxTermsPerBucket) terms[term] = 1;
    }
    next.termCounts = terms;
  }

  if (limits.maxSamplesPerBucket > 0) {
    const samples = bucket.samples ? [...bucket.samples] : [];
    const worst = samples.at(-1);
    if (samples.length < limits.maxSamplesPerBucket || (worst && message.score < worst.score)) {
      samples.push({ id: message.id, authorId: message.authorId, score: message.score, text: sampleText(message.text) });
      samples.sort((a, b) => a.score - b.score);
      samples.length = Math.min(samples.length, limits.maxSamplesPerBucket);
    }
    next.samples = samples;
  }
  return next;
}

/** The bucket with an earlier `addToBucket` of `message` taken back out (edits re-score, deletions remove). */
export function removeFromBucket(bucket: ChannelBucket, message: MessageContribution): ChannelBucket {
  const next: ChannelBucket = { ...bucket, messages: Math.max(0, bucket.messages - 1) };
  if (message.label === 'positive') next.positives = Math.max(0, bucket.positives - 1);
  if (message.label !== 'negative') return next;

  next.negatives = Math.max(0, bucket.negatives - 1);
  const authors = { ...bucket.negativeAuthors };
  const authored = authors[message.authorId];
  if (authored !== undefined) {
    if (authored > 1) authors[message.authorId] = authored - 1;
    else delete authors[message.authorId];
  } else if (bucket.negativeAuthorsOverflow) {
    next.negativeAuthorsOverflow = bucket.negativeAuthorsOverflow - 1;
  }
  if (bucket.negativeAuthors) next.negativeAuthors = authors;

  if (bucket.termCounts) {
    const terms = { ...bucket.termCounts };
    for (const term of new Set(message.terms)) {
      const count = terms[term];
      if (count === undefined) continue;
      if (count > 1) terms[term] = count - 1;
      else delete terms[term];
    }
    next.termCounts = terms;
  }
  if (bucket.samples) next.samples = bucket.samples.filter((sample) => sample.id !== message.id);
  return next;
}

/** The bucket without the sample quoting message `id`, counts kept (a closed bucket's verdict is history, a deleted message's words are not). */
export function withoutSample(bucket: ChannelBucket, id: string): ChannelBucket {
  return bucket.samples ? { ...bucket, samples: bucket.samples.filter((sample) => sample.id !== id) } : bucket;
}

/**
 * The bucket whose sample quoting message `id` quotes `text` (its author's latest edit) instead, score and
 * counts kept: a closed bucket's verdict is history, but a later window reading it must not quote the
 * words its author changed.
 */
export function withSampleText(bucket: ChannelBucket, id: string, text: string): ChannelBucket {
  return bucket.samples ? { ...bucket, samples: bucket.samples.map((sample) => (sample.id === id ? { ...sample, text: sampleText(text) } : sample)) } : bucket;
}

/**
 * Mutating variant of `addToBucket` for hot loops that own their buckets (the watcher, backtest,
 * benchmarks): same result, no copies, and nothing allocated beyond the bucket's own bounded records.
 */
export function addToBucketInPlace(bucket: ChannelBucket, message: MessageContribution, limits: BucketLimits): void {
  bucket.messages += 1;
  if (message.label === 'positive') bucket.positives += 1;
  if (message.label !== 'negative') return;
  bucket.negatives += 1;
  const authors = (bucket.negativeAuthors ??= newRecord());
  const authored = authors[message.authorId];
  if (authored !== undefined) authors[message.authorId] = authored + 1;
  // Every author key came with a negative message, so below the limit in negatives there is room without counting keys.
  else if (bucket.negatives <= limits.maxAuthorsPerBucket) authors[message.authorId] = 1;
  else if (!addKey(authors, message.authorId, limits.maxAuthorsPerBucket)) bucket.negativeAuthorsOverflow = (bucket.negativeAuthorsOverflow ?? 0) + 1;

  if (limits.maxTermsPerBucket > 0 && message.terms.length > 0) countTerms(bucket, message.terms, limits.maxTermsPerBucket);
  if (limits.maxSamplesPerBucket > 0) insertSample(bucket.samples ??= [], message, limits.maxSamplesPerBucket);
}

/**
 * An empty record for counts keyed by ids or words. Without a prototype V8 keeps it as a plain hash
 * table; a `{}` literal given thousands of different key names would mint a hidden class per name.
 */
function newRecord(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}

/** Keeps `samples` the `max` most negative, most negative first, earlier first among equals (as a stable sort would). */
function insertSample(samples: BucketSample[], message: MessageContribution, max: number): void {
  let at = samples.length;
  while (at > 0 && (samples[at - 1] as BucketSample).score > message.score) at--;
  if (at >= max) return;
  const sample: BucketSample = { id: message.id, authorId: message.authorId, score: message.score, text: sampleText(message.text) };
  if (samples.length >= max) samples.pop();
  // Shifting by hand: `splice` allocates an array of removed elements on every call.
  for (let i = samples.length; i > at; i--) samples[i] = samples[i - 1] as BucketSample;
  samples[at] = sample;
}

// Key counts of the records the hot path grows, so a full record is not recounted for every new key.
// Held weakly beside the record: the stored bucket stays plain JSON, and a record read back from JSON
// is counted once. Only this file's in-place functions grow a record after it is counted.
const recordSizes = new WeakMap<Record<string, number>, number>();

function sizeOf(record: Record<string, number>): number {
  let size = recordSizes.get(record);
  if (size === undefined) {
    size = 0;
    for (const _key in record) size++;
  }
  return size;
}

/** Adds `key` with a count of one unless the record already holds `limit` keys. */
function addKey(record: Record<string, number>, key: string, limit: number): boolean {
  const size = sizeOf(record);
  if (size >= limit) {
    recordSizes.set(record, size);
    return false;
  }
  record[key] = 1;
  recordSizes.set(record, size + 1);
  return true;
}

/** Counts each distinct term of one message once, new terms only while the record has room. */
function countTerms(bucket: ChannelBucket, terms: readonly string[], limit: number): void {
  let counts = bucket.termCounts;
  const fresh = counts === undefined;
  if (counts === undefined) bucket.termCounts = counts = newRecord();
  // A fresh record starts empty; an older one is counted only if a new term needs room. A fresh one
  // is not remembered: it is small and counted on the next new term if ever.
  let size = fresh ? 0 : -1;
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i] as string;
    if (i > 0 && terms.indexOf(term) !== i) continue;
    const count = counts[term];
    if (count !== undefined) {
      counts[term] = count + 1;
      continue;
    }
    if (size < 0) size = sizeOf(counts);
    if (size >= limit) continue;
    counts[term] = 1;
    size++;
  }
  if (!fresh && size >= 0) recordSizes.set(counts, size);
}

/** Distinct negative authors of a bucket: known authors plus a lower bound for the overflow. */
export function distinctNegativeAuthors(bucket: ChannelBucket): number | undefined {
  if (!bucket.negativeAuthors) return undefined;
  return Object.keys(bucket.negativeAuthors).length + (bucket.negativeAuthorsOverflow ? 1 : 0);
}
