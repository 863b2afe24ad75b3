import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/domain/clock.js';
import { cancelJob, createScheduler, nextOccurrence, scheduleJob, type ReminderFiring, type ReminderHandler } from '../../src/jobs/scheduler.js';
import { createStore } from '../../src/store/store.js';
import { availableProviders } from '../support/databases.js';
import { holdWriteLock } from '../store/sqlite-lock-holder.js';
import { countingOpenTransactions } from '../support/open-transactions.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const logger = pino({ level: 'silent' });
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 18, 10, 0, 0); // a Wednesday

describe('nextOccurrence', () => {
  it('reads the recurrence in the team’s time zone, across daylight-saving changes', () => {
    const weeklyMonday9 = { dayOfWeek: 1, hour: 9, minute: 0 };
    expect(nextOccurrence(weeklyMonday9, 'Europe/Madrid', T0).toISOString()).toBe('2026-11-23T08:00:00.000Z');
    const beforeSpring = nextOccurrence(weeklyMonday9, 'Europe/Madrid', Date.UTC(2026, 2, 20));
    expect(beforeSpring.toISOString()).toBe('2026-03-23T08:00:00.000Z');
    expect(nextOccurrence(weeklyMonday9, 'Europe/Madrid', beforeSpring.getTime()).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextOccurrence({ hour: 3, minute: 30 }, 'America/New_York', Date.UTC(2026, 10, 1, 5)).toISOString()).toBe('2026-11-01T08:30:00.000Z');
  });
});

