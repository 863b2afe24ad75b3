// What a request to /slack/* must pass before Bolt sees it: a known path (else a quiet 404), a body no
// larger, and holding no longer string, than Slack ever sends (else a 413 while it still arrives), a valid signature made within five minutes either side of now (Bolt refuses only
// stale ones), and an envelope Bolt can handle. A body that is not an object gets 400; an object of
// the wrong shape is answered 200 and not processed, logged and counted (Slack would retry anything else);
// an event callback of the wrong shape is kept in the quarantine with the reason before that 200.
// An event callback that passes is kept in the inbox (acknowledged means stored), acknowledged, and
// handed to Bolt through a backlog (event-backlog.ts): its ack never waits for Bolt's dispatch or for
// the processing of other events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { verifySlackRequest } from '@slack/bolt';
import { SLACK_LIMITS } from './blocks/limits.js';
import { t, type Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { AcceptedEvents } from './app.js';
import { createEventBacklog, type EventBacklog } from './event-backlog.js';

/** A Node HTTP handler: what the HTTP server mounts at /slack/*. */
type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** Slack allows this much clock difference either way. */
export const MAX_REQUEST_SKEW_SECONDS = 5 * 60;

/**
 * The most bytes one UTF-16 unit of text takes in a body Slack sends. In a form (slash commands,
 * interactions), a unit of U+0800–U+FFFF is three UTF-8 bytes, each percent-encoded: 9 (an interaction's
 * JSON writes it `\uXXXX`, its backslash percent-encoded: 8). In an event's JSON, `\uXXXX`: 6.
 */
const FORM_BYTES_PER_UNIT = 9;
const JSON_BYTES_PER_UNIT = 6;
/**
 * The largest body Slack can send: a view_submission of a modal of 100 input blocks (Slack's most), each
 * a text input of 3,000 characters that Slack sends twice (the value, and the view's blocks with an
 * initial value as long), every character at its costliest; plus 1 MiB for the rest of the payload
 * (labels, hints, ids). 6.4 MB: Bolt's own default limit, 4 MiB, is below it.
 */
export const MAX_BODY_BYTES = SLACK_LIMITS.view.blocks * SLACK_LIMITS.plainTextInput.maxLength * 2 * FORM_BYTES_PER_UNIT + 1024 * 1024;
/**
 * The longest stretch of a body without a string delimiter (`"` in JSON; `&` or `%22`, a quote, in a
 * form) that Slack can send. Slack's longest text is a message's, 40,000 characters (a message event, a
 * message shortcut, a slash command's text); every other field is shorter. Allowed: four times that
 * text at its costliest encoding, whatever Slack counts as a character. A longer string is no request
 * Slack made: it is refused while it streams in, before the body is kept, checked or parsed (decoding
 * and parsing megabytes holds the event loop tens of ms, and every other request waits).
 */
export const MAX_STRING_BYTES = { form: 4 * SLACK_LIMITS.message.text * FORM_BYTES_PER_UNIT, json: 4 * SLACK_LIMITS.message.text * JSON_BYTES_PER_UNIT } as const;

export interface RefusalCounter {
  inc(labels: { kind: string; reason: string }): void;
}

export interface SlackRequestGateOptions {
  signingSecret: string;
  /** The paths Bolt answers (POST). */
  endpoints: readonly string[];
  logger: Logger;
  refused?: RefusalCounter;
  /** The language of the one answer a person can see, a slash command Slack sent broken, when `answerLocale` cannot say. */
  locale: Locale;
  /** That answer's language for the team and person the command names (runtime.ts answerLocale). */
  answerLocale?(teamId: string | undefined, userId: string | undefined): Promise<Locale>;
  nowMs?: () => number;
  /** Bolt's request listener, given the request with its body already read (`rawBody`). */
  next(request: IncomingMessage, response: ServerResponse): void;
  /**
   * Processes an event callback already acknowledged (Bolt's `processEvent`). Without it, events go
   * to `next` like every other request.
   */
  processEvent?(body: Record<string, unknown>, retry: EventRetry): Promise<void>;
  /**
   * Where an event callback is kept before it is acknowledged (acknowledged means stored). When it
   * cannot be kept the request is answered 503, and Slack sends the event again.
   */
  inbox?: AcceptedEvents;
  /** How the backlog of acknowledged events is run (tests make it small). */
  backlog?: { perTurn?: number; maxQueued?: number };
}

/** Slack's retry headers of an event delivery. */
export interface EventRetry {
  num?: number;
  reason?: string;
}

export interface SlackRequestGate {
  handle: RequestHandler;
  /** Waits for the acknowledged events still queued or being processed (at shutdown); true when all finished. */
  drain(timeoutMs: number): Promise<boolean>;
}

type Verdict = { ok: true } | { ok: false; status: 200 | 400; kind: string; reason: string; body?: object };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const optionalString = (value: unknown) => value === undefined || typeof value === 'string';
/**
 * Slack's ids and timestamps are short printable ASCII. One with a control character or a lone
 * surrogate names nothing (and PostgreSQL refuses a NUL byte in any query that would look it up); a
 * longer one would only grow the caches keyed by ids (channel names, watched channels).
 */
const SLACK_ID = /^[\x20-\x7e]{0,255}$/;
const optionalId = (value: unknown) => value === undefined || (typeof value === 'string' && SLACK_ID.test(value));
/** An id field: an id, or an object carrying one (user_change's `user`, channel_created's `channel`). */
const idLike = (value: unknown) => optionalId(value) || (isObject(value) && optionalId(value['id']));

const INTERACTION_TYPES = new Set(['block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'block_suggestion', 'interactive_message', 'dialog_submission', 'workflow_step_edit']);

/** Why an Events API envelope cannot be handled, or null. */
export function eventEnvelopeProblem(body: Record<string, unknown>): string | null {
  if (typeof body['type'] !== 'string') return 'type is not a string';
  if (body['type'] === 'url_verification') return typeof body['challenge'] === 'string' ? null : 'challenge is not a string';
  // Bolt treats any body with an `event` as an event, whatever its type says.
  if (body['type'] !== 'event_callback') return body['event'] === undefined ? null : `type "${body['type'].slice(0, 40)}" is not event_callback`;
  if (typeof body['team_id'] !== 'string' || body['team_id'] === '' || !optionalId(body['team_id'])) return 'team_id is not an id';
  if (!optionalId(body['event_id']) || !optionalId(body['enterprise_id'] ?? undefined)) return 'event_id is not an id';
  if (body['authorizations'] !== undefined && !(Array.isArray(body['authorizations']) && body['authorizations'].every(isObject))) return 'authorizations is not a list';
  const event = body['event'];
  if (!isObject(event)) return 'event is not an object';
  if (typeof event['type'] !== 'string') return 'event.type is not a string';
  for (const field of ['subtype', 'text', 'bot_id', 'tab', 'channel_type']) if (!optionalString(event[field])) return `event.${field} is not a string`;
  for (const field of ['ts', 'thread_ts', 'event_ts', 'deleted_ts']) if (!optionalId(event[field])) return `event.${field} is not a timestamp`;
  for (const field of ['channel', 'user', 'item_user']) if (!idLike(event[field])) return `event.${field} is not an id`;
  if (event['type'] === 'message' && typeof event['channel'] !== 'string') return 'event.channel is not a string';
  // null is taken as absent: a deletion naming its message by deleted_ts needs no previous_message.
  for (const field of ['message', 'previous_message', 'item']) if (event[field] !== undefined && event[field] !== null && !isObject(event[field])) return `event.${field} is not an object`;
  for (const nested of ['message', 'previous_message'] as const) {
    const inner = event[nested] as Record<string, unknown> | undefined;
    if (inner && !(['text', 'bot_id', 'subtype'].every((field) => optionalString(inner[field])) && ['ts', 'thread_ts', 'user'].every((field) => optionalId(inner[field])))) return `event.${nested} has a field of the wrong type`;
  }
  return null;
}

/** Why an interaction payload cannot be handled, or null. */
export function interactionProblem(payload: Record<string, unknown>): string | null {
  if (typeof payload['type'] !== 'string') return 'type is not a string';
  if (!INTERACTION_TYPES.has(payload['type'])) return `type "${payload['type'].slice(0, 40)}" is not an interaction Firebreak handles`;
  const user = payload['user'];
  if (!isObject(user) || typeof user['id'] !== 'string' || user['id'] === '') return 'user.id is missing';
  if (!optionalId(user['id']) || !optionalId(user['team_id'] ?? undefined)) return 'user.id is not an id';
  for (const field of ['team', 'channel', 'message', 'container']) if (payload[field] !== undefined && payload[field] !== null && !isObject(payload[field])) return `${field} is not an object`;
  const team = payload['team'];
  if (isObject(team) && !optionalId(team['id'] ?? undefined)) return 'team.id is not an id';
  const channel = payload['channel'];
  if (isObject(channel) && !optionalId(channel['id'] ?? undefined)) return 'channel.id is not an id';
  for (const field of ['trigger_id', 'response_url', 'callback_id', 'api_app_id']) if (!optionalString(payload[field])) return `${field} is not a string`;
  if (payload['type'] === 'block_actions') {
    const actions = payload['actions'];
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every((action) => isObject(action) && typeof action['action_id'] === 'string' && optionalString(action['block_id']))) return 'actions is not a list of actions';
    if (!actions.every((action) => optionalString((action as Record<string, unknown>)['value']))) return 'an action value is not a string';
  }
  if (payload['type'] === 'view_submission' || payload['type'] === 'view_closed') {
    const view = payload['view'];
    if (!isObject(view)) return 'view is missing';
    if (typeof view['callback_id'] !== 'string') return 'view.callback_id is not a string';
    if (!optionalString(view['private_metadata']) || !optionalString(view['id']) || !optionalString(view['hash'])) return 'view has a field of the wrong type';
    const state = view['state'];
    if (state !== undefined && !(isObject(state) && isObject(state['values']) && Object.values(state['values']).every(isObject))) return 'view.state.values is not an object of blocks';
    if (view['blocks'] !== undefined && !(Array.isArray(view['blocks']) && view['blocks'].every(isObject))) return 'view.blocks is not a list';
  }
  if ((payload['type'] === 'shortcut' || payload['type'] === 'message_action') && typeof payload['callback_id'] !== 'string') return 'callback_id is missing';
  if (payload['type'] === 'message_action') {
    if (!isObject(payload['channel']) || !isObject(payload['message'])) return 'channel or message is missing';
    const message = payload['message'];
    if (typeof message['ts'] !== 'string' || !optionalString(message['text']) || !optionalString(message['user'])) return 'message has a field of the wrong type';
  }
  return null;
}

/** Why a slash command's fields cannot be handled, or null. */
export function commandProblem(fields: Record<string, unknown>): string | null {
  for (const field of ['command', 'team_id', 'user_id', 'channel_id']) {
    if (typeof fields[field] !== 'string' || fields[field] === '') return `${field} is missing`;
    if (!optionalId(fields[field])) return `${field} is not an id`;
  }
  // Slack always sends the text, empty when the person typed nothing after the command.
  if (fields['text'] === undefined) return 'text is missing';
  for (const field of ['text', 'trigger_id', 'response_url', 'channel_name', 'user_name']) if (!optionalString(fields[field])) return `${field} is given more than once`;
  return null;
}

function ephemeral(text: string): object {
  return { response_type: 'ephemeral', text };
}

/** What to answer a verified body, before Bolt: a 400 for a body that is not an object, a 200 drop for a bad shape. */
export function judgeSlackBody(contentType: string | undefined, rawBody: string, locale: Locale): Verdict {
  return judgeAndParse(contentType, rawBody, locale).verdict;
}

/**
 * The verdict, and the Events API envelope it was read from when the body is a JSON object (judged ok or not).
 * `parsedForm`: the form already parsed from `rawBody` (a form of megabytes takes tens of ms to parse, the
 * whole event loop waiting: once per request is enough).
 */
function judgeAndParse(contentType: string | undefined, rawBody: string, locale: Locale, parsedForm?: Record<string, unknown>): { verdict: Verdict; envelope?: Record<string, unknown> } {
  const refuse = (kind: string, reason: string): { verdict: Verdict } => ({ verdict: { ok: false, status: 400, kind, reason } });
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parsedForm ?? (parseQuery(rawBody) as Record<string, unknown>);
    if (form['ssl_check'] === '1') return { verdict: { ok: true } };
    if (typeof form['payload'] === 'string') {
      let payload: unknown;
      try {
        payload = JSON.parse(form['payload']);
      } catch {
        return refuse('interaction', 'payload_not_json');
      }
      if (!isObject(payload)) return refuse('interaction', 'payload_not_object');
      const problem = interactionProblem(payload);
      return { verdict: problem ? { ok: false, status: 200, kind: 'interaction', reason: problem } : { ok: true } };
    }
    if (form['payload'] !== undefined) return refuse('interaction', 'payload_repeated');
    if (form['command'] === undefined) return refuse('command', 'neither_payload_nor_command');
    const problem = commandProblem(form);
    return {
      verdict: problem
        ? { ok: false, status: 200, kind: 'command', reason: problem, body: ephemeral(t(locale, 'ui.command.unreadable', { problem })) }
        : { ok: true },
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return refuse('event', 'body_not_json');
  }
  if (!isObject(body)) return refuse('event', 'body_not_object');
  const problem = eventEnvelopeProblem(body);
  return problem ? { verdict: { ok: false, status: 200, kind: 'event', reason: problem }, envelope: body } : { verdict: { ok: true }, envelope: body };
}

/** An event Bolt acknowledges on arrival with an empty 200, so the gate may: not a function_executed (its listener acks). */
function isPlainEventCallback(envelope: Record<string, unknown> | undefined): envelope is Record<string, unknown> {
  return envelope?.['type'] === 'event_callback' && isObject(envelope['event']) && envelope['event']['type'] !== 'function_executed';
}

function retryOf(request: IncomingMessage): EventRetry {
  const num = Number.parseInt(String(request.headers['x-slack-retry-num'] ?? ''), 10);
  const reason = request.headers['x-slack-retry-reason'];
  return { ...(Number.isInteger(num) ? { num } : {}), ...(typeof reason === 'string' ? { reason } : {}) };
}

/** Why a body was refused while it streamed in, with the numbers the warning gives. */
interface Oversized {
  reason: 'too_large' | 'string_too_long';
  /** Bytes received when it was refused (or the Content-Length announced). */
  bytes: number;
  limit: number;
}

const QUOTE = Buffer.from('"');
const AMPERSAND = Buffer.from('&');
const FORM_QUOTE = Buffer.from('%22');

/**
 * Tracks the longest run of bytes without a delimiter across chunks. Exact while a chunk is shorter than
 * the limit (socket chunks are at most 64 KiB): a run longer than the limit then spans chunks, and only
 * the first and last delimiter of each chunk matter. A form's `%22` cut between two chunks is looked for
 * across the cut.
 */
function delimiterRuns(form: boolean, limit: number): (chunk: Buffer) => boolean {
  let run = 0;
  let tail = Buffer.alloc(0);
  const delimiters = form ? [AMPERSAND, FORM_QUOTE] : [QUOTE];
  return (chunk) => {
    let first = -1;
    let end = -1;
    for (const delimiter of delimiters) {
      const at = chunk.indexOf(delimiter);
      if (at >= 0 && (first < 0 || at < first)) first = at;
      const last = chunk.lastIndexOf(delimiter);
      if (last >= 0) end = Math.max(end, last + delimiter.length);
    }
    if (form && first !== 0) {
      // `%22` cut by the chunk boundary: `%` | `22` or `%2` | `2`.
      const joined = Buffer.concat([tail, chunk.subarray(0, 2)]).indexOf(FORM_QUOTE);
      if (joined >= 0) {
        first = 0;
        if (end < 0) end = joined + 3 - tail.length;
      }
    }
    if (form) tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 2)));
    if (first < 0) {
      run += chunk.length;
      return run <= limit;
    }
    if (run + first > limit) return false;
    if (chunk.length > limit) {
      // A chunk longer than the limit (not from a socket): every gap in it is looked at.
      for (let at = first; at < chunk.length; ) {
        let next = -1;
        let length = 0;
        for (const delimiter of delimiters) {
          const found = chunk.indexOf(delimiter, at);
          if (found >= 0 && (next < 0 || found < next)) [next, length] = [found, delimiter.length];
        }
        if (next < 0) break;
        if (next - at > limit) return false;
        at = next + length;
      }
    }
    run = chunk.length - end;
    return run <= limit;
  };
}

