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

export function bucketStartOf(epochMs: number, bucketMs: number): number {
  return epochMs - (((epochMs % bucketMs) + bucketMs) % bucketMs);
}

export function emptyBucket(start: number): ChannelBucket {
  return { start, messages: 0, negatives: 0, positives: 0 };
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
      samples.push({ id: message.id, authorId: message.authorId, score: message.score, text: message.text.slice(0, SAMPLE_TEXT_LIMIT) });
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

/**
 * Mutating variant of `addToBucket` for hot loops that own their buckets (backtest, benchmarks):
 * same result, no copies.
 */
export function addToBucketInPlace(bucket: ChannelBucket, message: MessageContribution, limits: BucketLimits): void {
  bucket.messages += 1;
  if (message.label === 'positive') bucket.positives += 1;
  if (message.label !== 'negative') return;
  bucket.negatives += 1;
  const authors = (bucket.negativeAuthors ??= {});
  const authored = authors[message.authorId];
  if (authored !== undefined) authors[message.authorId] = authored + 1;
  else if (!addKey(authors, message.authorId, limits.maxAuthorsPerBucket)) bucket.negativeAuthorsOverflow = (bucket.negativeAuthorsOverflow ?? 0) + 1;

  if (limits.maxTermsPerBucket > 0 && message.terms.length > 0) {
    const terms = (bucket.termCounts ??= {});
    for (let i = 0; i < message.terms.length; i++) {
      const term = message.terms[i] as string;
      if (message.terms.indexOf(term) !== i) continue;
      const count = terms[term];
      if (count !== undefined) terms[term] = count + 1;
      else addKey(terms, term, limits.maxTermsPerBucket);
    }
  }
  if (limits.maxSamplesPerBucket > 0) {
    const samples = (bucket.samples ??= []);
    const worst = samples.at(-1);
    if (samples.length < limits.maxSamplesPerBucket || (worst && message.score < worst.score)) {
      samples.push({ id: message.id, authorId: message.authorId, score: message.score, text: message.text.slice(0, SAMPLE_TEXT_LIMIT) });
      samples.sort((a, b) => a.score - b.score);
      samples.length = Math.min(samples.length, limits.maxSamplesPerBucket);
    }
  }
}

// Key count of a record the hot path grows, kept under a non-enumerable symbol: invisible to JSON,
// Object.keys, for…in and spreads, so the stored bucket is unchanged; a record read back from JSON
// is counted once.
const SIZE = Symbol('size');
type CountedRecord = Record<string, number> & { [SIZE]?: number };

/** Adds `key` with a count of one unless the record already holds `limit` keys. */
function addKey(record: CountedRecord, key: string, limit: number): boolean {
  let count = record[SIZE];
  if (count === undefined) {
    count = 0;
    for (const _key in record) count++;
    // Not enumerable: deep equality and copies see the plain record.
    Object.defineProperty(record, SIZE, { value: count, writable: true, enumerable: false });
  }
  if (count >= limit) {
    record[SIZE] = count;
    return false;
  }
  record[key] = 1;
  record[SIZE] = count + 1;
  return true;
}

/** Distinct negative authors of a bucket: known authors plus a lower bound for the overflow. */
export function distinctNegativeAuthors(bucket: ChannelBucket): number | undefined {
  if (!bucket.negativeAuthors) return undefined;
  return Object.keys(bucket.negativeAuthors).length + (bucket.negativeAuthorsOverflow ? 1 : 0);
}
