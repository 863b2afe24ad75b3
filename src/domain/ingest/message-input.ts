// Incoming community messages checked and cleaned before they reach the database: what can be fixed
// (NUL bytes, lone surrogates, an absurdly long text) is fixed and said; what cannot (a ts that is
// not a time, a missing or absurd id) is refused with a reason, and the caller quarantines it.

/** Slack's own limit on a message's text. */
export const MAX_TEXT_CHARS = 40_000;
/** Slack ids are a dozen characters; `<source>:<channel>` names of /ingest stay well below this. */
export const MAX_ID_CHARS = 255;
export const MAX_PERMALINK_CHARS = 2_000;

/** Why a message was changed on the way in (a metric label: keep the set fixed). */
export type InputFix = 'nul_bytes' | 'lone_surrogates' | 'text_truncated' | 'thread_ts_dropped' | 'permalink_dropped' | 'edited_ts_dropped';
/** Why a message was refused (a metric label: keep the set fixed). */
export type InputRefusal = 'invalid_ts' | 'invalid_channel' | 'invalid_user' | 'invalid_text' | 'invalid_event_id';

export const INPUT_REFUSALS: readonly InputRefusal[] = ['invalid_ts', 'invalid_channel', 'invalid_user', 'invalid_text', 'invalid_event_id'];

export interface MessageInput {
  channelId: unknown;
  userId: unknown;
  ts: unknown;
  text: unknown;
  threadTs?: unknown;
  permalink?: unknown;
  eventId?: unknown;
  editedTs?: unknown;
}

export interface CleanMessage {
  /** Slack channel ID, or `<source>:<channel>` for ingested sources. */
  channelId: string;
  userId: string;
  /** Slack ts (`1700000000.000100`): the message's id and time. */
  ts: string;
  text: string;
  threadTs?: string;
  permalink?: string;
  /** Slack's event_id: recorded in the same commit as the message, so a retried delivery is a no-op. */
  eventId?: string;
  /** An edit's own Slack ts (`edited.ts`): which of two edits is the member's latest, whatever order they arrive in. */
  editedTs?: string;
}

export type CheckedMessage = { ok: true; message: CleanMessage; fixes: InputFix[] } | { ok: false; reason: InputRefusal; detail: string };

/** Slack's ts: epoch seconds and up to six decimals (`1700000000.000100`). */
const SLACK_TS = /^\d{1,11}(\.\d{1,6})?$/;
// eslint-disable-next-line no-control-regex -- NUL and the C0 controls are exactly what ids must not hold
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Replaces lone surrogates (not valid UTF-8, refused by PostgreSQL) with U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function isTs(value: unknown): value is string {
  return typeof value === 'string' && SLACK_TS.test(value) && Number(value) > 0;
}

function checkId(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_CHARS || CONTROL.test(value) || wellFormed(value) !== value) return null;
  return value;
}

const describe = (value: unknown) => (typeof value === 'string' ? `"${value.slice(0, 40)}${value.length > 40 ? '…' : ''}" (${value.length} characters)` : value === null ? 'null' : typeof value);

export function checkMessageInput(input: MessageInput): CheckedMessage {
  const channelId = checkId(input.channelId);
  if (!channelId) return { ok: false, reason: 'invalid_channel', detail: `channel must be an id of 1 to ${MAX_ID_CHARS} printable characters, got ${describe(input.channelId)}` };
  const userId = checkId(input.userId);
  if (!userId) return { ok: false, reason: 'invalid_user', detail: `user must be an id of 1 to ${MAX_ID_CHARS} printable characters, got ${describe(input.userId)}` };
  if (!isTs(input.ts)) return { ok: false, reason: 'invalid_ts', detail: `ts must be a Slack timestamp like 1700000000.000100, got ${describe(input.ts)}` };
  if (input.eventId !== undefined && input.eventId !== null && !checkId(input.eventId)) {
    return { ok: false, reason: 'invalid_event_id', detail: `event_id must be an id of 1 to ${MAX_ID_CHARS} printable characters, got ${describe(input.eventId)}` };
  }
  if (input.text !== undefined && input.text !== null && typeof input.text !== 'string') return { ok: false, reason: 'invalid_text', detail: `text must be a string, got ${describe(input.text)}` };

  const fixes: InputFix[] = [];
  let text = (input.text as string | null | undefined) ?? '';
  if (text.includes('\u0000')) {
    text = text.replaceAll('\u0000', '');
    fixes.push('nul_bytes');
  }
  const formed = wellFormed(text);
  if (formed !== text) {
    text = formed;
    fixes.push('lone_surrogates');
  }
  if (text.length > MAX_TEXT_CHARS) {
    // Never split a surrogate pair at the cut.
    text = wellFormed(text.slice(0, MAX_TEXT_CHARS)).replace(/\ufffd$/, '');
    fixes.push('text_truncated');
  }
  const message: CleanMessage = { channelId, userId, ts: input.ts, text };
  if (input.threadTs !== undefined && input.threadTs !== null) {
    if (isTs(input.threadTs)) message.threadTs = input.threadTs;
    else fixes.push('thread_ts_dropped');
  }
  if (input.permalink !== undefined && input.permalink !== null) {
    const link = input.permalink;
    if (typeof link === 'string' && link.length <= MAX_PERMALINK_CHARS && !CONTROL.test(link) && wellFormed(link) === link) message.permalink = link;
    else fixes.push('permalink_dropped');
  }
  if (input.editedTs !== undefined && input.editedTs !== null) {
    // Without it the edit is still applied, in the order it arrives (as edits without one are).
    if (isTs(input.editedTs)) message.editedTs = input.editedTs;
    else fixes.push('edited_ts_dropped');
  }
  if (typeof input.eventId === 'string') message.eventId = input.eventId;
  return { ok: true, message, fixes };
}

/**
 * Orders two Slack ts (as `isTs` accepts them) by time: negative when `a` is earlier, 0 when the same time.
 * Seconds and microseconds apart: as strings `999999999.9` would sort after `1700000000.1`, and as one
 * number of microseconds 11 digits of seconds lose precision.
 */
export function compareSlackTs(a: string, b: string): number {
  const [aSeconds = '', aFraction = ''] = a.split('.');
  const [bSeconds = '', bFraction = ''] = b.split('.');
  const seconds = Number(aSeconds) - Number(bSeconds);
  return seconds !== 0 ? Math.sign(seconds) : Math.sign(Number(aFraction.padEnd(6, '0')) - Number(bFraction.padEnd(6, '0')));
}

/**
 * A raw payload as text any database accepts: JSON escapes NUL bytes and lone surrogates
 * (`\u0000`, `\ud800`), so what was received is kept exactly, capped at `maxChars`.
 */
export function storableJson(value: unknown, maxChars = 100_000): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch (error) {
    json = `unserialisable: ${(error as Error).message}`;
  }
  return json.length > maxChars ? `${json.slice(0, maxChars)}…(+${json.length - maxChars} characters)` : json;
}

/** Any text made storable: NUL bytes removed, lone surrogates replaced, capped. */
export function storableText(value: string, maxChars = 2_000): string {
  // Cut first: a cut between a surrogate pair's halves leaves a lone one, which wellFormed replaces.
  return wellFormed(value.replaceAll('\u0000', '').slice(0, maxChars));
}
