// The scheduler: every job is a Reminder row; node-schedule only holds timers for the ones due soon.
// At start-up (and every few seconds, for reminders other instances wrote) pending reminders are
// read back; those whose time passed fire at once, marked late. Firing is a claim in the same
// transaction as the handler's writes, so a reminder fires once across restarts, clock jumps and
// failover. Recurring schedules (weekly digest, daily retention) keep their next occurrence as a
// reminder and schedule the one after when it fires.
import schedule from 'node-schedule';
import type { Clock } from '../domain/clock.js';
import { isDatabaseLocked } from '../errors.js';
import type { JobMetrics } from './job-metrics.js';
import type { Logger } from '../logger.js';
import type { DueReminder, NewReminder, Repositories, Store } from '../app/ports/index.js';

export interface ReminderFiring {
  key: string;
  kind: string;
  payload: Record<string, unknown>;
  incidentId: string | null;
  dueAt: Date;
  /** When it fired, by the scheduler's clock. */
  firedAt: Date;
  /** It fired more than `lateAfterMs` after its time (the app was down, or a failover happened). */
  late: boolean;
  /** A scoped recurring job's scope (e.g. the Slack team whose digest this is). */
  scope?: string;
}

/**
 * Runs in the transaction that marks the reminder fired: write its effects (outbox items, new
 * reminders) with `tx`. Throwing rolls everything back; the reminder is retried with backoff.
 * A recurring job may return the payload its next occurrence carries. `prepared`: what the kind's
 * ReminderPreparation answered, before the transaction.
 */
export type ReminderHandler<P = undefined> = (tx: Repositories, firing: ReminderFiring, prepared?: P) => Promise<void | { nextPayload?: Record<string, unknown> }>;

/**
 * Runs right before a firing's transaction, never in it: what its handler needs from Slack (user
 * groups, a channel name), since an open transaction holds SQLite's one writer and PostgreSQL's row
 * locks. A rejection counts as the handler's (the reminder is retried with backoff).
 */
export type ReminderPreparation<P> = (firing: ReminderFiring) => Promise<P>;

/** A registered kind: its preparation (outside the transaction), then its handler's work in `tx`. */
type FiringSteps = (firing: ReminderFiring) => Promise<(tx: Repositories) => ReturnType<ReminderHandler>>;

/** A wall-clock time in the team's time zone: every day, or on the given weekdays (0 = Sunday). */
export interface Recurrence {
  dayOfWeek?: number | number[];
  hour: number;
  minute: number;
}

/** One schedule of a scoped recurring job: its id and the time zone its wall-clock times are read in. */
export interface RecurringScope {
  id: string;
  timeZone: string;
}

export interface RecurringJob {
  kind: string;
  every: Recurrence;
  handler: ReminderHandler;
  /** Payload of the first occurrence. */
  payload?: Record<string, unknown>;
  /**
   * One schedule per scope (each installed workspace, in its own time zone), keyed
   * `recurring:<kind>@<scope>:<time>` so two scopes never share a firing. Read again at every refresh,
   * so a scope added later gets its schedule; a firing whose scope is gone runs nothing and is not renewed.
   */
  scopes?: () => Promise<RecurringScope[]>;
}

export interface SchedulerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics?: JobMetrics;
  /** IANA zone recurring schedules are read in (TEAM_TIMEZONE). */
  timeZone: string;
  /** How often pending reminders are read back (those written by other instances). Default 5 s. */
  refreshMs?: number;
  /** Reminders due within this window get an in-memory timer. Default 2 min. */
  horizonMs?: number;
  /** Fired later than this after its time counts as late. Default 1 min. */
  lateAfterMs?: number;
  /** A failing handler is retried with backoff, then given up. */
  retry?: { baseMs: number; maxMs: number; maxAttempts: number };
  /** Called after each successful firing (e.g. to wake the outbox worker). */
  onFired?: (firing: ReminderFiring) => void;
}

export interface Scheduler {
  register(kind: string, handler: ReminderHandler): void;
  register<P>(kind: string, handler: ReminderHandler<P>, prepare: ReminderPreparation<P>): void;
  registerRecurring(job: RecurringJob): void;
  /** Rehydrates: ensures each recurring job has its next occurrence, fires what is overdue, arms timers. */
  start(): Promise<void>;
  /** Disarms every timer and waits for the firing in progress. Reminders stay in the database. */
  stop(): Promise<void>;
  /** Fires every reminder due by the clock now; returns how many fired. */
  runDue(): Promise<number>;
  /** Reads reminders back at once (after a transaction that scheduled one). */
  wake(): void;
  readonly running: boolean;
}

/** Schedules a reminder inside the caller's transaction; a key that exists is left as it is. */
export function scheduleJob(tx: Pick<Repositories, 'reminders'>, reminder: NewReminder): Promise<boolean> {
  return tx.reminders.schedule(reminder);
}

