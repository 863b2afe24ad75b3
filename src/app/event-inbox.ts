// Acknowledged means stored: a Slack event is written to the inbox before Slack gets its ack, and
// deleted once processed. Events arriving together share one commit. An instance that dies leaves its
// events behind; the sweep of any instance (the same one, restarted) takes them over once their
// claimant is gone or its claim expired, and processes them again. Deliveries are deduplicated on
// Slack's ids when processed, so an event finished just before a crash changes nothing the second time.
import { randomUUID } from 'node:crypto';
import { storableText } from '../domain/ingest/message-input.js';
import { isDatabaseLocked, isFirebreakError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { QuarantineEntry } from './ports/channels.js';
import type { InboundEventRecord } from './ports/inbox.js';
import type { Repositories, Store } from './ports/store.js';

/** Slack's retry headers of an event delivery. */
export interface DeliveryRetry {
  num?: number;
  reason?: string;
}

export interface EventInboxOptions {
  store: Store<Pick<Repositories, 'inbox' | 'quarantine'>>;
  /** Wall time: claims expire in real time, whatever the domain clock says. */
  now?: () => number;
  instanceId: string;
  logger: Logger;
  /** False when the instance that claimed an event is known to be gone (a dead process of this machine). */
  claimantAlive(claimedBy: string): boolean;
  /** How long a claim holds: longer than an event waits in the backlog and is processed. */
  claimMs?: number;
  /** Attempts after which an event goes to the quarantine instead. */
  maxAttempts?: number;
}

/** Processes one event (Bolt's processEvent); rejects when a listener failed. */
export type ProcessInboundEvent = (body: Record<string, unknown>, retry: DeliveryRetry) => Promise<void>;

const MAX_WRITE = 500;
const FORGET_EVERY_MS = 200;
/** Between tries of a release the database's lock kept out (each try itself waits ~5 s for the lock). */
const RELEASE_AGAIN_AFTER_MS = 500;

export class EventInbox {
  private readonly now: () => number;
  private readonly claimMs: number;
  private readonly maxAttempts: number;
  private keeping: Array<{ record: InboundEventRecord; resolve(): void; reject(error: unknown): void }> = [];
  private forgetting: string[] = [];
  private scheduled = { keep: false, forget: false };
  /** The insert in flight: one at a time, so events arriving meanwhile share the next one (group commit). */
  private writing: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: EventInboxOptions) {
    this.now = options.now ?? Date.now;
    this.claimMs = options.claimMs ?? 120_000;
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  /**
   * Stores an event claimed by this instance and resolves with its id once committed: only then may
   * Slack be told it arrived. Rejects when the database cannot take it (Slack then sends it again).
   */
  accept(envelope: { text: string; eventId: string | null }, retry: DeliveryRetry): Promise<string> {
    const now = this.now();
    const record: InboundEventRecord = {
      id: randomUUID(),
      eventId: envelope.eventId,
      body: envelope.text,
      retryNum: retry.num ?? null,
      retryReason: retry.reason ?? null,
      receivedAt: now,
      claimedBy: this.options.instanceId,
      claimedUntil: now + this.claimMs,
      attempts: 1,
      lastError: null,
    };
    return new Promise<string>((resolve, reject) => {
      this.keeping.push({ record, resolve: () => resolve(record.id), reject });
      this.startWriting();
    });
  }

  /**
   * A signed event callback of a shape Slack never sends (a field of the wrong type): it is not processed,
   * but it is kept in the quarantine with the reason before Slack is told it arrived, so an acknowledged
   * event is never lost without a trace (App Home's delivery problems show it).
   */
  async quarantineMalformed(envelope: { text: string; eventId: string | null; body: Record<string, unknown> }, problem: string): Promise<void> {
    const entry = slackQuarantineEntry(envelope.body, { at: this.now(), eventId: envelope.eventId, reason: 'malformed_event', error: problem, payload: envelope.text });
    await this.options.store.transaction((tx) => tx.quarantine.add(entry));
    this.options.logger.warn({ eventId: envelope.eventId, problem }, 'a Slack event of a shape Slack never sends went to the quarantine');
  }

  /**
   * After the poll phase (the requests of a burst that arrived together share one commit), and never
   * while an insert is in flight: under load, each insert takes everything that arrived during the last.
   */
  private startWriting(): void {
    if (this.writing || this.scheduled.keep || this.keeping.length === 0) return;
    this.scheduled.keep = true;
    setImmediate(() => {
      this.scheduled.keep = false;
      this.writing = this.writeKept().finally(() => {
        this.writing = null;
        this.startWriting();
      });
    });
  }

  /**
   * The event was processed: its row goes, with the others processed within `FORGET_EVERY_MS` (one
   * delete instead of one per event; a row left over by a crash is replayed harmlessly).
   */
  processed(id: string): void {
    this.forgetting.push(id);
    if (this.forgetting.length >= MAX_WRITE) {
      void this.forgetProcessed();
      return;
    }
    if (this.scheduled.forget) return;
    this.scheduled.forget = true;
    setTimeout(() => void this.forgetProcessed(), FORGET_EVERY_MS).unref();
  }

  /**
   * Processing failed: the claim is given up, with the reason, and the next sweep tries again. A
   * failure that is not the event's does not use up an attempt: its workspace's token cannot be had
   * right now (the event waits for the operator's fix instead of going to the quarantine), or another
   * process kept the database locked for longer than the store waits (a backup, a `firebreak` command:
   * the event is tried again once it lets go, however long it holds on).
   */
  async failed(id: string, error: unknown): Promise<void> {
    const reason = storableText(error instanceof Error ? error.message : String(error), 1_000);
    const counted = !((isFirebreakError(error) && error.code === 'workspace_unavailable') || isDatabaseLocked(error));
    // The lock that failed the event may outlast the release's own wait: released once it goes (each try
    // waits ~5 s without blocking), else the event would sit out its claim and use up an attempt after all.
    const until = this.now() + this.claimMs;
    for (;;) {
      try {
        await this.options.store.direct.inbox.release(id, this.options.instanceId, reason, { counted });
        return;
      } catch (releaseError) {
        if (isDatabaseLocked(releaseError) && !this.stopped && this.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, RELEASE_AGAIN_AFTER_MS));
          continue;
        }
        this.options.logger.warn({ err: releaseError, id }, 'could not release a Slack event after a failed attempt; it is retried once its claim expires');
        return;
      }
    }
  }

  /**
   * Takes over the events left behind (by a dead instance, or failed here before) and processes them,
   * `concurrency` at a time. Events tried `maxAttempts` times go to the quarantine with the last error.
   * Returns how many were processed.
   */
  async sweep(process: ProcessInboundEvent, options: { limit?: number; concurrency?: number } = {}): Promise<number> {
    const rows = this.options.store.direct.inbox;
    const now = this.now();
    const waiting = await rows.waiting({ self: this.options.instanceId, now, limit: options.limit ?? 500 });
    const free = waiting.filter((event) => event.claimedUntil <= now || (event.claimedBy !== this.options.instanceId && !this.options.claimantAlive(event.claimedBy)));
    let processed = 0;
    const work = async (event: InboundEventRecord) => {
      // Shutting down: what is not taken over yet stays for the next start.
      if (this.stopped) return;
      const claim = { claimedBy: this.options.instanceId, claimedUntil: this.now() + this.claimMs };
      if (!(await rows.takeOver(event.id, event, claim))) return;
      const body = parseEnvelope(event.body);
      if (!body || event.attempts >= this.maxAttempts) {
        await this.quarantine(event, body);
        return;
      }
      try {
        await process(body, { ...(event.retryNum !== null ? { num: event.retryNum } : {}), ...(event.retryReason !== null ? { reason: event.retryReason } : {}) });
        this.processed(event.id);
        processed += 1;
      } catch (error) {
        await this.failed(event.id, error);
      }
    };
    const concurrency = options.concurrency ?? 8;
    for (let start = 0; start < free.length; start += concurrency) await Promise.all(free.slice(start, start + concurrency).map(work));
    if (processed > 0) this.options.logger.info({ events: processed }, 'processed Slack events acknowledged before a crash or a failed attempt');
    return processed;
  }

  /** No more events are taken over by `sweep` (shutdown); the ones it is processing finish. */
  stop(): void {
    this.stopped = true;
  }

  /** Waits for the writes already asked for (at shutdown). */
  async flush(): Promise<void> {
    while (this.writing || this.keeping.length > 0) await (this.writing ?? this.writeKept());
    await this.forgetProcessed();
  }

  private async writeKept(): Promise<void> {
    const batch = this.keeping.splice(0, MAX_WRITE);
    if (batch.length === 0) return;
    try {
      // One transaction for the batch: the events of a burst commit together, and on their own (never
      // inside another's open transaction: see store/serialised-sqlite.ts), before Slack is answered.
      await this.options.store.transaction((tx) => tx.inbox.keep(batch.map((pending) => pending.record)));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  private async forgetProcessed(): Promise<void> {
    this.scheduled.forget = false;
    while (this.forgetting.length > 0) {
      const ids = this.forgetting.splice(0, MAX_WRITE);
      try {
        await this.options.store.direct.inbox.forget(ids);
      } catch (error) {
        if (isDatabaseLocked(error) && !this.stopped) {
          // Another process holds the database: deleted once it lets go, not replayed after their claims.
          this.forgetting.unshift(...ids);
          if (!this.scheduled.forget) {
            this.scheduled.forget = true;
            setTimeout(() => void this.forgetProcessed(), RELEASE_AGAIN_AFTER_MS).unref();
          }
          return;
        }
        this.options.logger.warn({ err: error, events: ids.length }, 'could not delete processed Slack events from the inbox; they will be replayed and deduplicated');
      }
    }
  }

  /** An event tried too often (or whose body is not an envelope) goes to the quarantine, with the reason. */
  private async quarantine(event: InboundEventRecord, body: Record<string, unknown> | null): Promise<void> {
    const reason = body ? 'processing_failed' : 'invalid_body';
    const entry = slackQuarantineEntry(body, { at: this.now(), eventId: event.eventId, reason, error: event.lastError ?? `not processed after ${event.attempts} attempts`, payload: event.body });
    await this.options.store.transaction(async (tx) => {
      await tx.quarantine.add(entry);
      await tx.inbox.forget([event.id]);
    });
    this.options.logger.warn({ eventId: event.eventId, attempts: event.attempts, reason }, 'a Slack event that could not be processed went to the quarantine');
  }
}

function parseEnvelope(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A Slack event's quarantine row: its team and channel when the envelope names them, the raw payload. */
function slackQuarantineEntry(
  body: Record<string, unknown> | null,
  found: { at: number; eventId: string | null; reason: string; error: string; payload: string },
): QuarantineEntry {
  const inner = body && typeof body['event'] === 'object' && body['event'] !== null ? (body['event'] as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? storableText(value, 255) : null);
  return {
    at: found.at,
    source: 'slack',
    workspaceId: text(body?.['team_id']),
    channelId: text(inner['channel']),
    // An id Slack never sends (a NUL byte: PostgreSQL refuses the whole row) is kept cleaned.
    eventId: found.eventId === null ? null : storableText(found.eventId, 255),
    reason: found.reason,
    error: storableText(found.error),
    payload: storableText(found.payload, 100_000),
  };
}
