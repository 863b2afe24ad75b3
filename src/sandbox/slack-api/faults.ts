import type { Clock } from '../../domain/clock.js';

/** What the loopback Slack answers instead of doing the call. */
export type FaultKind =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'http_error'; status: number }
  | { kind: 'api_error'; error: string }
  /** Answer normally, but only after `ms`: a slow Slack, for client timeouts. The call still takes effect. */
  | { kind: 'delay'; ms: number }
  /** Do the call, then answer an HTTP error (a gateway's 502) as if Slack's answer was lost on the way back. */
  | { kind: 'answer_lost'; status: number };

/** How long a fault lasts: the next `times` matching calls, or every matching call for `forMs`. */
export interface FaultDuration {
  times?: number;
  forMs?: number;
  /** Only calls naming this channel (e.g. the public reply, not the alert thread's lines). */
  channel?: string;
}

interface FaultRule {
  method: string;
  fault: FaultKind;
  remaining: number | null;
  until: number | null;
  channel: string | null;
}

/**
 * Fault injection per Web API method (or '*' for every method). Rules are checked in the order they
 * were added; the first that matches answers the call and uses up one of its `times`.
 */
export class FaultInjector {
  private rules: FaultRule[] = [];

  constructor(private readonly clock: Clock) {}

  /** Answer HTTP 429 with `Retry-After: retryAfterSeconds`, as Slack does when a method's tier is exceeded. */
  rateLimit(method: string, retryAfterSeconds: number, duration: FaultDuration = {}): void {
    if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
      throw new RangeError(`retryAfterSeconds must be a whole number of seconds ≥ 0, got ${retryAfterSeconds}`);
    }
    this.add(method, { kind: 'rate_limited', retryAfterSeconds }, duration);
  }

  /** Answer an HTTP error status (500 by default) with a plain-text body, like an outage. */
  serverError(method: string, duration: FaultDuration = {}, status = 500): void {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError(`status must be 4xx or 5xx, got ${status}`);
    this.add(method, { kind: 'http_error', status }, duration);
  }

  /** Answer `{ ok: false, error }` with HTTP 200, as Slack reports method errors. */
  failWith(method: string, error: string, duration: FaultDuration = {}): void {
    if (!/^[a-z0-9_]+$/.test(error)) throw new RangeError(`error must be a Slack error code like "channel_not_found", got "${error}"`);
    this.add(method, { kind: 'api_error', error }, duration);
  }

  /**
   * Hold the answer for `ms` and then do the call as usual. A client that gives up first still gets
   * the message posted, as with a real Slack that was slow to answer: the case that makes retries
   * double-post.
   */
  delay(method: string, ms: number, duration: FaultDuration = {}): void {
    if (!Number.isInteger(ms) || ms < 1 || ms > 120_000) throw new RangeError(`ms must be a whole number from 1 to 120000, got ${ms}`);
    this.add(method, { kind: 'delay', ms }, duration);
  }

  /**
   * Do the call (the message is posted) but answer `status` (502 by default) instead of Slack's answer:
   * a gateway that lost the answer, so the client cannot tell whether the call took effect.
   */
  loseAnswer(method: string, duration: FaultDuration = {}, status = 502): void {
    if (!Number.isInteger(status) || status < 500 || status > 599) throw new RangeError(`status must be 5xx, got ${status}`);
    this.add(method, { kind: 'answer_lost', status }, duration);
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this call, if any, consuming one use of it. */
  take(method: string, args: Record<string, unknown> = {}): FaultKind | undefined {
    const now = this.clock.now();
    this.rules = this.rules.filter((r) => (r.remaining === null || r.remaining > 0) && (r.until === null || now < r.until));
    const rule = this.rules.find((r) => (r.method === '*' || r.method === method) && (r.channel === null || r.channel === args['channel']));
    if (!rule) return undefined;
    if (rule.remaining !== null) rule.remaining -= 1;
    return rule.fault;
  }

  private add(method: string, fault: FaultKind, duration: FaultDuration): void {
    if (duration.times !== undefined && (!Number.isInteger(duration.times) || duration.times < 1)) {
      throw new RangeError(`times must be a whole number ≥ 1, got ${duration.times}`);
    }
    if (duration.forMs !== undefined && !(duration.forMs > 0)) throw new RangeError(`forMs must be > 0, got ${duration.forMs}`);
    const until = duration.forMs !== undefined ? this.clock.now() + duration.forMs : null;
    // With neither bound given the fault hits the next call only.
    const remaining = duration.times ?? (until === null ? 1 : null);
    this.rules.push({ method, fault, remaining, until, channel: duration.channel ?? null });
  }
}
