// The trust rule on the alerts channel, end to end with a bot token: incident threads are internal,
// so a channel Firebreak watches as a community channel never receives one — whether ALERTS_CHANNEL or
// a playbook names it, or it started being watched after it was chosen. The incident is still
// recorded, raised in a safe alerts channel when one is named, and App Home says what to fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { publishedHome, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const WATCHED_SENTENCE = 'is a community channel Firebreak watches, so no incident is posted there';

/** Top-level messages the bot posted in a channel (incident roots, notices). */
function botRootsIn(harness: Harness, channel: string) {
  const bot = harness.fake.workspace.bot.user_id;
  return harness.fake.workspace.messagesIn(channel).filter((message) => message.user === bot && (!message.thread_ts || message.thread_ts === message.ts));
}

/** Every message the bot posted in a channel, threads included. */
function botMessagesIn(harness: Harness, channel: string) {
  const bot = harness.fake.workspace.bot.user_id;
  return harness.fake.workspace.messagesIn(channel).filter((message) => message.user === bot);
}

async function rootOutboxItem(harness: Harness, incidentNumber: number) {
  const prisma = harness.app.database.prisma;
  const incident = await harness.waitFor(`incident #${incidentNumber} recorded`, () => prisma.incident.findFirst({ where: { number: incidentNumber } }).then((found) => found ?? undefined));
  const root = await harness.waitFor(`root of #${incidentNumber} settled`, () =>
    prisma.outboxItem.findUnique({ where: { key: `incident:${incident.id}:root` } }).then((item) => (item && item.status !== 'pending' && item.status !== 'sending' ? item : undefined)),
  );
  return { incident, root };
}

