// The reply flow under races and a bad Slack day, through signed requests only: approvals that
// arrive at the same instant, an edit racing the approval that meets the quorum, and a reply Slack
// refuses for good. What counts is what reaches the community and what the card and root say.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { availableProviders } from '../support/databases.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { declareLoginIncident, draftValues, findButtons, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

describe.each(availableProviders)('reply races and refusals through Slack on %s', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    // A post Slack never answered is looked for 20 s after its attempt (60 s by default), to keep the test short.
    harness = await startHarness({ provider, env: { OUTBOX_UNANSWERED_WAIT_SECONDS: '20' } });
    await declareLoginIncident(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const publicReplies = (text: string) => harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes(text));
  const cardOf = (ts: string) => harness.fake.workspace.findMessage(harness.alerts, ts)!;
  const draftNumbered = (number: number) => prisma().replyDraft.findFirstOrThrow({ where: { id: { endsWith: `/draft-${number}` } } });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

  /** Cleo drafts `text` into the channel; returns the draft's number and its card's ts. */
  async function draft(text: string): Promise<{ number: number; ts: string }> {
    const number = (await prisma().replyDraft.count()) + 1;
    await harness.click(harness.people.cleo, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(harness.people.cleo));
    expect((await harness.submit(harness.people.cleo, draftValues(text))).body).not.toContain('errors');
    const card = await harness.waitFor('the draft card', () =>
      harness.thread().find((message) => message.text.startsWith(`Reply #${number}:`) && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)),
    );
    return { number, ts: card.ts };
  }

  it('both approvers click at the same instant, each twice: one post, in the approved text, and the card says posted', async () => {
    const { number, ts } = await draft('Same instant: we are on it, updates here within the hour.');
    const { ann, ben } = harness.people;
    const responses = await Promise.all([ann, ben, ben, ann].map((user) => harness.click(user, harness.alerts, ts, actionIds.approveDraft)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    await harness.waitFor('the draft posted', async () => (await draftNumbered(number)).status === 'posted');
    await harness.waitFor('the card says posted', () => cardOf(ts).text.includes(t('en', 'ui.draft.status.posted', {})));
    await settle();
    expect(publicReplies('Same instant')).toHaveLength(1);
    const approvals = await prisma().approval.findMany({ where: { draftId: (await draftNumbered(number)).id } });
    expect(approvals.map((approval) => approval.approverUserId).sort()).toEqual([ann, ben].sort());
  });

  it('an edit racing the approval that meets the quorum: whichever wins, what is posted is exactly what a quorum approved', async () => {
    const original = 'Race: login is failing, we are on it.';
    const edited = 'Race: login is failing for some of you, we are on it.';
    const { number, ts } = await draft(original);
    await harness.click(harness.people.ann, harness.alerts, ts, actionIds.approveDraft);
    await harness.waitFor('the first approval', async () => (await prisma().approval.count({ where: { draftId: (await draftNumbered(number)).id } })) === 1);
    await harness.click(harness.people.sam, harness.alerts, ts, actionIds.editDraft);
    await harness.waitFor('the edit modal', () => harness.openModal(harness.people.sam));
    await Promise.all([
      harness.submit(harness.people.sam, { [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: edited } } }),
      harness.click(harness.people.ben, harness.alerts, ts, actionIds.approveDraft),
    ]);
    await settle();
    const row = await draftNumbered(number);
    const posted = publicReplies('Race:');
    if (row.status === 'posted') {
      // The approval won: the edit was refused, and the original text went out once.
      expect(row.text).toBe(original);
      expect(posted.map((message) => message.text)).toEqual([original]);
    } else {
      // The edit won: Ann's approval is void, Ben's click on revision 1 was refused, nothing went out.
      expect(row).toMatchObject({ status: 'pending', revision: 2, text: edited });
      expect(posted).toEqual([]);
      expect(await prisma().approval.count({ where: { draftId: row.id, voidedAt: null } })).toBe(0);
    }
  });

  it('a reply as long as the draft box allows is shown whole on the card approvers approve from, its last words included', async () => {
    const lines = Array.from({ length: 42 }, (_, index) => `Update ${String(index + 1).padStart(2, '0')}: login keeps failing for some of you; we are working on it.`);
    const tail = 'Everyone affected gets a full refund of 500 dollars today.';
    const text = `${lines.join('\n')}\n${tail}`.slice(0, 3000);
    expect(text.length).toBeGreaterThan(2900);
    expect(text.endsWith(tail)).toBe(true);
    const { ts } = await draft(text);
    const quoted = (cardOf(ts).blocks as { type: string; text?: { text: string } }[])
      .filter((block) => block.type === 'section' && block.text?.text.startsWith('> '))
      .map((block) => block.text!.text.split('\n').map((line) => line.replace(/^> /, '')).join('\n'))
      .join('\n');
    // Approvers approve what they read: every line of the text that will be posted, in order, nothing cut.
    expect(quoted).toBe(text);
  });

  it('Slack posts the reply but answers after the outbox gave up waiting: the retry finds it and the community sees it once', async () => {
    const { number, ts } = await draft('Slow Slack: we are on it, updates here within the hour.');
    // The reply's call is held 15 s, then done: longer than the outbox waits for an answer (10 s).
    harness.fake.api.faults.delay('chat.postMessage', 15_000, { channel: harness.support, times: 1 });
    const heldUntil = Date.now() + 16_000;
    await harness.click(harness.people.ann, harness.alerts, ts, actionIds.approveDraft);
    await harness.waitFor('the first approval', async () => (await prisma().approval.count({ where: { draftId: (await draftNumbered(number)).id } })) === 1);
    await harness.click(harness.people.ben, harness.alerts, ts, actionIds.approveDraft);
    await harness.waitFor('the draft posted', async () => (await draftNumbered(number)).status === 'posted', 90_000);
    // Past the moment the held call is done, whatever the outbox did meanwhile.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, heldUntil - Date.now())));
    await settle();
    expect(publicReplies('Slow Slack')).toHaveLength(1);
    const item = await prisma().outboxItem.findFirstOrThrow({ where: { key: `reply:${(await draftNumbered(number)).id}:r1` } });
    expect(item).toMatchObject({ status: 'sent', uncertain: true, result: expect.objectContaining({ adopted: true, ts: publicReplies('Slow Slack')[0]!.ts }) });
  }, 120_000);

  it('Slack refuses an approved reply for good: the card and the root say it was not posted, and it cannot be decided again', async () => {
    const { number, ts } = await draft('Archived: we are on it and will update this channel.');
    await harness.click(harness.people.ann, harness.alerts, ts, actionIds.approveDraft);
    await harness.waitFor('the first approval', async () => (await prisma().approval.count({ where: { draftId: (await draftNumbered(number)).id } })) === 1);
    // Nina opens the edit modal; meanwhile the community channel is archived, and Ben's approval meets the quorum.
    await harness.click(harness.people.nina, harness.alerts, ts, actionIds.editDraft);
    await harness.waitFor('the edit modal', () => harness.openModal(harness.people.nina));
    harness.fake.workspace.archiveChannel(harness.support);
    await harness.click(harness.people.ben, harness.alerts, ts, actionIds.approveDraft);
    const item = await harness.waitFor('the reply failed for good', async () => (await prisma().outboxItem.findFirst({ where: { key: { startsWith: `reply:` }, status: 'failed' } })) ?? undefined);
    expect(item.lastError).toBe('is_archived');
    await harness.waitFor('the thread told', () => harness.thread().find((message) => message.text.includes('is_archived')));

    // The card no longer says "being posted"; the root counts it as not posted; the draft is closed.
    await harness.waitFor('the card no longer says "being posted"', () => !JSON.stringify(cardOf(ts)).includes(t('en', 'ui.draft.status.approved', {})));
    expect(cardOf(ts).text).toContain('Approved but not posted: nothing reached the community');
    await harness.waitFor('the root says not posted', () => JSON.stringify(harness.rootMessage()!.blocks).includes('1 approved but not posted'));
    expect(JSON.stringify(harness.rootMessage()!.blocks)).not.toContain('approved, posting');
    const row = await draftNumbered(number);
    expect(row.status).toBe('not_posted');
    expect(publicReplies('Archived:')).toEqual([]);
    const timeline = await prisma().timelineEvent.findMany({ where: { incidentId: row.incidentId, kind: 'reply_not_posted' } });
    expect(timeline).toHaveLength(1);
    expect(timeline[0]!.data).toMatchObject({ draftId: row.id, reason: 'is_archived', uncertain: false });

    // Nina's edit, submitted now, is refused and said to her: no revision 2 waits for approvals it can never use.
    await harness.submit(harness.people.nina, { [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: 'Archived: we are on it, more soon.' } } });
    await harness.waitFor('the refusal', () => harness.ephemeralTexts(harness.people.nina).find((text) => text.includes(`Reply #${number} was approved but could not be posted`)));
    expect(await draftNumbered(number)).toMatchObject({ revision: 1, status: 'not_posted' });
  });
});

