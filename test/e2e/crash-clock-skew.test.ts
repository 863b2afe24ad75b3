// A post in flight when its process is killed, while Slack's clock runs 10 minutes behind the host's:
// the new process looks for it by its key in Slack's time, whatever it knows of Slack's clock. With
// answers from before the crash in the database it measures the offset from them; with none (the very
// first post of an install) it reads back without a time bound. Before: the look-up started at the
// post's creation by the host's clock less 5 minutes, after the post's ts, and posted it a second time.
import { describe, expect } from 'vitest';
import type { Clock } from '../../src/domain/clock.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { crisisTest, settle } from '../support/crisis-test.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons } from './harness.js';

const SLACK_BEHIND_MS = 10 * 60_000;
const slackClock: Clock = { now: () => Date.now() - SLACK_BEHIND_MS };

describe.each(availableProviders)('killed mid-post while Slack’s clock runs 10 minutes behind (%s)', (provider) => {
  const crisis = crisisTest({ provider, slackClock });

  crisis('the public reply is in flight: the restarted process finds it by the offset earlier answers measured, and the community sees it once', async (harness) => {
    const declared = await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login failing for many members`);
    expect(declared.status).toBe(200);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    await harness.click(harness.people.cleo, harness.alerts, root.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(harness.people.cleo));
    expect((await harness.submit(harness.people.cleo, draftValues('Sign-in is failing; we are on it.'))).status).toBe(200);
    const card = await harness.waitFor('the draft card', () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)));
    await harness.click(harness.people.ann, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('the first approval', async () => (await harness.database.prisma.approval.count()) === 1);
    const inFlight = harness.gate.holdNext(harness.support);
    await harness.click(harness.people.ben, harness.alerts, card.ts, actionIds.approveDraft);
    await inFlight;
    await harness.kill();
    // Slack did the post after all, stamped by its own clock; the instance that asked never heard back.
    await harness.gate.release();
    const replies = () => harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes('Sign-in is failing'));
    expect(replies()).toHaveLength(1);

    const restarted = await harness.start();
    const draft = await harness.waitFor('the draft marked posted', async () => (await harness.database.prisma.replyDraft.findFirst({ where: { status: 'posted' } })) ?? undefined, 60_000);
    await settle();
    expect(replies()).toHaveLength(1);
    expect(draft.postedTs).toBe(replies()[0]!.ts);
    expect(await harness.database.prisma.outboxItem.findFirstOrThrow({ where: { key: { startsWith: 'reply:' } } })).toMatchObject({ status: 'sent', uncertain: true, result: { adopted: true } });
    // Measured from the answers the killed process got, and told to the operator.
    expect(restarted.logs()).not.toContain('no recent post measures Slack');
    expect(restarted.logs()).toMatch(/clock is \d+ s ahead of Slack's/);
  });

  crisis('the first post of the install (the alert) is in flight: nothing measured Slack’s clock yet, the look-up reads back unbounded and adopts it', async (harness) => {
    const inFlight = harness.gate.holdNext(harness.alerts);
    const declared = await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login failing for many members`);
    expect(declared.status).toBe(200);
    await inFlight;
    await harness.kill();
    await harness.gate.release();
    const posted = harness.outboxMessages(harness.alerts).filter((message) => message.key.endsWith(':root'));
    expect(posted).toHaveLength(1);
    const { key, ts } = posted[0]!;
    // The bot's top-level messages in the alerts channel (an edit of the root keeps its ts; a second post has its own).
    const alertMessages = () => harness.fake.workspace.messagesIn(harness.alerts).filter((message) => message.bot_id && (message.thread_ts === undefined || message.thread_ts === message.ts));

    const restarted = await harness.start();
    await harness.waitFor('the alert marked sent', async () => (await harness.database.prisma.outboxItem.findFirst({ where: { key, status: 'sent' } })) ?? undefined, 60_000);
    await settle();
    expect(alertMessages().map((message) => message.ts)).toEqual([ts]);
    expect(await harness.database.prisma.outboxItem.findFirstOrThrow({ where: { key } })).toMatchObject({ uncertain: true, result: { adopted: true, ts } });
    expect(restarted.logs()).toContain('no recent post measures Slack');
  });
});
