// Socket Mode against a loopback Slack that speaks it: disconnect messages, dropped sockets, a server
// down for 30 s, lost acknowledgements. Events are stored once, nothing acknowledged is lost, and
// /healthz says how the connection is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketModeServer } from '../../src/sandbox/slack-api/index.js';
import { startHarness, type Harness } from './harness.js';

interface Health {
  status: string;
  slack: { mode: string; state: string; ok: boolean | null; error?: string; connections?: number };
}

describe('Socket Mode connection', () => {
  let harness: Harness;
  let socket: SocketModeServer;
  beforeAll(async () => {
    harness = await startHarness({ transport: 'socket', slackRetryDelaysMs: [200, 500, 1_000, 2_000] });
    socket = harness.fake.socketMode!;
  });
  afterAll(async () => {
    await harness?.close();
  });

  const health = async () => (await (await fetch(`${harness.app.url}/healthz`)).json()) as Health;
  const scored = () => harness.app.database.prisma.scoredMessage.count();
  const connectionsSeen = async () => (await health()).slack.connections ?? 0;

  async function reconnected(after: number): Promise<void> {
    await harness.waitFor('a new connection', async () => (await connectionsSeen()) > after && socket.connections() === 1, 60_000);
    expect((await health()).status).toBe('ok');
  }

  it.each(['refresh_requested', 'warning'] as const)('a disconnect message (%s) is answered with a new connection, and events keep flowing', async (reason) => {
    const before = await connectionsSeen();
    const messages = await scored();
    socket.disconnect(reason);
    await reconnected(before);
    await harness.post(harness.people.members[0]!, `after ${reason}, all fine`, Date.now());
    await harness.waitFor('the message', async () => (await scored()) === messages + 1);
  });

  it('link_disabled: /healthz names the cause until Socket Mode is turned back on', async () => {
    const before = await connectionsSeen();
    socket.setEnabled(false);
    socket.disconnect('link_disabled');
    const down = await harness.waitFor('the link reported down', async () => {
      const answer = await health();
      return answer.slack.state === 'disconnected' ? answer : undefined;
    });
    expect(down.status).toBe('degraded');
    expect(down.slack.ok).toBe(false);
    expect(down.slack.error).toMatch(/socket_mode_disabled/);
    expect(await harness.app.metrics.render()).toMatch(/firebreak_slack_link_up\{mode="socket"\} 0/);
    socket.setEnabled(true);
    await reconnected(before);
    expect(await harness.app.metrics.render()).toMatch(/firebreak_slack_link_failures_total\{mode="socket",cause="link_disabled"\} 1/);
  });

  it('a dropped socket: an event sent meanwhile arrives after the reconnection', async () => {
    const before = await connectionsSeen();
    const messages = await scored();
    socket.drop();
    const { response } = await harness.post(harness.people.members[1]!, 'sent while the socket was down', Date.now());
    expect(response.status).toBe(200);
    await reconnected(before);
    await harness.waitFor('the message', async () => (await scored()) === messages + 1);
  });

  it('an acknowledgement lost on the way: Slack redelivers the event, Firebreak stores it once', async () => {
    const messages = await scored();
    socket.loseAcks(1);
    const before = await connectionsSeen();
    const delivery = harness.post(harness.people.members[2]!, 'acknowledged but the ack was lost', Date.now(), { eventId: 'EvLOSTACK01' });
    await harness.waitFor('the first delivery processed', async () => (await scored()) === messages + 1);
    socket.drop();
    await reconnected(before);
    expect((await delivery).response.status).toBe(200);
    const sent = socket.envelopes().filter((envelope) => envelope.type === 'events_api').slice(-2);
    expect(sent.map((envelope) => envelope.retryAttempt)).toEqual([0, 1]);
    await harness.waitFor('the redelivery acknowledged', () => socket.envelopes().some((envelope) => envelope.retryAttempt === 1 && envelope.ackedAt !== undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await scored()).toBe(messages + 1);
    expect(await harness.app.database.prisma.processedEvent.count({ where: { eventId: 'EvLOSTACK01' } })).toBe(1);
  });

  it('an event the database cannot keep is not acknowledged: Slack delivers it again and it is stored once', async () => {
    const prisma = harness.app.database.prisma;
    const messages = await scored();
    await prisma.$executeRawUnsafe('ALTER TABLE "InboundEvent" RENAME TO "InboundEventAway"');
    const delivery = harness.post(harness.people.members[3]!, 'kept before its ack', Date.now(), { eventId: 'EvNOTKEPT01' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const first = socket.envelopes().filter((envelope) => envelope.type === 'events_api').at(-1);
    expect(first?.ackedAt).toBeUndefined();
    expect(await scored()).toBe(messages);

    await prisma.$executeRawUnsafe('ALTER TABLE "InboundEventAway" RENAME TO "InboundEvent"');
    const before = await connectionsSeen();
    socket.drop();
    await reconnected(before);
    expect((await delivery).response.status).toBe(200);
    await harness.waitFor('the redelivery stored', async () => (await scored()) === messages + 1);
    await harness.waitFor('the inbox emptied', async () => (await prisma.inboundEvent.count()) === 0);
    expect(await prisma.processedEvent.count({ where: { eventId: 'EvNOTKEPT01' } })).toBeLessThanOrEqual(1);
  });

  it('malformed envelopes (no payload, a payload or event that is not an object, not an object at all): acknowledged, never an unhandled rejection; events keep flowing', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const malformed: [string, object][] = [
        ['E-NOPAYLOAD', { type: 'events_api' }],
        ['E-NULLPAYLOAD', { type: 'events_api', payload: null }],
        ['E-TEXTPAYLOAD', { type: 'events_api', payload: 'garbage' }],
        ['E-NULLEVENT', { type: 'events_api', payload: { type: 'event_callback', team_id: 'T0LOOPBACK', event: null } }],
        ['E-NOINTERACTION', { type: 'interactive' }],
        ['E-TEXTCOMMAND', { type: 'slash_commands', payload: 'garbage' }],
      ];
      for (const [envelopeId, envelope] of malformed) {
        const acks = await socket.sendRaw(JSON.stringify({ envelope_id: envelopeId, ...envelope }), envelopeId, 300);
        expect(acks, envelopeId).toHaveLength(1);
      }
      // Not an envelope at all: nothing to acknowledge, nothing thrown.
      for (const text of ['null', '[1,2]', '42']) expect(await socket.sendRaw(text, 'none', 200)).toEqual([]);
      expect(rejections).toEqual([]);
      const messages = await scored();
      await harness.post(harness.people.members[4]!, 'still here after the malformed envelopes', Date.now());
      await harness.waitFor('the message', async () => (await scored()) === messages + 1);
      expect(socket.connections()).toBe(1);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('a server down for 30 s: /healthz says so, events sent meanwhile arrive once after it is back', async () => {
    const before = await connectionsSeen();
    const messages = await scored();
    socket.down();
    const down = await harness.waitFor('the link reported down', async () => {
      const answer = await health();
      return answer.slack.state === 'disconnected' ? answer : undefined;
    });
    expect(down.status).toBe('degraded');
    expect(down.slack.error).toMatch(/WebSocket could not be opened/);
    const deliveries = [0, 1, 2].map((index) => harness.post(harness.people.members[index]!, `during the outage ${index}`, Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    expect(await scored()).toBe(messages);
    // The HTTP server kept answering all along.
    expect((await fetch(`${harness.app.url}/metrics`)).status).toBe(200);
    socket.up();
    await reconnected(before);
    for (const delivery of deliveries) expect((await delivery).response.status).toBe(200);
    await harness.waitFor('the three messages', async () => (await scored()) === messages + 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await scored()).toBe(messages + 3);
    expect(socket.envelopes().filter((envelope) => envelope.ackedAt === undefined && !envelope.redelivered)).toEqual([]);
  }, 90_000);
});
