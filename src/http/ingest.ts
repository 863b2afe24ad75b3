// POST /ingest: messages from other sources (a forum, a social-listening tool) into the same pipeline
// as Slack messages. Bearer-token authenticated; every bad item is reported by index and field.
import { isUtf8 } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { CommunityMessage, IngestOutcome } from '../app/watcher.js';
import { isDatabaseLocked } from '../errors.js';
import { ingestKeyCandidates, matchAtKey, type StoredAtKey } from '../domain/ingest/ingest-key.js';
import type { Route } from './server.js';
import { sendJson } from './server.js';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_ITEMS = 1000;
/**
 * How far ahead of this machine's clock a source's time may be (its clock a little fast). Further is a
 * mistake (a local time sent without its zone, milliseconds as seconds): such a message would sit in a
 * bucket detection has not reached and outlive MESSAGE_RETENTION_DAYS, so it is refused.
 */
const MAX_FUTURE_MS = 60 * 60_000;
/**
 * When a sender should try again after the database stayed locked by another process (503). The lock has
 * already lasted the store's ~5 s wait (a backup, a long command): a little longer lets it finish.
 */
export const LOCKED_RETRY_AFTER_SECONDS = 10;
/** Slack's ts: up to 11 digits of seconds (what the pipeline accepts as a message id). */
const SLACK_TS_RANGE = /^\d{1,11}\.\d{6}$/;

/**
 * No control characters (NUL, escape, C1…), no lone surrogates (a JSON `\ud800`): the database or Slack
 * would refuse or garble it. No direction overrides or isolates and no line or paragraph separators:
 * a name is shown inside Firebreak's own lines (the alert's title, the reminders, the digest), where
 * U+202E would turn the rest of the line around and U+2028 would break it.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what a name must not hold
const PRINTABLE = /^(?:[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
const NOT_PRINTABLE = 'must be printable text: no control characters (NUL, escape…), direction controls, line separators or lone surrogates';
const name = z.string().trim().min(1).max(200).regex(/^[^:\s]+$/, 'must not contain ":" or spaces').regex(PRINTABLE, NOT_PRINTABLE);
const ingestItem = z.strictObject({
  source: name,
  channel: name,
  user: z.string().trim().min(1).max(200).regex(PRINTABLE, NOT_PRINTABLE),
  text: z.string().max(40_000),
  /**
   * The source's own id of the message (a post id): the key it is stored under, so sending it again is a
   * duplicate and sending it with another text is an edit. Without it, author and text tell messages apart.
   */
  id: z
    // eslint-disable-next-line no-control-regex -- control characters are exactly what an id must not hold
    .union([z.string().trim().min(1).max(200).regex(/^[^\u0000-\u001f\u007f]+$/), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)], {
      error: 'must be the source’s message id: text of 1 to 200 printable characters, or a whole number',
    })
    .transform(String)
    .optional(),
  /** ISO 8601, epoch seconds or milliseconds, or a Slack ts. */
  ts: z.union([z.string().trim().min(1), z.number().finite().positive()]),
  /**
   * With an edit: when the author edited the post (the same formats as `ts`). Of two edits arriving out of
   * order the later one's words stay; edits without it are applied in the order they arrive.
   */
  editedAt: z.union([z.string().trim().min(1), z.number().finite().positive()], { error: 'must be a time: ISO 8601 with its time zone, epoch seconds or milliseconds' }).optional(),
  /** A web page only: the alerts and reminders link it for staff to open. */
  url: z
    .string()
    .max(2000)
    .url()
    .refine((url) => /^https?:\/\//i.test(url), 'must be an http or https link')
    .optional(),
});

export type IngestItem = z.infer<typeof ingestItem>;