/**
 * Reads the body; refuses it, as soon as that is known, when it is larger than any body Slack sends or
 * holds a longer string than Slack ever does. A refused body is neither kept nor looked at further:
 * what is still to come is read and dropped (`onRefused` answers at once), so the sender gets its 413
 * instead of a connection reset, and the next request on the connection is read as usual.
 */
function readBody(request: IncomingMessage, form: boolean, onRefused: (refusal: Oversized) => void): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const announced = Number(request.headers['content-length']);
    if (announced > MAX_BODY_BYTES) {
      request.resume();
      request.once('error', () => undefined);
      onRefused({ reason: 'too_large', bytes: announced, limit: MAX_BODY_BYTES });
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stringLimit = form ? MAX_STRING_BYTES.form : MAX_STRING_BYTES.json;
    const withinStringLimit = delimiterRuns(form, stringLimit);
    let refused = false;
    const keep = (chunk: Buffer) => {
      size += chunk.length;
      const refusal: Oversized | null = size > MAX_BODY_BYTES ? { reason: 'too_large', bytes: size, limit: MAX_BODY_BYTES } : !withinStringLimit(chunk) ? { reason: 'string_too_long', bytes: size, limit: stringLimit } : null;
      if (!refusal) {
        chunks.push(chunk);
        return;
      }
      refused = true;
      request.off('data', keep);
      chunks.length = 0;
      // What is still to come is drained unread: no listener keeps it.
      request.resume();
      onRefused(refusal);
      resolve(null);
    };
    request.on('data', keep);
    request.once('end', () => {
      if (!refused) resolve(Buffer.concat(chunks, size));
    });
    request.once('error', (error) => {
      if (!refused) reject(error);
    });
  });
}

