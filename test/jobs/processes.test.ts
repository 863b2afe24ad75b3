// Faults played against the real `firebreak start` in child processes, with the loopback Slack:
// two PostgreSQL instances and a killed leader, SIGKILL while posting.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_METADATA_EVENT_TYPE } from '../../src/slack/outbox/index.js';
import { enqueueSlackWrite } from '../../src/store/repositories/outbox.js';
import { availableProviders } from '../support/databases.js';
import { startAnswerLosingProxy } from '../support/answer-losing-proxy.js';
import { startSeededFakeSlack, type SeededFakeSlack } from '../support/fake-slack.js';
import { instanceEnvironment, instanceStarter, leadership } from '../support/instances.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const start = instanceStarter();

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(availableProviders.includes('postgres'))('several instances on PostgreSQL', () => {
  let database: MigratedDatabase;
  let fake: SeededFakeSlack;
  beforeAll(async () => {
    database = await openMigratedDatabase('postgres');
    fake = await startSeededFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
    await database.dispose();
  });

  it('two instances started at the same second: one leader; SIGKILL it and the other leads within 30 s', async () => {
    const [a, b] = await Promise.all([start(instanceEnvironment(database, fake)), start(instanceEnvironment(database, fake))]);
    const states = await waitFor(
      () => Promise.all([leadership(a!), leadership(b!)]),
      (both) => both.filter((state) => state?.leader).length === 1,
      15_000,
    );
    expect(states.map((state) => state?.mode)).toEqual(['advisory-lock', 'advisory-lock']);
    const [leader, follower] = states[0]?.leader ? [a!, b!] : [b!, a!];
    const killedAt = performance.now();
    await leader.stop('SIGKILL');
    await waitFor(() => leadership(follower), (state) => state?.leader === true, 30_000);
    const failoverMs = performance.now() - killedAt;
    console.info(`failover after SIGKILL of the leader process: ${Math.round(failoverMs)} ms`);
    expect(failoverMs).toBeLessThan(30_000);
  });
});

describe.runIf(availableProviders.includes('postgres'))('PostgreSQL drops every connection under a running instance', () => {
  let database: MigratedDatabase;
  let fake: SeededFakeSlack;
  beforeAll(async () => {
    database = await openMigratedDatabase('postgres');
    fake = await startSeededFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
    await database.dispose();
  });

  it('the instance stays up, reconnects, leads again and keeps sending', async () => {
    const instance = await start(instanceEnvironment(database, fake));
    await waitFor(() => leadership(instance), (state) => state?.leader === true, 15_000);
    // What a database restart looks like from the app: every session of its database ends at once.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    await admin.end();

    await waitFor(async () => instance.logs(), (logs) => logs.includes('lost leadership'), 10_000);
    await waitFor(() => fetch(`${instance.url}/healthz`).then((response) => response.status), (status) => status === 200, 15_000);
    await waitFor(async () => instance.logs().split('elected leader').length - 1, (elections) => elections === 2, 30_000);
    await database.prisma.$transaction((tx) =>
      enqueueSlackWrite(tx, { key: 'after-restart', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'Still here.' } }),
    );
    await waitFor(() => database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'after-restart' } }).then((row) => row.status), (status) => status === 'sent', 15_000);
    expect(instance.child.exitCode).toBeNull();
    expect(instance.logs()).not.toMatch(/"level":60/);
  }, 60_000);
});

describe.each(availableProviders)('SIGKILL while posting (%s)', (provider) => {
  let database: MigratedDatabase;
  let fake: SeededFakeSlack;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
    fake = await startSeededFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
    await database.dispose();
  });

  it('the reply that reached Slack before the kill is adopted after the restart, never posted twice; the rest go out', async () => {
    const proxy = await startAnswerLosingProxy(fake.origin, 'hold');
    try {
      const first = await start(instanceEnvironment(database, fake, { SLACK_API_URL: `${proxy.origin}/api/` }));
      await database.prisma.$transaction(async (tx) => {
        await enqueueSlackWrite(tx, { key: 'draft:1:r1:public', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'We are looking into it.' } });
        await enqueueSlackWrite(tx, { key: 'draft:2:r1:public', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'Fixed, thank you for your patience.' } });
      });
      // The first post reaches Slack; its answer is held until the process is killed.
      await proxy.lost;
      await first.stop('SIGKILL');
      expect(await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'draft:1:r1:public' } })).toMatchObject({ status: 'sending', result: null });

      // The killed instance ran on this machine: its claim is taken over without waiting out the lease,
      // once Slack has had OUTBOX_UNANSWERED_WAIT_SECONDS to finish the post it was doing (2 s here).
      await start(instanceEnvironment(database, fake, { OUTBOX_UNANSWERED_WAIT_SECONDS: '2' }));
      await waitFor(() => database.prisma.outboxItem.count({ where: { status: 'sent' } }), (sent) => sent === 2, 20_000);
      const posted = fake.workspace.messagesIn(fake.ids.community).filter((message) => (message.metadata as { event_type?: string } | undefined)?.event_type === OUTBOX_METADATA_EVENT_TYPE);
      expect(posted.map((message) => message.text)).toEqual(['We are looking into it.', 'Fixed, thank you for your patience.']);
      expect(await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'draft:1:r1:public' } })).toMatchObject({ uncertain: true, result: { adopted: true } });
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