describe.each(availableProviders)('scheduler on %s', (provider) => {
  let database: MigratedDatabase;
  let clock: ManualClock;
  let fired: ReminderFiring[];

  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(() => database.dispose());
  beforeEach(async () => {
    await database.prisma.reminder.deleteMany();
    await database.prisma.outboxItem.deleteMany();
    clock = new ManualClock(T0);
    fired = [];
  });

  /** The kind of handler the app registers: its effects are outbox items, written in the firing's transaction. */
  const remindHandler: ReminderHandler = async (tx, firing) => {
    fired.push(firing);
    await tx.outbox.enqueue({ key: `${firing.key}:message`, method: 'chat.postMessage', payload: { channel: 'C0STAFF', text: `Reminder ${firing.key}` }, now: firing.firedAt.getTime() });
  };

  function scheduler(options: { prisma?: MigratedDatabase['prisma']; handler?: ReminderHandler } = {}) {
    const created = createScheduler({ store: createStore(options.prisma ?? database.prisma), clock, logger, timeZone: 'Europe/Madrid', retry: { baseMs: 1_000, maxMs: 60_000, maxAttempts: 3 } });
    created.register('escalation', options.handler ?? remindHandler);
    return created;
  }
  const schedule = (key: string, dueAt: number, payload: Record<string, unknown> = {}) =>
    createStore(database.prisma).transaction((tx) => scheduleJob(tx, { key, kind: 'escalation', dueAt, payload, incidentId: 'inc-1' }));

  it('schedules once per key; cancels by key or by prefix', async () => {
    expect(await schedule('incident:1:escalate:1', T0 + 5 * MINUTE)).toBe(true);
    expect(await schedule('incident:1:escalate:1', T0 + 50 * MINUTE)).toBe(false);
    await schedule('incident:1:escalate:2', T0 + 10 * MINUTE);
    await schedule('incident:2:escalate:1', T0 + 10 * MINUTE);
    expect(await createStore(database.prisma).transaction((tx) => cancelJob(tx, 'incident:2:escalate:1'))).toBe(1);
    expect(await createStore(database.prisma).transaction((tx) => cancelJob(tx, { prefix: 'incident:1:' }))).toBe(2);
    clock.advance(60 * MINUTE);
    expect(await scheduler().runDue()).toBe(0);
    expect((await database.prisma.reminder.findMany()).map((row) => row.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('a reminder whose time passed while the app was down fires once at start-up, marked late, with its writes', async () => {
    await schedule('incident:1:escalate:1', T0 + 5 * MINUTE, { level: 1 });
    // Down from T0 to T0 + 1 h.
    clock.set(T0 + 60 * MINUTE);
    const restarted = scheduler();
    await restarted.start();
    await restarted.stop();
    expect(fired).toMatchObject([{ key: 'incident:1:escalate:1', late: true, payload: { level: 1 }, incidentId: 'inc-1' }]);
    expect(await database.prisma.reminder.findUniqueOrThrow({ where: { key: 'incident:1:escalate:1' } })).toMatchObject({
      status: 'fired',
      late: true,
      firedAt: new Date(T0 + 60 * MINUTE),
    });
    expect(await database.prisma.outboxItem.count({ where: { key: 'incident:1:escalate:1:message' } })).toBe(1);
    // Restarted again: nothing fires twice.
    const again = scheduler();
    await again.start();
    await again.stop();
    expect(fired).toHaveLength(1);
  });

  it('reminders of kinds without a handler wait, and never crowd out those that have one', async () => {
    await database.prisma.reminder.createMany({
      data: Array.from({ length: 250 }, (_, index) => ({ key: `from-a-newer-version-${index}`, kind: 'postmortem.nudge.v2', dueAt: new Date(T0 - 60 * MINUTE), payload: {} })),
    });
    await schedule('known', T0);
    expect(await scheduler().runDue()).toBe(1);
    expect(fired.map((firing) => firing.key)).toEqual(['known']);
    expect(await database.prisma.reminder.count({ where: { kind: 'postmortem.nudge.v2', status: 'pending' } })).toBe(250);
  });

  it('on time is not late', async () => {
    await schedule('on-time', T0 + 5 * MINUTE);
    clock.advance(5 * MINUTE + 30_000);
    expect(await scheduler().runDue()).toBe(1);
    expect(fired).toMatchObject([{ key: 'on-time', late: false }]);
  });

  it('clock jumps: forward fires once, back does not fire again nor early', async () => {
    await schedule('soon', T0 + 5 * MINUTE);
    await schedule('later', T0 + 20 * MINUTE);
    const running = scheduler();
    clock.set(T0 + 10 * MINUTE);
    expect(await running.runDue()).toBe(1);
    clock.set(T0);
    expect(await running.runDue()).toBe(0);
    clock.set(T0 + 10 * MINUTE);
    expect(await running.runDue()).toBe(0);
    clock.set(T0 + 19 * MINUTE);
    expect(await running.runDue()).toBe(0);
    clock.set(T0 + 20 * MINUTE);
    expect(await running.runDue()).toBe(1);
    expect(fired.map((firing) => firing.key)).toEqual(['soon', 'later']);
  });

  it('a kind’s preparation runs before its transaction, never in it, and hands its answer to the handler; a failed one is retried', async () => {
    await schedule('prepared', T0);
    const store = createStore(database.prisma);
    const { store: counted, open: openNow } = countingOpenTransactions(store);
    const running = createScheduler({ store: counted, clock, logger, timeZone: 'Europe/Madrid', retry: { baseMs: 1_000, maxMs: 60_000, maxAttempts: 3 } });
    const openWhilePreparing: number[] = [];
    const handed: (string | undefined)[] = [];
    running.register<string>(
      'escalation',
      async (tx, firing, prepared) => {
        handed.push(prepared);
        await remindHandler(tx, firing);
      },
      // Stands for a look-up in Slack (user groups): it fails once, as a Slack that did not answer.
      async (firing) => {
        openWhilePreparing.push(openNow());
        if (openWhilePreparing.length === 1) throw new Error('Slack did not list the user groups');
        return `asked for ${firing.key}`;
      },
    );
    expect(await running.runDue()).toBe(0);
    expect(await database.prisma.reminder.findUniqueOrThrow({ where: { key: 'prepared' } })).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Slack did not list the user groups' });
    clock.advance(1_000);
    expect(await running.runDue()).toBe(1);
    expect(openWhilePreparing).toEqual([0, 0]);
    expect(handed).toEqual(['asked for prepared']);
    expect(await database.prisma.outboxItem.count({ where: { key: 'prepared:message' } })).toBe(1);
  });

  it('a failing handler rolls back its writes and is retried with backoff, then gives up', async () => {
    await schedule('flaky', T0);
    let calls = 0;
    const flaky: ReminderHandler = async (tx, firing) => {
      calls += 1;
      await remindHandler(tx, firing);
      if (calls === 1) throw new Error('Slack workspace lookup failed');
    };
    const running = scheduler({ handler: flaky });
    expect(await running.runDue()).toBe(0);
    expect(await database.prisma.outboxItem.count()).toBe(0);
    expect(await database.prisma.reminder.findUniqueOrThrow({ where: { key: 'flaky' } })).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Slack workspace lookup failed' });
    clock.advance(999);
    expect(await running.runDue()).toBe(0);
    clock.advance(1);
    expect(await running.runDue()).toBe(1);
    expect(await database.prisma.outboxItem.count()).toBe(1);

    await schedule('broken', clock.now());
    const broken = scheduler({
      handler: async () => {
        throw new Error('always');
      },
    });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await broken.runDue();
      clock.advance(60_000);
    }
    expect(await database.prisma.reminder.findUniqueOrThrow({ where: { key: 'broken' } })).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it.skipIf(provider !== 'sqlite')(
    'a reminder that meets another process holding the database stays due, its attempts uncounted, and fires once the lock goes',
    async () => {
      await schedule('locked', T0);
      // Held past the store's 5 s wait, and released before the failure could be recorded: only the rule counts.
      const holder = await holdWriteLock(database.url.replace(/^file:/, ''), 6_000);
      const running = scheduler();
      expect(await running.runDue()).toBe(0);
      await holder.released;
      expect(await database.prisma.reminder.findUniqueOrThrow({ where: { key: 'locked' } })).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
      expect(await running.runDue()).toBe(1);
      expect(fired.map((firing) => firing.key)).toEqual(['locked']);
    },
    30_000,
  );

  it('two schedulers firing at once: each reminder fires exactly once', async () => {
    for (let index = 0; index < 20; index += 1) await schedule(`race-${index}`, T0 + index * 1_000);
    clock.advance(MINUTE);
    // PostgreSQL: two instances with their own connections. SQLite is single-instance: two schedulers share its client.
    const other = provider === 'postgres' ? await database.openAnother() : database;
    const counts = await Promise.all([scheduler().runDue(), scheduler({ prisma: other.prisma }).runDue()]);
    expect(counts[0] + counts[1]).toBe(20);
    expect(new Set(fired.map((firing) => firing.key)).size).toBe(20);
    expect(fired).toHaveLength(20);
    expect(await database.prisma.outboxItem.count()).toBe(20);
  });

  it('a recurring job keeps its next occurrence as a reminder; missed weeks fire once, then the schedule resumes', async () => {
    const digests: ReminderFiring[] = [];
    const make = () => {
      const created = scheduler();
      created.registerRecurring({ kind: 'digest.weekly', every: { dayOfWeek: 1, hour: 9, minute: 0 }, handler: async (_tx, firing) => void digests.push(firing) });
      return created;
    };
    const first = make();
    await first.start();
    await first.stop();
    const pending = () => database.prisma.reminder.findMany({ where: { kind: 'digest.weekly', status: 'pending' } });
    expect((await pending()).map((row) => row.key)).toEqual(['recurring:digest.weekly:2026-11-23T08:00:00.000Z']);
    // A second instance starting does not add another.
    const second = make();
    await second.start();
    await second.stop();
    expect(await pending()).toHaveLength(1);

    clock.set(Date.UTC(2026, 11, 10, 12, 0, 0)); // three weeks later, a Thursday
    const third = make();
    await third.start();
    await third.stop();
    expect(digests).toMatchObject([{ dueAt: new Date('2026-11-23T08:00:00.000Z'), late: true }]);
    expect((await pending()).map((row) => row.dueAt.toISOString())).toEqual(['2026-12-14T08:00:00.000Z']);
  });
});

describe('scheduler timers (node-schedule)', () => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await openMigratedDatabase('sqlite');
  });
  afterAll(() => database.dispose());

  it('fires a reminder at its time while running, and one scheduled after start once woken', async () => {
    const firings: string[] = [];
    let resolveSecond: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (resolveSecond = resolve));
    const scheduler = createScheduler({ store: createStore(database.prisma), clock: systemClock, logger, timeZone: 'UTC', refreshMs: 60_000 });
    scheduler.register('ping', async (_tx, firing) => {
      firings.push(firing.key);
      if (firing.key === 'ping-2') resolveSecond();
    });
    await scheduleJob(createStore(database.prisma).direct, { key: 'ping-1', kind: 'ping', dueAt: Date.now() + 200 });
    await scheduler.start();
    await scheduleJob(createStore(database.prisma).direct, { key: 'ping-2', kind: 'ping', dueAt: Date.now() + 300 });
    scheduler.wake();
    await second;
    await scheduler.stop();
    expect(firings).toEqual(['ping-1', 'ping-2']);
    expect(await database.prisma.reminder.count({ where: { status: 'fired', late: false } })).toBe(2);
  });
});
