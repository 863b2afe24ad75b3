// What a failed Web API call means for the outbox: wait and retry, retry with backoff, or stop.
import { webApi } from '@slack/bolt';

export type SlackFailure =
  /** HTTP 429: Slack did not do the call; try again after Retry-After. */
  | { kind: 'rate_limited'; error: string; retryAfterMs: number }
  /**
   * Worth retrying with backoff. `ambiguous` when Slack may have done the call anyway (timeout,
   * connection lost, 5xx after the request was read): look before re-posting.
   */
  | {
      kind: 'transient';
      error: string;
      ambiguous: boolean;
      /**
       * No answer came at all (timeout, connection lost, a gateway's 502/504): Slack may still be
       * doing the call, so a look-up right away can miss a post that lands a moment later.
       */
      unanswered: boolean;
    }
  /** Retrying cannot help (channel_not_found, invalid_auth, msg_too_long …): stop and say so. */
  | { kind: 'permanent'; error: string };

/** Slack method errors that describe a passing condition on Slack's side, not a bad request. */
const TRANSIENT_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'rate_limited', 'team_added_to_org']);

export function classifySlackFailure(error: unknown): SlackFailure {
  const coded = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number; original?: Error };
  switch (coded?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', error: 'ratelimited', retryAfterMs: Math.max(1, coded.retryAfter ?? 1) * 1000 };
    case webApi.ErrorCode.PlatformError: {
      const slackError = coded.data?.error ?? 'unknown_error';
      return TRANSIENT_PLATFORM_ERRORS.has(slackError) ? { kind: 'transient', error: slackError, ambiguous: true, unanswered: false } : { kind: 'permanent', error: slackError };
    }
    case webApi.ErrorCode.HTTPError: {
      const status = coded.statusCode ?? 0;
      if (status >= 500 || status === 408) return { kind: 'transient', error: `http_${status}`, ambiguous: true, unanswered: status === 408 || status === 502 || status === 504 };
      return { kind: 'permanent', error: `http_${status}` };
    }
    case webApi.ErrorCode.RequestError: {
      const original = coded.original as (Error & { code?: string; cause?: { code?: string } }) | undefined;
      const reason = original?.name === 'TimeoutError' || original?.name === 'AbortError' ? 'timeout' : (original?.cause?.code ?? original?.code ?? 'network');
      return { kind: 'transient', error: `network_${String(reason).toLowerCase()}`, ambiguous: true, unanswered: true };
    }
    default:
      // Not a Slack answer (a bug or an unexpected exception): the outcome is unknown, retry carefully.
      return { kind: 'transient', error: error instanceof Error ? `unexpected: ${error.message}`.slice(0, 200) : 'unexpected', ambiguous: true, unanswered: true };
  }
}

/**
 * A WebClient for the outbox worker: no retries of its own and 429s rejected at once, so the outbox
 * owns every retry and its timing (the item is rescheduled durably instead of waiting in memory);
 * a bounded timeout so a hung request becomes an ambiguous attempt, not a stuck worker.
 */
export function createOutboxWebClient(options: { token?: string; apiUrl?: string; timeoutMs?: number }): webApi.WebClient {
  return new webApi.WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
    logLevel: webApi.LogLevel.ERROR,
  });
}