/** Any accepted time as a Slack-style ts (`seconds.micros`), the id the pipeline keys messages by. */
export function toSlackTs(value: string | number): string | null {
  let ms: number;
  if (typeof value === 'number') ms = value > 1e12 ? value : value * 1000;
  else if (/^\d+(\.\d+)?$/.test(value)) {
    const numeric = Number(value);
    ms = numeric > 1e12 ? numeric : numeric * 1000;
    if (value.includes('.') && numeric < 1e12) {
      // Kept to the microsecond as written, but as Slack writes it: no leading zeros (`0001700000000.5`
      // would be another key for the same post), within Slack's range (else it was quarantined, not refused).
      const [seconds = '', fraction = ''] = value.split('.');
      const ts = `${seconds.replace(/^0+(?=\d)/, '')}.${fraction.padEnd(6, '0').slice(0, 6)}`;
      return numeric > 0 && SLACK_TS_RANGE.test(ts) ? ts : null;
    }
  } else ms = Date.parse(value);
  if (!Number.isFinite(ms) || ms <= 0) return null;
  const micros = Math.round(ms * 1000);
  const ts = `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  return SLACK_TS_RANGE.test(ts) ? ts : null;
}

/** A time an item gives as a Slack ts, or what is wrong with it (`when`: what the time should be). */
function checkedTime(value: string | number, now: number, when: string): { ts: string } | { problem: string } {
  const ts = toSlackTs(value);
  if (!ts) return { problem: 'is not a time (ISO 8601 with its time zone, epoch seconds or milliseconds)' };
  const ahead = Number(ts) * 1000 - now;
  if (ahead > MAX_FUTURE_MS) return { problem: `is ${Math.round(ahead / 60_000)} minutes in the future: send ${when}, with its time zone` };
  return { ts };
}

async function readBody(request: IncomingMessage): Promise<Buffer | { tooLarge: true }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { tooLarge: true };
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The body as text, or why it cannot be read as JSON's UTF-8. Decoding anything else as UTF-8 would
 * replace every accented letter with U+FFFD and store the garbled text (answered 202, lost for good).
 */
function bodyText(request: IncomingMessage, body: Buffer): { text: string } | { status: 400 | 415; error: string; message: string } {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return { status: 415, error: 'unsupported_encoding', message: `Content-Encoding "${encoding.slice(0, 40)}" is not supported: send the JSON uncompressed.` };
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return { status: 415, error: 'unsupported_charset', message: `The body is declared as charset "${charset.slice(0, 40)}": send it as UTF-8 (and say charset=utf-8 or nothing).` };
  if (!isUtf8(body)) {
    // The first byte where decoding and encoding again differ is where the bytes stop being UTF-8.
    const decoded = Buffer.from(body.toString('utf8'), 'utf8');
    let offset = 0;
    while (offset < body.length && body[offset] === decoded[offset]) offset += 1;
    return { status: 400, error: 'invalid_encoding', message: `The body is not UTF-8 at byte ${offset}: send the JSON as UTF-8.` };
  }
  // A byte order mark some tools write first is not part of the JSON.
  const text = body.toString('utf8');
  return { text: text.startsWith('\ufeff') ? text.slice(1) : text };
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface IngestRouteOptions {
  token: string;
  workspaceId(): Promise<string>;
  ingest(message: CommunityMessage): Promise<IngestOutcome>;
  /** A message the source sent again, by its id, with another text: scored again in place. */
  edit(message: CommunityMessage): Promise<IngestOutcome>;
  /** What the channel holds under `ts`: a message another item took, or this one sent before. */
  storedAt(workspaceId: string, channelId: string, ts: string): Promise<StoredAtKey | null>;
  /** Epoch ms now (the domain clock); Date.now by default. */
  now?(): number;
}

export function ingestRoute(options: IngestRouteOptions): Route {
  return {
    method: 'POST',
    path: '/ingest',
    handler: async (request, response) => {
      if (!tokenMatches(request.headers.authorization, options.token)) {
        sendJson(response, 401, { error: 'unauthorized', message: 'Send the INGEST_TOKEN as "Authorization: Bearer <token>".' });
        return;
      }
      const raw = await readBody(request);
      if (!Buffer.isBuffer(raw)) {
        sendJson(response, 413, { error: 'too_large', message: `The body is larger than ${MAX_BODY_BYTES} bytes; send fewer messages per request.` });
        return;
      }
      const body = bodyText(request, raw);
      if (!('text' in body)) {
        sendJson(response, body.status, { error: body.error, message: body.message });
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.text);
      } catch (error) {
        sendJson(response, 400, { error: 'invalid_json', message: `The body is not JSON: ${(error as Error).message}` });
        return;
      }
      const items = Array.isArray(parsed) ? parsed : [parsed];
      if (items.length === 0 || items.length > MAX_ITEMS) {
        sendJson(response, 400, { error: 'invalid_batch', message: `Send 1 to ${MAX_ITEMS} messages per request.` });
        return;
      }
      const problems: { index: number; field: string; message: string }[] = [];
      const now = options.now?.() ?? Date.now();
      const messages: { item: IngestItem; ts: string; editedTs?: string }[] = [];
      items.forEach((raw, index) => {
        const result = ingestItem.safeParse(raw);
        if (!result.success) {
          // One problem per field: the first rule it breaks says what is wrong.
          const fields = new Set<string>();
          for (const issue of result.error.issues) {
            const field = issue.path.join('.') || '(message)';
            if (!fields.has(field)) problems.push({ index, field, message: issue.message });
            fields.add(field);
          }
          return;
        }
        const ts = checkedTime(result.data.ts, now, 'when the message was posted');
        const edited = result.data.editedAt === undefined ? null : checkedTime(result.data.editedAt, now, 'when the message was edited');
        if ('problem' in ts) problems.push({ index, field: 'ts', message: ts.problem });
        if (edited && 'problem' in edited) problems.push({ index, field: 'editedAt', message: edited.problem });
        else if ('ts' in ts) messages.push({ item: result.data, ts: ts.ts, ...(edited ? { editedTs: edited.ts } : {}) });
      });
      // All or nothing: a batch with a bad item is refused whole, so a retry never duplicates the good ones.
      if (problems.length) {
        sendJson(response, 400, { error: 'invalid_messages', problems });
        return;
      }
      const outcomes: string[] = [];
      try {
        const workspaceId = await options.workspaceId();
        for (const { item, ts, editedTs } of messages) outcomes.push(await ingestOne(options, workspaceId, item, ts, editedTs));
      } catch (error) {
        if (!isDatabaseLocked(error)) throw error;
        // Another process held the database for as long as the store waits (a backup, a `firebreak`
        // command): nothing is wrong with the batch. Answered now rather than after more waits, with when
        // to send it again; what of it was stored before is a duplicate then, never counted twice.
        sendJson(
          response,
          503,
          {
            error: 'database_locked',
            message: `Another process kept Firebreak's database locked; ${outcomes.length} of ${messages.length} messages were stored. Send the whole batch again in ${LOCKED_RETRY_AFTER_SECONDS} seconds: those already stored count as duplicates.`,
          },
          { 'retry-after': String(LOCKED_RETRY_AFTER_SECONDS) },
        );
        return;
      }
      const count = (status: string) => outcomes.filter((outcome) => outcome === status).length;
      sendJson(response, 202, { accepted: messages.length, scored: count('scored'), edited: count('edited'), duplicates: count('duplicate'), notWatched: count('not_watched'), quarantined: count('quarantined') });
    },
  };
}

