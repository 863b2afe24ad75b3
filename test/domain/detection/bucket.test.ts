import { describe, expect, it } from 'vitest';
import {
  addToBucket,
  addToBucketInPlace,
  bucketStartOf,
  distinctNegativeAuthors,
  emptyBucket,
  removeFromBucket,
  type MessageContribution,
} from '../../../src/domain/detection/bucket.js';
import { defaultDetectorSettings } from '../../../src/domain/detection/settings.js';

const limits = { maxAuthorsPerBucket: 3, maxTermsPerBucket: 2, maxSamplesPerBucket: 2 };
const negative = (id: string, authorId: string, score: number, terms: string[] = ['broken']): MessageContribution => ({
  id, authorId, at: 0, label: 'negative', score, terms, text: `message ${id}`,
});

describe('buckets', () => {
  it('aligns bucket starts to the bucket size', () => {
    expect(bucketStartOf(Date.UTC(2026, 0, 1, 10, 7, 31), 300_000)).toBe(Date.UTC(2026, 0, 1, 10, 5));
  });

  it('counts messages, labels, authors, terms and the most negative samples', () => {
    let bucket = emptyBucket(0);
    bucket = addToBucket(bucket, negative('1', 'U1', -2), limits);
    bucket = addToBucket(bucket, negative('2', 'U1', -5, ['broken', 'refund']), limits);
    bucket = addToBucket(bucket, negative('3', 'U2', -3), limits);
    bucket = addToBucket(bucket, { ...negative('4', 'U3', 3), label: 'positive' }, limits);
    expect(bucket).toMatchObject({ messages: 4, negatives: 3, positives: 1, negativeAuthors: { U1: 2, U2: 1 }, termCounts: { broken: 3, refund: 1 } });
    expect(bucket.samples?.map((sample) => sample.id)).toEqual(['2', '3']);
    expect(distinctNegativeAuthors(bucket)).toBe(2);
  });

  it('stays bounded: authors past the limit go to an overflow count, terms past it are dropped', () => {
    let bucket = emptyBucket(0);
    for (let i = 0; i < 10; i++) bucket = addToBucket(bucket, negative(String(i), `U${i}`, -2, [`t${i}`]), limits);
    expect(Object.keys(bucket.negativeAuthors ?? {})).toHaveLength(3);
    expect(bucket.negativeAuthorsOverflow).toBe(7);
    expect(Object.keys(bucket.termCounts ?? {})).toHaveLength(2);
    expect(bucket.samples).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(bucket))).toEqual(bucket);
  });

  it('takes an edited or deleted message back out exactly', () => {
    const before = addToBucket(addToBucket(emptyBucket(0), negative('1', 'U1', -2), limits), negative('2', 'U2', -4), limits);
    const removed = removeFromBucket(before, negative('2', 'U2', -4));
    expect(removed).toMatchObject({ messages: 1, negatives: 1, negativeAuthors: { U1: 1 }, termCounts: { broken: 1 } });
    expect(removed.samples?.map((sample) => sample.id)).toEqual(['1']);
    // An edit: out with the old reading, in with the new one.
    const edited = addToBucket(removed, { ...negative('2', 'U2', 2), label: 'positive' }, limits);
    expect(edited).toMatchObject({ messages: 2, negatives: 1, positives: 1 });
    expect(before.negatives).toBe(2); // pure: the input is untouched
  });

  it('in-place adding gives the same bucket as the pure one', () => {
    const messages = [negative('1', 'U1', -2), negative('2', 'U1', -5, ['x', 'x', 'y']), { ...negative('3', 'U9', 1), label: 'neutral' as const }];
    let pure = emptyBucket(0);
    const inPlace = emptyBucket(0);
    for (const message of messages) {
      pure = addToBucket(pure, message, defaultDetectorSettings);
      addToBucketInPlace(inPlace, message, defaultDetectorSettings);
    }
    expect(inPlace).toEqual(pure);
  });

  it('in-place adding stays bounded like the pure one, also on a bucket read back from JSON', () => {
    const messages: MessageContribution[] = [];
    for (let i = 0; i < 40; i++) messages.push(negative(String(i), `U${i % 7}`, -((i * 7) % 11), [`t${i % 5}`, `t${(i * 3) % 13}`, `t${i % 5}`]));
    let pure = emptyBucket(0);
    let inPlace = emptyBucket(0);
    messages.forEach((message, i) => {
      pure = addToBucket(pure, message, limits);
      addToBucketInPlace(inPlace, message, limits);
      if (i === 19) inPlace = JSON.parse(JSON.stringify(inPlace)) as typeof inPlace; // as a store hands it back
    });
    expect(JSON.parse(JSON.stringify(inPlace))).toEqual(JSON.parse(JSON.stringify(pure)));
    expect(Object.keys(inPlace.termCounts ?? {})).toHaveLength(limits.maxTermsPerBucket);
  });
});
