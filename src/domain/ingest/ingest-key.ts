// Which key (channel + Slack-style ts) a message sent to /ingest is stored under. Sources give times to
// the second, so the fraction is derived: from the source's own message id when it sends one (a resend
// or an edit of that message lands on the same key), else from the author and the text (the same item
// sent again is a duplicate; two different texts of one author in one second are two messages). A
// derived key another message already holds is a collision, not a duplicate: the next candidate is tried.
import { createHash } from 'node:crypto';
import { MAX_TEXT_CHARS, storableText } from './message-input.js';

/** Candidate keys per item: a collision on all of them (odds below 1 in 10^40) is refused, never merged. */
export const MAX_KEY_CANDIDATES = 8;

export interface IngestKeyInput {
  source: string;
  user: string;
  text: string;
  /** The source's own id of the message, when it has one. */
  id?: string;
}

/** What is stored at a key, as far as telling messages apart needs. */
export interface StoredAtKey {
  /** `<source>:<user>` as stored. */
  userId: string;
  /** Null once erased (retention, deletion). */
  text: string | null;
  deleted: boolean;
}

/** What an item finds at one of its keys. */
export type KeyMatch = 'same_message' | 'edited' | 'another_message';

function fraction(seed: string): string {
  return String(createHash('sha256').update(seed).digest().readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/**
 * The keys the item may take, first choice first. `ts` is the item's time as a Slack ts
 * (`seconds.micros`): a given fraction is kept as the first choice when the source has no id.
 */
export function ingestKeyCandidates(ts: string, item: IngestKeyInput): string[] {
  const seconds = ts.slice(0, ts.indexOf('.'));
  const keys: string[] = [];
  if (item.id !== undefined) {
    // The id is the key: a fraction the time may carry is not (an edit may come with another one).
    for (let k = 0; keys.length < MAX_KEY_CANDIDATES; k += 1) keys.push(`${seconds}.${fraction(`id\u0000${item.source}\u0000${item.id}\u0000${k}`)}`);
    return keys;
  }
  // A given fraction, or the author-derived one items ingested before texts counted had: a resend of
  // one of those stays a duplicate.
  keys.push(ts.endsWith('.000000') ? `${seconds}.${fraction(`${item.source}:${item.user}`)}` : ts);
  for (let k = 1; keys.length < MAX_KEY_CANDIDATES; k += 1) keys.push(`${seconds}.${fraction(`text\u0000${item.source}\u0000${item.user}\u0000${item.text}\u0000${k}`)}`);
  return keys;
}

/**
 * Whether the message stored at a candidate key is this item: with an id, the same author's message
 * there is this one (a resend, or an edit when the text differs); without one, only the same author's
 * same text is (as stored: cleaned). An erased or deleted one of the same author counts as the same:
 * it can no longer be told apart, and counting a resend twice could raise a false alarm.
 */
export function matchAtKey(stored: StoredAtKey, item: { userId: string; text: string; hasId: boolean }): KeyMatch {
  if (stored.userId !== item.userId) return 'another_message';
  if (stored.deleted || stored.text === null || stored.text === storableText(item.text, MAX_TEXT_CHARS)) return 'same_message';
  return item.hasId ? 'edited' : 'another_message';
}