/**
 * One item under the first of its keys that is free or holds this very message: a key another message
 * holds (same second, another author or text, or another id) is skipped, so nothing is merged.
 */
async function ingestOne(options: IngestRouteOptions, workspaceId: string, item: IngestItem, ts: string, editedTs: string | undefined): Promise<string> {
  const channelId = `${item.source}:${item.channel}`;
  const userId = `${item.source}:${item.user}`;
  const message = (key: string): CommunityMessage => ({ workspaceId, channelId, userId, ts: key, text: item.text, ...(item.url ? { permalink: item.url } : {}), ...(editedTs ? { editedTs } : {}), source: item.source });
  for (const key of ingestKeyCandidates(ts, { source: item.source, user: item.user, text: item.text, ...(item.id !== undefined ? { id: item.id } : {}) })) {
    const outcome = await options.ingest(message(key));
    if (outcome.status !== 'duplicate') return outcome.status;
    const stored = await options.storedAt(workspaceId, channelId, key);
    // Gone between the two reads (cannot be for ingested channels, which nothing deletes): a duplicate.
    if (!stored) return 'duplicate';
    const match = matchAtKey(stored, { userId, text: item.text, hasId: item.id !== undefined });
    if (match === 'same_message') return 'duplicate';
    if (match === 'edited') {
      const edited = await options.edit(message(key));
      return edited.status === 'scored' ? 'edited' : edited.status;
    }
  }
  // Every key taken by other messages (odds far below a hardware fault): refused with a 500, never merged;
  // the source sends the batch again, and what was stored of it is a duplicate then.
  throw new Error(`no free key for an ingested message of ${channelId} at ${ts}`);
}