function answer(response: ServerResponse, status: number, body?: object): void {
  if (response.headersSent) return;
  if (!body) {
    response.writeHead(status, { 'content-length': 0 });
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** The handler for POST /slack/*: the gate, then Bolt. */
export function slackRequestGate(options: SlackRequestGateOptions): SlackRequestGate {
  const now = options.nowMs ?? Date.now;
  const log = options.logger.child({ component: 'slack-gate' });
  const backlog: EventBacklog = createEventBacklog({
    ...options.backlog,
    onError: (error) => log.error({ err: error }, 'an acknowledged Slack event could not be processed'),
  });
  const refuse = (response: ServerResponse, status: number, kind: string, reason: string, body?: object) => {
    options.refused?.inc({ kind, reason: status === 200 ? 'malformed' : reason.replace(/[^a-z_]/g, '_').slice(0, 40) });
    answer(response, status, body);
  };
  const handle: RequestHandler = async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!options.endpoints.includes(path)) {
      log.debug({ path }, 'no such Slack endpoint');
      request.resume();
      refuse(response, 404, 'http', 'unknown_path', { error: 'not_found', path });
      return;
    }
    // Slack signs and sends bodies uncompressed: a compressed one (a proxy's doing) would only fail the signature check.
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      log.warn({ path, encoding: encoding.slice(0, 40) }, 'refused a compressed Slack request: something between Slack and Firebreak compresses request bodies');
      request.resume();
      refuse(response, 415, 'http', 'unsupported_encoding', {
        error: 'unsupported_encoding',
        message: `Content-Encoding "${encoding.slice(0, 40)}" is not accepted: Slack sends request bodies uncompressed, so a proxy in between compressed this one. Turn request compression off there.`,
      });
      return;
    }
    // A proxy may add a charset (or change the case): the media type decides, as a form is what Slack sent.
    let contentType = request.headers['content-type'];
    if (contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded') {
      contentType = 'application/x-www-form-urlencoded';
      // Bolt reads the header too, and only knows the bare media type.
      request.headers['content-type'] = contentType;
    }
    const raw = await readBody(request, contentType === 'application/x-www-form-urlencoded', ({ reason, bytes, limit }) => {
      const what = reason === 'too_large' ? `a body of ${bytes} bytes; Slack sends at most ${limit}` : `a string longer than ${limit} bytes (after ${bytes} bytes of the body); Slack's longest text, a 40,000-character message, takes at most a quarter of that`;
      log.warn({ path, reason, bytes, limit, contentType: contentType?.slice(0, 60) }, `refused a Slack request while it was still arriving: ${what}, so Slack did not send it`);
      refuse(response, 413, 'http', reason, { error: 'too_large', message: `Refused: ${what}.` });
    });
    if (!raw) return;
    const text = raw.toString('utf8');
    const form = contentType === 'application/x-www-form-urlencoded' ? (parseQuery(text) as Record<string, unknown>) : undefined;
    const sslCheck = form?.['ssl_check'] === '1';
    if (!sslCheck) {
      const signature = request.headers['x-slack-signature'];
      const timestamp = Number(request.headers['x-slack-request-timestamp']);
      const skew = Math.floor(now() / 1000) - timestamp;
      try {
        if (typeof signature !== 'string' || !Number.isInteger(timestamp)) throw new Error('signature or timestamp header missing');
        // Bolt refuses requests signed more than five minutes ago; one signed that far ahead is refused too.
        if (skew < -MAX_REQUEST_SKEW_SECONDS) throw new Error(`x-slack-request-timestamp is ${-skew} s in the future`);
        verifySlackRequest({ signingSecret: options.signingSecret, body: text, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: now() });
      } catch (error) {
        log.warn({ path, reason: (error as Error).message }, 'refused a Slack request that is not correctly signed');
        refuse(response, 401, 'http', skew < -MAX_REQUEST_SKEW_SECONDS ? 'future_timestamp' : skew > MAX_REQUEST_SKEW_SECONDS ? 'stale_timestamp' : 'bad_signature');
        return;
      }
      const judged = judgeAndParse(contentType, text, options.locale, form);
      const { envelope } = judged;
      let { verdict } = judged;
      if (!verdict.ok && verdict.body && verdict.kind === 'command' && options.answerLocale) {
        // Answered to the person who typed it, in their language (when the ids it names are ids).
        const fields = form ?? {};
        const id = (field: string) => (typeof fields[field] === 'string' && fields[field] !== '' && optionalId(fields[field]) ? (fields[field] as string) : undefined);
        const locale = await options.answerLocale(id('team_id'), id('user_id')).catch(() => options.locale);
        if (locale !== options.locale) verdict = judgeAndParse(contentType, text, locale, form).verdict;
      }
      if (!verdict.ok && verdict.status === 200 && envelope?.['type'] === 'event_callback' && options.inbox) {
        // Acknowledged means stored or quarantined: a member's message with one field of a wrong type is
        // kept, with the reason, where staff see it, never dropped without a trace.
        const eventId = typeof envelope['event_id'] === 'string' ? envelope['event_id'] : null;
        try {
          await options.inbox.quarantineMalformed({ text, eventId, body: envelope }, verdict.reason);
        } catch (error) {
          log.error({ err: error }, 'could not quarantine a malformed Slack event before acknowledging it: answered 503, so Slack sends it again');
          refuse(response, 503, 'event', 'store_unavailable');
          return;
        }
      }
      if (!verdict.ok) {
        log.warn({ kind: verdict.kind, reason: verdict.reason, status: verdict.status }, verdict.status === 200 ? 'did not process a malformed Slack request' : 'refused a Slack request body');
        refuse(response, verdict.status, verdict.kind, verdict.reason, verdict.body ?? (verdict.status === 400 ? { error: 'invalid_body', message: verdict.reason } : undefined));
        return;
      }
      const processEvent = options.processEvent;
      if (processEvent && isPlainEventCallback(envelope)) {
        const retry = retryOf(request);
        const inbox = options.inbox;
        let kept: string | undefined;
        if (inbox) {
          try {
            kept = await inbox.accept({ text, eventId: typeof envelope['event_id'] === 'string' ? envelope['event_id'] : null }, retry);
          } catch (error) {
            log.error({ err: error }, 'could not store a Slack event before acknowledging it: answered 503, so Slack sends it again');
            refuse(response, 503, 'event', 'store_unavailable');
            return;
          }
        }
        await backlog.add(async () => {
          try {
            await processEvent(envelope, retry);
          } catch (error) {
            if (kept) await inbox?.failed(kept, error);
            throw error;
          }
          if (kept) inbox?.processed(kept);
        });
        answer(response, 200);
        return;
      }
    }
    // Bolt reads the body from here instead of the (consumed) stream.
    (request as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    options.next(request, response);
  };
  return { handle, drain: (timeoutMs) => backlog.drain(timeoutMs) };
}