describe.each(availableProviders)('alerts channel never a watched community channel (%s)', (provider) => {
  describe('ALERTS_CHANNEL is a channel a playbook watches', () => {
    let harness: Harness;
    beforeAll(async () => {
      // The playbook watches #support; ALERTS_CHANNEL names #support too.
      harness = await startHarness({ provider, env: (channels) => ({ ALERTS_CHANNEL: channels.support }) });
    }, 60_000);
    afterAll(async () => harness?.close());

    it('the incident is recorded but nothing of it is posted in the community channel; App Home says what to fix', async () => {
      const { support } = harness;
      expect((await harness.command(harness.people.ann, `declare <#${support}|support> sev2 Login failing for many members`)).status).toBe(200);
      const { incident, root } = await rootOutboxItem(harness, 1);
      expect(incident.alertChannelId).toBe(support);
      expect(root).toMatchObject({ status: 'failed', lastError: 'held:alerts_channel_watched' });
      // Give the outbox time to try the thread's other writes: none reaches #support.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(botMessagesIn(harness, support)).toEqual([]);
      expect(harness.fake.api.calls('chat.postMessage').filter((call) => call.args['channel'] === support && call.status === 200)).toEqual([]);
      const home = await publishedHome(harness, harness.people.ann);
      expect(home).toContain(`The alerts channel <#${support}> ${WATCHED_SENTENCE}`);
    }, 60_000);
  });

  describe('a playbook names a watched channel as its alertsChannel, ALERTS_CHANNEL a staff one', () => {
    let harness: Harness;
    /** Incident #1's root as it stood while its writes were held. */
    let firstRootBlocks: string | undefined;
    beforeAll(async () => {
      harness = await startHarness({ provider, playbook: TWO_APPROVER_PLAYBOOK.replace('ownerTeam: Community\n', 'ownerTeam: Community\nalertsChannel: support\n') });
    }, 60_000);
    afterAll(async () => harness?.close());

    it('the incident is raised in ALERTS_CHANNEL instead, never in the watched channel', async () => {
      const { support, alerts } = harness;
      await harness.command(harness.people.ann, `declare <#${support}|support> sev2 Login failing for many members`);
      const { incident, root } = await rootOutboxItem(harness, 1);
      expect(incident.alertChannelId).toBe(alerts);
      expect(root.status).toBe('sent');
      expect(botRootsIn(harness, alerts)).toHaveLength(1);
      expect(botMessagesIn(harness, support)).toEqual([]);
    }, 60_000);

    it('once ALERTS_CHANNEL is watched too (/firebreak watch after it was chosen), the next incident’s root is held', async () => {
      const { support, alerts } = harness;
      // The answer says what watching the alerts channel does.
      const watching = (await harness.command(harness.people.ann, `watch <#${alerts}|alerts>`)).body;
      expect(watching).toContain(`Watching <#${alerts}> now.`);
      expect(watching).toContain(`<#${alerts}> is also where incidents are posted: watched, it is a community channel, so no incident is posted there any more`);
      const rootsBefore = botRootsIn(harness, alerts).length;
      // Another community channel (#support still has incident #1 open).
      const billing = harness.fake.workspace.addChannel({ name: 'billing', members: [...harness.people.members, harness.people.ann, harness.fake.workspace.bot.user_id] }).id;
      await harness.command(harness.people.ann, `declare <#${billing}|billing> sev2 Payments failing now`);
      const { root } = await rootOutboxItem(harness, 2);
      expect(root).toMatchObject({ status: 'failed', lastError: 'held:alerts_channel_watched' });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(botRootsIn(harness, alerts)).toHaveLength(rootsBefore);
      expect(botMessagesIn(harness, support)).toEqual([]);
      expect(botMessagesIn(harness, billing)).toEqual([]);
      const home = await publishedHome(harness, harness.people.ann);
      expect(home).toContain(`The alerts channel <#${alerts}> ${WATCHED_SENTENCE}`);
      // The playbook names its alerts channel by name.
      expect(home).toContain(`The alerts channel #support ${WATCHED_SENTENCE}`);
    }, 60_000);

    it('incident #1, raised before #alerts was watched, posts nothing more there: its thread and edits are held', async () => {
      const { alerts } = harness;
      const prisma = harness.app.database.prisma;
      const incident = await prisma.incident.findFirstOrThrow({ where: { number: 1 } });
      const root = botRootsIn(harness, alerts).find((message) => message.ts === incident.rootTs)!;
      const postedBefore = botMessagesIn(harness, alerts).length;
      const itemsBefore = await prisma.outboxItem.count({ where: { incidentId: incident.id } });
      // Ann takes the lead: the root is edited and a timeline line goes to its thread, in Slack before.
      await harness.click(harness.people.ann, alerts, root.ts, actionIds.acknowledge);
      const written = await harness.waitFor('the acknowledgement’s writes settled', async () => {
        const items = await prisma.outboxItem.findMany({ where: { incidentId: incident.id }, orderBy: { createdAt: 'asc' } });
        const fresh = items.slice(itemsBefore);
        return fresh.length > 0 && fresh.every((item) => item.status !== 'pending' && item.status !== 'sending') ? fresh : undefined;
      });
      // Each is held, or failed because what it edits was held (the checklist, held before it was posted).
      expect(written.filter((item) => item.status !== 'failed' || !['held:alerts_channel_watched', 'dependency_failed'].includes(item.lastError ?? ''))).toEqual([]);
      expect(written.filter((item) => item.lastError === 'held:alerts_channel_watched').map((item) => item.method).sort()).toEqual(expect.arrayContaining(['chat.postMessage', 'chat.update']));
      expect((await prisma.incident.findUniqueOrThrow({ where: { id: incident.id } })).leadUserId).toBe(harness.people.ann);
      expect(botMessagesIn(harness, alerts)).toHaveLength(postedBefore);
      expect(harness.fake.workspace.findMessage(alerts, root.ts)?.text).toBe(root.text);
      firstRootBlocks = JSON.stringify(harness.fake.workspace.findMessage(alerts, root.ts)?.blocks);
    }, 60_000);

    it('/firebreak unwatch #alerts makes it safe again: incident #2, held, is raised there once, saying why it was late', async () => {
      const { alerts } = harness;
      const prisma = harness.app.database.prisma;
      const second = await prisma.incident.findFirstOrThrow({ where: { number: 2 } });
      expect((await harness.command(harness.people.ann, `unwatch <#${alerts}|alerts>`)).body).toContain(`<#${alerts}>`);
      const raised = await harness.waitFor('the held root of #2 posted', () =>
        prisma.outboxItem.findUnique({ where: { key: `incident:${second.id}:root` } }).then((item) => (item?.status === 'sent' ? item : undefined)),
      );
      expect(raised.channelId).toBe(alerts);
      const rootTs = await harness.waitFor('#2 knows its root', () => prisma.incident.findUniqueOrThrow({ where: { id: second.id } }).then((incident) => incident.rootTs ?? undefined));
      await harness.waitFor('the held line in its thread', () =>
        harness.fake.workspace.messagesIn(alerts).find((message) => message.thread_ts === rootTs && message.ts !== rootTs && (message.text ?? '').includes('this incident was held because its alerts channel')),
      );
      // Incident #1's writes held meanwhile go out now: Ann's acknowledgement reaches its thread and its root.
      const first = await prisma.incident.findFirstOrThrow({ where: { number: 1 } });
      const sent = await harness.waitFor('#1’s held writes sent', async () => {
        const items = await prisma.outboxItem.findMany({ where: { incidentId: first.id }, orderBy: { createdAt: 'asc' } });
        return items.some((item) => item.status === 'failed' || item.status === 'pending' || item.status === 'sending') ? undefined : items;
      });
      expect(sent.map((item) => item.lastError)).toEqual(sent.map(() => null));
      const acknowledged = harness.fake.workspace.messagesIn(alerts).filter((message) => message.thread_ts === first.rootTs && message.ts !== first.rootTs);
      expect(acknowledged.map((message) => message.text).join('\n')).toContain(`<@${harness.people.ann}>`);
      expect(JSON.stringify(harness.fake.workspace.findMessage(alerts, first.rootTs!)?.blocks)).not.toBe(firstRootBlocks);
      // Once: another unwatch raises nothing more.
      const roots = botRootsIn(harness, alerts).length;
      await harness.command(harness.people.ann, `unwatch <#${alerts}|alerts>`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(botRootsIn(harness, alerts)).toHaveLength(roots);
    }, 60_000);
  });
});
