// Two `firebreak start` processes on one PostgreSQL database, driven through Slack as a team would:
// exactly one leads, both accept Slack's requests (deduplicated), and when the leader is SIGKILLed
// the other takes over within 30 s and carries on: reminders fire once, replies go out once.
import { describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import type { RunningProcess } from '../support/cli.js';
import { startCrashHarness, type CrashHarness } from '../support/crash-harness.js';
import { availableProviders } from '../support/databases.js';
import { findButtons } from './harness.js';

async function leaders(harness: CrashHarness, instances: RunningProcess[]): Promise<boolean[]> {
  return Promise.all(instances.map(async (instance) => (await harness.health(instance))?.leadership?.leader === true));
}

describe.runIf(availableProviders.includes('postgres'))('two instances on PostgreSQL', () => {
  it('started at the same second: one leader; both accept events, deduplicated; the leader SIGKILLed, the other leads within 30 s and carries on', async () => {
    const harness = await startCrashHarness({ provider: 'postgres' });
    try {
      const [a, b] = await Promise.all([harness.start(), harness.start()]);
      const both = [a!, b!];
      const states = await harness.waitFor('exactly one leader', async () => {
        const current = await leaders(harness, both);
        return current.filter(Boolean).length === 1 ? current : undefined;
      });
      const leader = states[0] ? a! : b!;
      const follower = leader === a ? b! : a!;
      // Still one leader a few checks later.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await leaders(harness, both)).filter(Boolean)).toHaveLength(1);

      // Slack delivers an event to one instance and retries it on the other: stored once.
      const ts = `${Math.floor(Date.now() / 1000)}.000100`;
      const sent = await Promise.all(
        both.map((instance) => harness.post(harness.people.members[0]!, 'The app is broken again, terrible', { ts, eventId: 'EvFAILOVER1', instance })),
      );
      expect(sent.map((response) => response.status)).toEqual([200, 200]);
      await harness.post(harness.people.members[1]!, 'Still broken for me, awful', { eventId: 'EvFAILOVER2', instance: follower });
      await harness.waitFor('both messages scored', async () => (await harness.database.prisma.scoredMessage.count()) === 2);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await harness.database.prisma.scoredMessage.count()).toBe(2);
      expect(await harness.database.prisma.processedEvent.count({ where: { eventId: 'EvFAILOVER1' } })).toBe(1);

      // The crisis runs through either instance: declared on the follower, drafted on the leader.
      expect((await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login failing`, follower)).status).toBe(200);
      const root = await harness.waitFor('the alert', () => harness.rootMessage());
      await harness.click(harness.people.cleo, harness.alerts, root.ts, actionIds.draftReply, { instance: leader });
      await harness.waitFor('the draft modal', () => harness.openModal(harness.people.cleo));
      await harness.submit(
        harness.people.cleo,
        {
          [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: 'We know login is failing; next update within the hour.' } },
          [inputIds.draftTarget]: { [inputIds.draftTarget]: { type: 'radio_buttons', selected_option: { value: 'channel' } } },
          [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: 'en' } } },
        },
        leader,
      );
      const card = await harness.waitFor('the draft card', () =>
        harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)),
      );
      await harness.click(harness.people.ann, harness.alerts, card.ts, actionIds.approveDraft, { instance: leader });
      await harness.waitFor('the first approval', async () => (await harness.database.prisma.approval.count()) === 1);

      // The leader dies with the incident's reminders coming due.
      const reminders = await harness.database.prisma.reminder.findMany({ where: { status: 'pending', incidentId: { not: null } } });
      expect(reminders.length).toBeGreaterThan(0);
      const killedAt = performance.now();
      await harness.kill(leader);
      await harness.database.prisma.reminder.updateMany({ where: { id: { in: reminders.map((reminder) => reminder.id) } }, data: { dueAt: new Date() } });
      await harness.waitFor('the follower leading', async () => (await harness.health(follower))?.leadership?.leader === true, 30_000);
      const failoverMs = performance.now() - killedAt;
      console.info(`failover after SIGKILL of the leader: ${Math.round(failoverMs)} ms`);
      expect(failoverMs).toBeLessThan(30_000);

      // The survivor fires what came due and takes the second approval.
      await harness.waitFor('reminders fired', async () => (await harness.database.prisma.reminder.count({ where: { id: { in: reminders.map((r) => r.id) }, status: 'fired' } })) === reminders.length);
      await harness.click(harness.people.ben, harness.alerts, card.ts, actionIds.approveDraft, { instance: follower });
      await harness.waitFor('the draft posted', async () => (await harness.database.prisma.replyDraft.findFirst({ where: { status: 'posted' } })) ?? undefined);
      await harness.waitFor('the outbox idle', async () => (await harness.database.prisma.outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const replies = harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes('login is failing'));
      expect(replies).toHaveLength(1);
      for (const channel of [harness.alerts, harness.support]) {
        const keys = harness.outboxMessages(channel).map((message) => message.key);
        expect(new Set(keys).size).toBe(keys.length);
      }
      for (const reminder of reminders) {
        expect(harness.outboxMessages(harness.alerts).filter((message) => message.key.startsWith(`reminder:${reminder.key}:`)), reminder.key).toHaveLength(1);
      }
      expect(harness.fake.workspace.messagesIn(harness.alerts).filter((message) => !message.thread_ts || message.thread_ts === message.ts)).toHaveLength(1);
    } finally {
      await harness.close();
    }
  }, 110_000);
});
