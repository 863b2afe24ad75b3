import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireSqliteInstanceGuard, SQLITE_INSTANCE_LEASE } from '../../src/jobs/instance-guard.js';
import { startPostgresLeadership, startSingleInstanceLeadership, type Leadership } from '../../src/jobs/leadership.js';
import { availableProviders } from '../support/databases.js';
import { createStore } from '../../src/store/store.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A leadership candidate that records its transitions and lets a test await them. */
function candidate(url: string, name: string, options: { retryMs?: number; checkMs?: number } = {}) {
  const events: string[] = [];
  const waiters: { event: string; resolve: () => void }[] = [];
  const record = (event: string) => {
    events.push(event);
    for (const waiter of waiters.filter((w) => w.event === event)) waiter.resolve();
  };
  const leadership = startPostgresLeadership({
    url,
    logger,
    instanceId: name,
    ...options,
    onElected: () => record('elected'),
    onDemoted: () => record('demoted'),
  });
  return {
    leadership,
    events,
    /** Resolves when `event` has happened `count` times in all. */
    when: (event: string, count = 1) =>
      new Promise<void>((resolve) => {
        const check = () => events.filter((e) => e === event).length >= count && resolve();
        waiters.push({ event, resolve: check });
        check();
      }),
  };
}

async function leaderBackendPids(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

async function terminate(url: string, pids: number[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const pid of pids) await client.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await client.end();
  }
}