describe.each(availableProviders)('an approver removed from the playbook while the reply waits to be posted, on %s', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('the reply is held, and the thread says it lost its quorum (not that its text changed)', async () => {
    const prisma = harness.app.database.prisma;
    const { ann, ben, cleo } = harness.people;
    const root = await declareLoginIncident(harness);
    await harness.click(cleo, harness.alerts, root.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(cleo));
    await harness.submit(cleo, draftValues('Quorum: we are on it, updates here within the hour.'));
    const card = await harness.waitFor('the draft card', () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)));
    await harness.click(ann, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('the first approval', async () => (await prisma.approval.count()) === 1);
    // Slack makes the reply wait 10 s; meanwhile Ben stops being an approver (the playbook now names Ann and Cleo).
    harness.fake.api.faults.rateLimit('chat.postMessage', 10, { channel: harness.support, times: 1 });
    await harness.click(ben, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('the reply waiting', async () => (await prisma.outboxItem.findFirst({ where: { key: { startsWith: 'reply:' }, lastError: 'ratelimited' } })) ?? undefined);
    writeFileSync(join(harness.playbooksDir, 'e2e-support.yaml'), TWO_APPROVER_PLAYBOOK.replace('approvers: ["@community-leads"]', `approvers: ["${ann}", "${cleo}"]`));
    const held = await harness.waitFor('the reply held', async () => (await prisma.outboxItem.findFirst({ where: { key: { startsWith: 'reply:' }, status: 'failed' } })) ?? undefined, 30_000);
    expect(held.lastError).toBe('held:quorum_lost');
    await harness.waitFor('the thread told why', () => harness.thread().find((message) => message.text.includes('no longer approvers in the playbook')));
    expect(harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id)).toEqual([]);
    expect((await prisma.replyDraft.findFirstOrThrow()).status).toBe('not_posted');
  }, 60_000);
});
