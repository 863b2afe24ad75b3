import { createHmac } from 'node:crypto';
import type { SlackRequestKind } from './slack-payloads.js';
import { encodeSlackRequest } from './slack-payloads.js';

export interface SlackSignatureHeaders {
  'X-Slack-Signature': string;
  'X-Slack-Request-Timestamp': string;
}

/**
 * Sign a request body as Slack does (signing secret, version v0): HMAC-SHA256 over
 * `v0:<timestamp>:<raw body>`, sent hex-encoded as `X-Slack-Signature: v0=<hex>` beside the
 * `X-Slack-Request-Timestamp` (epoch seconds). The body must be the exact bytes that are sent.
 */
export function signSlackRequest(signingSecret: string, rawBody: string, timestampSeconds: number): SlackSignatureHeaders {
  if (signingSecret === '') throw new RangeError('signingSecret is empty: Slack signs with the app\'s signing secret');
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(`timestampSeconds must be whole epoch seconds, got ${timestampSeconds}`);
  }
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`, 'utf8').digest('hex');
  return { 'X-Slack-Signature': `v0=${digest}`, 'X-Slack-Request-Timestamp': String(timestampSeconds) };
}

export interface SendToAppOptions {
  /** Slack's redelivery count (1, 2, 3): sent as X-Slack-Retry-Num with X-Slack-Retry-Reason. */
  retryNum?: number;
  /** Why Slack retried: http_timeout (the default), http_error, too_many_redirects, connection_failed, ssl_error, unknown_error. */
  retryReason?: string;
  /** Sign as of this time (epoch ms); defaults to now. Tests pass an old time to get a replay refused. */
  signedAtMs?: number;
  /** Give up after this long; Slack itself waits 3 s for an acknowledgement. */
  timeoutMs?: number;
}

export interface AppResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/**
 * Deliver an event, slash command or interaction to an app's request URL the way Slack does: the
 * body encoded for its kind, signed with the app's signing secret, with retry headers on redeliveries.
 */
export async function sendToApp(
  url: string,
  signingSecret: string,
  kind: SlackRequestKind,
  payload: object,
  options: SendToAppOptions = {},
): Promise<AppResponse> {
  const { body, contentType } = encodeSlackRequest(kind, payload);
  const timestamp = Math.floor((options.signedAtMs ?? Date.now()) / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signSlackRequest(signingSecret, body, timestamp),
  };
  if (options.retryNum !== undefined) {
    if (!Number.isInteger(options.retryNum) || options.retryNum < 1) throw new RangeError(`retryNum must be a whole number ≥ 1, got ${options.retryNum}`);
    headers['X-Slack-Retry-Num'] = String(options.retryNum);
    headers['X-Slack-Retry-Reason'] = options.retryReason ?? 'http_timeout';
  }
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  return { status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) };
}