describe.runIf(availableProviders.includes('postgres'))('leadership on PostgreSQL (advisory lock)', () => {
  let database: MigratedDatabase;
  const started: Leadership[] = [];
  beforeAll(async () => {
    database = await openMigratedDatabase('postgres');
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((leadership) => leadership.stop()));
  });
  afterAll(() => database.dispose());

  it('two instances started at the same moment: exactly one leads', async () => {
    const a = candidate(database.url, 'a', { retryMs: 200 });
    const b = candidate(database.url, 'b', { retryMs: 200 });
    started.push(a.leadership, b.leadership);
    await Promise.race([a.when('elected'), b.when('elected')]);
    // Several retry rounds later, still one leader.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([a.leadership.isLeader, b.leadership.isLeader].filter(Boolean)).toHaveLength(1);
    expect([...a.events, ...b.events]).toEqual(['elected']);
    expect(await leaderBackendPids(database.url)).toHaveLength(1);
  });

  it('the leader’s connection is killed: it steps down and the follower takes over within 30 s (default timings)', async () => {
    const a = candidate(database.url, 'a');
    await a.when('elected');
    const b = candidate(database.url, 'b');
    started.push(a.leadership, b.leadership);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(b.leadership.isLeader).toBe(false);

    const killedAt = performance.now();
    await terminate(database.url, await leaderBackendPids(database.url));
    await Promise.all([a.when('demoted'), b.when('elected')]);
    const takeoverMs = performance.now() - killedAt;
    console.info(`leader failover after a killed connection: ${Math.round(takeoverMs)} ms`);
    expect(takeoverMs).toBeLessThan(30_000);
    expect(a.leadership.isLeader).toBe(false);
    expect(b.leadership.status()).toMatchObject({ mode: 'advisory-lock', leader: true, instanceId: 'b' });
  });

  it('every connection dropped (a database restart): they reconnect and one leads again, without crashing', async () => {
    const a = candidate(database.url, 'a', { retryMs: 300, checkMs: 200 });
    const b = candidate(database.url, 'b', { retryMs: 300, checkMs: 200 });
    started.push(a.leadership, b.leadership);
    await Promise.race([a.when('elected'), b.when('elected')]);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // The follower may still be connecting when the leader is elected.
    let rows: { pid: number }[] = [];
    for (let attempt = 0; attempt < 100 && rows.length < 2; attempt += 1) {
      ({ rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'firebreak-leader' AND datname = current_database()`));
      if (rows.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.end();
    expect(rows).toHaveLength(2);
    const electionsBefore = [...a.events, ...b.events].filter((e) => e === 'elected').length;
    await terminate(database.url, rows.map((row) => row.pid));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const elections = [...a.events, ...b.events].filter((e) => e === 'elected').length;
        if (elections > electionsBefore) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    expect([a.leadership.isLeader, b.leadership.isLeader].filter(Boolean)).toHaveLength(1);
  });

  it('a leader that stops releases the lock at once', async () => {
    const a = candidate(database.url, 'a');
    await a.when('elected');
    const b = candidate(database.url, 'b', { retryMs: 100 });
    started.push(b.leadership);
    await a.leadership.stop();
    expect(a.events).toEqual(['elected', 'demoted']);
    await b.when('elected');
  });
});

describe('SQLite single-instance guard', () => {
  let database: MigratedDatabase;
  let sleeper: ChildProcess | undefined;
  beforeAll(async () => {
    database = await openMigratedDatabase('sqlite');
  });
  afterEach(async () => {
    sleeper?.kill('SIGKILL');
    sleeper = undefined;
    await database.prisma.lease.deleteMany();
  });
  afterAll(() => database.dispose());

  const guard = (options: { ttlMs?: number; heartbeatMs?: number } = {}) => acquireSqliteInstanceGuard({ leases: createStore(database.prisma).direct.leases, databaseFile: '/data/firebreak.db', logger, ...options });

  it('refuses a second instance while the first one’s process is alive, and takes over once it is gone', async () => {
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const otherHolder = `${hostname()}:${sleeper.pid}:a1b2c3d4`;
    await database.prisma.lease.create({ data: { name: SQLITE_INSTANCE_LEASE, holder: otherHolder, expiresAt: new Date(Date.now() + 15_000) } });
    await expect(guard()).rejects.toMatchObject({
      code: 'conflict',
      message: `Another Firebreak instance (process ${sleeper.pid} on ${hostname()}) is running on the SQLite database /data/firebreak.db. SQLite mode runs a single instance: stop the other one, or use PostgreSQL (DATABASE_URL=postgres://…) to run several.`,
    });
    const exited = new Promise((resolve) => sleeper!.once('exit', resolve));
    sleeper.kill('SIGKILL');
    await exited;
    // Killed a moment ago, its lease not yet expired: a restart is not refused.
    const mine = await guard();
    expect((await database.prisma.lease.findUniqueOrThrow({ where: { name: SQLITE_INSTANCE_LEASE } })).holder).toBe(mine.holder);
    await mine.release();
    expect(await database.prisma.lease.count()).toBe(0);
  });

  it('a holder on another machine: refused while it renews its lease, taken over once it stops', async () => {
    const expiresAt = () => new Date(Date.now() + 2_000);
    await database.prisma.lease.create({ data: { name: SQLITE_INSTANCE_LEASE, holder: 'other-host:4242:deadbeef', expiresAt: expiresAt() } });
    // Prisma queries run only once awaited or then-ed.
    const renewing = setInterval(() => void database.prisma.lease.updateMany({ where: { holder: 'other-host:4242:deadbeef' }, data: { expiresAt: expiresAt() } }).then(() => undefined), 200);
    await expect(guard()).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('process 4242 on other-host') });
    clearInterval(renewing);
    const mine = await guard();
    expect(mine.holder.startsWith(`${hostname()}:${process.pid}:`)).toBe(true);
    await mine.release();
  });

  it('within one process the guard is shared: start-up takes it, the runtime gets the same, the last release frees it', async () => {
    const early = await guard();
    const runtime = await guard();
    expect(runtime.holder).toBe(early.holder);
    await runtime.release();
    expect((await database.prisma.lease.findUniqueOrThrow({ where: { name: SQLITE_INSTANCE_LEASE } })).holder).toBe(early.holder);
    await early.release();
    expect(await database.prisma.lease.count()).toBe(0);
  });

  it('the single instance leads from the start and steps down on stop', async () => {
    const events: string[] = [];
    const leadership = await startSingleInstanceLeadership(await guard(), { onElected: () => void events.push('elected'), onDemoted: () => void events.push('demoted') });
    expect(leadership.status()).toMatchObject({ mode: 'single-instance', leader: true });
    await leadership.stop();
    expect(events).toEqual(['elected', 'demoted']);
    expect(leadership.isLeader).toBe(false);
  });
});
