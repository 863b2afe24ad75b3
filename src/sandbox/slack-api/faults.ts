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
  private readLimits: { methods: Set<string>; windowMs: number; pageSize: number; lastAllowed: Map<string, number> } | null = null;

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

  /**
   * Slack's limits for apps not approved for its Marketplace (commercially distributed, since 2025) on
   * conversations.history and conversations.replies: one call a minute per method (a second one within
   * the minute answers 429 with Retry-After 60) and at most 15 messages a page. Until clear().
   */
  limitReadsLikeUnlistedApp(options: { methods?: readonly string[]; windowSeconds?: number; pageSize?: number } = {}): void {
    const windowSeconds = options.windowSeconds ?? 60;
    const pageSize = options.pageSize ?? 15;
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) throw new RangeError(`windowSeconds must be a whole number ≥ 1, got ${windowSeconds}`);
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a whole number ≥ 1, got ${pageSize}`);
    this.readLimits = { methods: new Set(options.methods ?? ['conversations.history', 'conversations.replies']), windowMs: windowSeconds * 1000, pageSize, lastAllowed: new Map() };
  }

  /** For a limited read: the 429 to answer, or the largest page to return (the call counts as the minute's one). */
  takeReadLimit(method: string): { retryAfterSeconds: number } | { pageSize: number } | undefined {
    const limits = this.readLimits;
    if (!limits?.methods.has(method)) return undefined;
    const now = this.clock.now();
    const last = limits.lastAllowed.get(method);
    if (last !== undefined && now - last < limits.windowMs) return { retryAfterSeconds: limits.windowMs / 1000 };
    limits.lastAllowed.set(method, now);
    return { pageSize: limits.pageSize };
  }

  clear(): void {
    this.rules = [];
    this.readLimits = null;
  }

  /** How many calls to `method` faults still wait for: 0 once counted faults were all met (a delayed call has reached Slack). */
  waiting(method: string): number {
    const now = this.clock.now();
    return this.rules.filter((r) => r.method === method && r.remaining !== null && r.remaining > 0 && (r.until === null || now < r.until)).reduce((sum, r) => sum + (r.remaining ?? 0), 0);
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
