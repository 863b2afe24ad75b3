// One bad message among thirty good ones, arriving together (one group commit): the thirty are
// stored, the bad one is cleaned or quarantined with its reason, on SQLite and PostgreSQL, through
// signed Slack events and through POST /ingest.
import { afterEach, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';

const INGEST_TOKEN = 'poison-batch-ingest-token-0123';
/** The support channel and the forum's "general" channel (posted to /ingest) are both watched. */
const PLAYBOOK = TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: [support, general]');

function ingest(harness: Harness, items: unknown[]) {
  return fetch(`${harness.app.url}/ingest`, { method: 'POST', headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(items) });
}

/** Thirty member messages of this second, with distinct ts. */
function thirtyValid(harness: Harness, base: number) {
  const seconds = Math.floor(base / 1000);
  return Array.from({ length: 30 }, (_, index) =>
    harness.event(messageEvent({ channel: harness.support, user: harness.people.members[index % harness.people.members.length] as string, text: `hello number ${index}`, ts: `${seconds}.${String(index + 1).padStart(6, '0')}` })),
  );
}

async function metricValue(harness: Harness, name: string, label: string): Promise<number> {
  const body = await (await fetch(`${harness.app.url}/metrics`)).text();
  const line = body.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && candidate.includes(label));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe.each(availableProviders)('poison batch (%s)', (provider) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('stores the 30 valid messages sent with a NUL-byte /ingest item and a signed event whose ts is "abc"', async () => {
    harness = await startHarness({ provider, playbook: PLAYBOOK, env: { INGEST_TOKEN } });
    const h = harness;
    const { prisma } = h.app.database;
    const base = Date.now() - 60_000;
    const [ingested, poisonEvent, ...events] = await Promise.all([
      ingest(h, [{ source: 'forum', channel: 'general', user: 'x', text: 'a\u0000b', ts: base }]),
      h.event(messageEvent({ channel: h.support, user: h.people.members[0] as string, text: 'bad ts', ts: 'abc' })),
      ...thirtyValid(h, base),
    ]);
    expect(ingested.status).toBe(202);
    expect(await ingested.json()).toMatchObject({ accepted: 1, scored: 1 });
    expect(poisonEvent.status).toBe(200);
    expect(events.map((response) => response.status)).toEqual(Array(30).fill(200));

    await h.waitFor('30 stored and 1 quarantined', async () => (await prisma.scoredMessage.count()) === 31 && (await prisma.quarantinedMessage.count()) === 1);
    const support = await prisma.watchedChannel.findFirstOrThrow({ where: { channelId: h.support } });
    expect(await prisma.scoredMessage.count({ where: { channelRef: support.id } })).toBe(30);
    // The NUL byte is removed, the rest of the text kept.
    expect((await prisma.scoredMessage.findFirstOrThrow({ where: { channelRef: { not: support.id } } })).text).toBe('ab');
    const quarantined = await prisma.quarantinedMessage.findFirstOrThrow();
    expect(quarantined).toMatchObject({ reason: 'invalid_ts', source: 'slack', channelId: h.support });
    expect(quarantined.error).toContain('"abc"');
    expect(JSON.parse(quarantined.payload)).toMatchObject({ ts: 'abc', text: 'bad ts' });
    expect(await metricValue(h, 'firebreak_messages_quarantined_total', 'reason="invalid_ts"')).toBe(1);
    expect(await metricValue(h, 'firebreak_input_normalised_total', 'reason="nul_bytes"')).toBe(1);
  });

  it('quarantines the one message the database refuses and stores the other 30 of its group commit', async () => {
    harness = await startHarness({ provider, playbook: PLAYBOOK, env: { INGEST_TOKEN } });
    const h = harness;
    const { prisma } = h.app.database;
    // A real refusal by the database, for one text only: what an unforeseen poison item looks like.
    if (provider === 'sqlite') {
      await prisma.$executeRawUnsafe(`CREATE TRIGGER poison BEFORE INSERT ON "ScoredMessage" WHEN NEW."text" LIKE '%POISON%' BEGIN SELECT RAISE(ABORT, 'poison refused'); END`);
    } else {
      await prisma.$executeRawUnsafe(`CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW."text" LIKE '%POISON%' THEN RAISE EXCEPTION 'poison refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await prisma.$executeRawUnsafe(`CREATE TRIGGER poison BEFORE INSERT ON "ScoredMessage" FOR EACH ROW EXECUTE FUNCTION poison()`);
    }
    const base = Date.now() - 60_000;
    const [ingested, ...events] = await Promise.all([ingest(h, [{ source: 'forum', channel: 'general', user: 'x', text: 'POISON here', ts: base }]), ...thirtyValid(h, base)]);
    expect(events.map((response) => response.status)).toEqual(Array(30).fill(200));
    expect(ingested.status).toBe(202);
    expect(await ingested.json()).toMatchObject({ accepted: 1, quarantined: 1 });

    await h.waitFor('30 stored', async () => (await prisma.scoredMessage.count()) === 30);
    expect(await prisma.quarantinedMessage.count()).toBe(1);
    const quarantined = await prisma.quarantinedMessage.findFirstOrThrow();
    expect(quarantined).toMatchObject({ reason: 'store_failed', source: 'forum', channelId: 'forum:general' });
    expect(quarantined.error).toContain('poison refused');
    // The bucket counts the 30, not the refused one.
    const buckets = await prisma.channelBucket.findMany();
    expect(buckets.reduce((sum, bucket) => sum + bucket.messages, 0)).toBe(30);
  });
});