/** Cancels a pending reminder by key, or all whose key starts with `{ prefix }`. */
export function cancelJob(tx: Pick<Repositories, 'reminders'>, which: string | { prefix: string }): Promise<number> {
  return tx.reminders.cancel(which);
}

export const RECURRING_KEY_PREFIX = 'recurring:';

/** The first occurrence of `every` strictly after `after`, in `timeZone`. */
export function nextOccurrence(every: Recurrence, timeZone: string, after: number): Date {
  const rule = new schedule.RecurrenceRule();
  if (every.dayOfWeek !== undefined) rule.dayOfWeek = every.dayOfWeek;
  rule.hour = every.hour;
  rule.minute = every.minute;
  rule.second = 0;
  rule.tz = timeZone;
  const next = rule.nextInvocationDate(new Date(after)) as Date | null;
  if (!next) throw new RangeError(`The recurrence ${JSON.stringify(every)} never occurs.`);
  return new Date(next.getTime());
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, clock, metrics } = options;
  const reminderQueue = store.direct.reminderQueue;
  const log = options.logger.child({ component: 'scheduler' });
  const refreshMs = options.refreshMs ?? 5_000;
  const horizonMs = options.horizonMs ?? 120_000;
  const lateAfterMs = options.lateAfterMs ?? 60_000;
  const retry = options.retry ?? { baseMs: 5_000, maxMs: 600_000, maxAttempts: 10 };
  const handlers = new Map<string, FiringSteps>();
  const recurring = new Map<string, RecurringJob>();
  const timers = new Map<string, schedule.Job>();
  let running = false;
  let refreshTimer: NodeJS.Timeout | undefined;
  // Firings run one after another: handlers are short transactions, and SQLite has one writer.
  let queue: Promise<unknown> = Promise.resolve();

  function recurringPrefix(kind: string, scope?: RecurringScope): string {
    return `${RECURRING_KEY_PREFIX}${kind}${scope ? `@${scope.id}` : ''}:`;
  }

  async function scheduleNextOccurrence(tx: Pick<Repositories, 'reminders'>, job: RecurringJob, after: number, payload: Record<string, unknown> | undefined, scope?: RecurringScope): Promise<void> {
    const dueAt = nextOccurrence(job.every, scope?.timeZone ?? options.timeZone, after);
    const carried = { ...(payload ?? job.payload ?? {}), ...(scope ? { scope: scope.id } : {}) };
    await tx.reminders.schedule({ key: `${recurringPrefix(job.kind, scope)}${dueAt.toISOString()}`, kind: job.kind, dueAt: dueAt.getTime(), payload: carried });
  }

  async function ensureRecurring(which: 'all' | 'scoped' = 'all'): Promise<void> {
    for (const job of recurring.values()) {
      if (job.scopes) {
        for (const scope of await job.scopes()) {
          const prefix = recurringPrefix(job.kind, scope);
          const dueAt = await reminderQueue.pendingDueAtWithPrefix(prefix);
          const now = clock.now();
          if (dueAt !== null) {
            // Overdue: it fires first, and renews itself in the scope's zone. Or already at the right time.
            if (dueAt <= now || dueAt === nextOccurrence(job.every, scope.timeZone, now).getTime()) continue;
            // The workspace chose another time zone: its schedule moves to it.
            await store.direct.reminders.cancel({ prefix });
          }
          await scheduleNextOccurrence(store.direct, job, now, undefined, scope);
        }
        continue;
      }
      if (which === 'scoped' || (await reminderQueue.hasPendingWithPrefix(recurringPrefix(job.kind)))) continue;
      // Two instances racing compute the same next occurrence, hence the same key: one row.
      await scheduleNextOccurrence(store.direct, job, clock.now(), undefined);
    }
  }

  /** A scoped job's firing: its scope as it is now; null when the scope is gone (or the firing has none). */
  async function scopeOf(job: RecurringJob | undefined, payload: Record<string, unknown>): Promise<RecurringScope | null | undefined> {
    if (!job?.scopes) return undefined;
    const id = payload['scope'];
    if (typeof id !== 'string') return null;
    return (await job.scopes()).find((scope) => scope.id === id) ?? null;
  }

  async function fire(reminder: DueReminder): Promise<boolean> {
    const steps = handlers.get(reminder.kind);
    if (!steps) return false;
    const now = clock.now();
    const firing: ReminderFiring = {
      key: reminder.key,
      kind: reminder.kind,
      payload: reminder.payload,
      incidentId: reminder.incidentId,
      dueAt: new Date(reminder.dueAt),
      firedAt: new Date(now),
      late: now - reminder.dueAt > lateAfterMs,
    };
    const job = recurring.get(reminder.kind);
    let scope: RecurringScope | null | undefined;
    try {
      scope = await scopeOf(job, reminder.payload);
      if (scope) firing.scope = scope.id;
      const handler = await steps(firing);
      const fired = await store.transaction(
        async (tx) => {
          if (!(await tx.reminderQueue.claim(reminder, { now, late: firing.late }))) return false;
          // Its scope is gone (the workspace uninstalled): nothing is run and nothing renewed.
          if (scope === null) return true;
          const outcome = await handler(tx);
          // The next occurrence after now, not after the missed one: a digest missed for three weeks is sent once.
          if (job) await scheduleNextOccurrence(tx, job, Math.max(now, reminder.dueAt), outcome?.nextPayload ?? firing.payload, scope);
          return true;
        },
        { timeoutMs: 30_000 },
      );
      if (!fired) return false;
      metrics?.remindersFired.inc({ kind: reminder.kind, late: String(firing.late) });
      log.info({ key: reminder.key, kind: reminder.kind, late: firing.late, dueAt: new Date(reminder.dueAt).toISOString() }, firing.late ? 'reminder fired late' : 'reminder fired');
      options.onFired?.(firing);
      return true;
    } catch (error) {
      if (isDatabaseLocked(error)) {
        // Another process held the database past the store's wait: nothing was written and the reminder is
        // not at fault, so it stays due, uncounted, and fires at the next look.
        log.warn({ key: reminder.key, kind: reminder.kind }, 'reminder not fired: the database is locked by another process; it stays due');
        return false;
      }
      const attempts = reminder.attempts + 1;
      const giveUp = attempts >= retry.maxAttempts;
      const retryAt = now + Math.min(retry.maxMs, retry.baseMs * 2 ** (attempts - 1));
      log.error({ err: error, key: reminder.key, kind: reminder.kind, attempts, giveUp }, giveUp ? 'reminder handler failed; giving up' : 'reminder handler failed; will retry');
      await reminderQueue.recordFailure(reminder, { error: error instanceof Error ? error.message : String(error), retryAt, giveUp }).catch(() => undefined);
      if (giveUp && job && (!job.scopes || scope)) await scheduleNextOccurrence(store.direct, job, now, firing.payload, scope ?? undefined).catch(() => undefined);
      return false;
    }
  }

  function enqueueFiring<T>(task: () => Promise<T>): Promise<T> {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  }

  async function runDue(): Promise<number> {
    return enqueueFiring(async () => {
      let fired = 0;
      const due = await reminderQueue.pendingDueBy(clock.now(), clock.now(), [...handlers.keys()]);
      for (const reminder of due) if (await fire(reminder)) fired += 1;
      return fired;
    });
  }

  /** Fires what is due (by the clock) and arms node-schedule timers for what is due soon. */
  async function refresh(): Promise<void> {
    // Scopes come and go (installs): each gets its schedule within one refresh.
    await ensureRecurring('scoped');
    await runDue();
    if (!running) return;
    const now = clock.now();
    const upcoming = await reminderQueue.pendingDueBy(now + horizonMs, now, [...handlers.keys()]);
    for (const reminder of upcoming) {
      if (timers.has(reminder.id) || reminder.dueAt <= now) continue;
      const job = schedule.scheduleJob(new Date(reminder.dueAt), () => {
        timers.delete(reminder.id);
        void enqueueFiring(() => fire(reminder)).catch((error: unknown) => log.error({ err: error }, 'reminder firing failed'));
      });
      // null: node-schedule thinks the date passed (the clock disagrees with it); the next refresh fires it.
      if (job) timers.set(reminder.id, job);
    }
  }

  function refreshSafely(): void {
    refresh().catch((error: unknown) => log.error({ err: error }, 'reading reminders failed (database unreachable?); retrying'));
  }

  return {
    register<P>(kind: string, handler: ReminderHandler<P>, prepare?: ReminderPreparation<P>) {
      handlers.set(kind, async (firing) => {
        const prepared = prepare ? await prepare(firing) : undefined;
        return (tx) => handler(tx, firing, prepared);
      });
    },
    registerRecurring(job) {
      recurring.set(job.kind, job);
      handlers.set(job.kind, async (firing) => (tx) => job.handler(tx, firing));
    },
    async start() {
      if (running) return;
      running = true;
      const kinds = await reminderQueue.pendingCountsExcept([...handlers.keys()]);
      if (Object.keys(kinds).length) {
        log.warn({ kinds }, 'pending reminders of kinds this version has no handler for: they wait for one that does');
      }
      await ensureRecurring();
      await refresh();
      refreshTimer = setInterval(refreshSafely, refreshMs);
      refreshTimer.unref();
      log.info({ recurring: [...recurring.keys()], timeZone: options.timeZone }, 'scheduler started');
    },
    async stop() {
      running = false;
      if (refreshTimer) clearInterval(refreshTimer);
      for (const job of timers.values()) job.cancel();
      timers.clear();
      await queue;
    },
    runDue,
    wake() {
      if (running) refreshSafely();
    },
    get running() {
      return running;
    },
  };
}
