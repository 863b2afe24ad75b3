// People Slack deactivates (user_change with user.deleted, users.info answering deleted): a reminder
// to a deactivated lead goes to someone who can act, saying why, and an approval given by an account
// deactivated since no longer counts towards a public reply not posted yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, playbookNaming, startHarness, type Harness, type People } from './harness.js';

const REPLY = 'We know refunds are slow today and we are on it. Reach us at help@acme.test if it affects you.';

/** Nina leads; Ann, Ben, Sam and Cleo approve, named by user id (two of them needed); two steps belong to the lead. */
const playbook = (people: People) =>
  playbookNaming({ lead: people.nina, approvers: [people.ann, people.ben, people.sam, people.cleo] }).replace(
    '    dueAfterMinutes: 5\n',
    '    dueAfterMinutes: 5\n  - id: find-cause\n    title: { es: Buscar la causa, en: Find the cause }\n    owner: lead\n    dueAfterMinutes: 20\n',
  );

describe.each(availableProviders)('deactivated Slack accounts, on %s', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider, playbook });
  });
  afterAll(async () => {
    await h?.close();
  });

  const prisma = () => h.app.database.prisma;
  const deactivate = (userId: string) => h.fake.workspace.updateUser(userId, { deleted: true });
  /** Fires the incident reminder of checklist step `stepId` now, through the scheduler. */
  const fireStepReminder = async (stepId: string) => {
    const reminder = await prisma().reminder.findFirstOrThrow({ where: { key: { endsWith: `:step:${stepId}` }, status: 'pending' } });
    await prisma().reminder.update({ where: { id: reminder.id }, data: { dueAt: new Date(Date.now() - 60_000) } });
    await h.app.runtime!.scheduler.runDue();
  };

  it('a reminder for a lead Slack deactivated goes to the approvers, saying why; the user_change event also asks them at once to take the lead', async () => {
    const { nina, ann, ben, sam, cleo } = h.people;
    await h.command(cleo, `declare <#${h.support}|support> sev2 Refunds are slow`);
    const root = await h.waitFor('the alert', () => h.rootMessage());
    await h.click(nina, h.alerts, root.ts, actionIds.acknowledge);
    await h.waitFor('Nina leads', async () => (await prisma().incident.findFirst({ where: { leadUserId: nina } })) ?? undefined);

    // Deactivated, and this instance never told (Firebreak was down, or another instance got the event).
    deactivate(nina);
    await fireStepReminder('acknowledge');
    const reminder = await h.waitFor('the reminder', () => h.thread().find((message) => message.text.includes('is due now')));
    const said = `${reminder.text} ${JSON.stringify(reminder.blocks)}`;
    expect(reminder.text).toContain(`<@${ann}> <@${ben}> <@${sam}> <@${cleo}>`);
    expect(reminder.text).not.toContain(`<@${nina}>`);
    expect(said).toContain(`<@${nina}>'s Slack account was deactivated, so this reminder is yours now: one of you please take the lead`);
    const sent = await prisma().timelineEvent.findFirstOrThrow({ where: { kind: 'reminder_sent' } });
    expect((sent.data as { recipientUserIds: string[] }).recipientUserIds).toEqual([ann, ben, sam, cleo]);

    // Slack's user_change: the incident has no lead any more, and its thread asks the approvers now.
    await h.event({ type: 'user_change', user: h.fake.workspace.getUser(nina) });
    await h.waitFor('the call for a new lead', () => h.threadTexts().some((text) => text.includes(`<@${nina}>'s Slack account was deactivated, so this incident has no lead now: <@${ann}>, <@${ben}>, <@${sam}>, <@${cleo}>, one of you please take the lead`)));
    expect((await prisma().incident.findFirstOrThrow()).leadUserId).toBeNull();
    expect(await prisma().timelineEvent.count({ where: { kind: 'lead_deactivated' } })).toBe(1);
    // A second delivery of the same news changes nothing.
    await h.event({ type: 'user_change', user: h.fake.workspace.getUser(nina) });
    // The next lead-owned reminder goes to the approvers too.
    await fireStepReminder('find-cause');
    const next = await h.waitFor('the next reminder', () => h.thread().find((message) => message.text.includes('Find the cause')));
    expect(next.text).toContain(`<@${ann}> <@${ben}> <@${sam}> <@${cleo}>`);
    expect(await prisma().timelineEvent.count({ where: { kind: 'lead_deactivated' } })).toBe(1);
    // Ann takes the lead from there.
    await h.waitFor('Ann leads', async () => {
      // Clicked on the alert as it shows now (the no-lead version once its edit is in Slack).
      await h.click(ann, h.alerts, h.rootMessage()!.ts, actionIds.acknowledge);
      return (await prisma().incident.findFirst({ where: { leadUserId: ann } })) ?? undefined;
    });
  });

  it('an approval by an account Slack deactivated stops counting for a reply not posted yet: it goes back to waiting, the card and the thread say why', async () => {
    const { ann, ben, sam, cleo } = h.people;
    const draftCard = () => h.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));
    await h.click(cleo, h.alerts, h.rootMessage()!.ts, actionIds.draftReply);
    await h.waitFor('the draft modal', () => h.openModal(cleo));
    await h.submit(cleo, draftValues(REPLY));
    const card = await h.waitFor('the draft card', () => draftCard());

    // Slack holds the public reply a few seconds (429) after Ann and Ben approve it.
    h.fake.api.faults.rateLimit('chat.postMessage', 5, { channel: h.support, times: 1 });
    await h.click(ann, h.alerts, card.ts, actionIds.approveDraft);
    await h.waitFor('Ann’s approval', async () => (await prisma().approval.count()) === 1);
    await h.click(ben, h.alerts, card.ts, actionIds.approveDraft);
    await h.waitFor('the first attempt to post', () => h.fake.api.calls('chat.postMessage').some((call) => call.args['channel'] === h.support));

    // Meanwhile Slack deactivates Ann: her approval no longer makes the quorum.
    await h.event({ type: 'user_change', user: deactivate(ann) });
    await h.waitFor('the reply waits for approval again', async () => (await prisma().replyDraft.findFirstOrThrow()).status === 'pending');
    await h.waitFor('the card says why', () => JSON.stringify(h.thread().find((message) => message.ts === card.ts)?.blocks ?? []).includes(`No longer counts: the approval of <@${ann}>, whose Slack account was deactivated`));
    await h.waitFor('the thread says why', () => h.threadTexts().some((text) => text.includes(`<@${ann}>'s approval of reply #1 no longer counts: their Slack account was deactivated. The reply is not posted and waits for approval again`)));
    // The outbox's last gate holds the post Ann's approval had queued.
    await h.waitFor('the queued post held', async () => (await prisma().outboxItem.findFirst({ where: { key: { startsWith: 'reply:' }, lastError: 'held:not_approved' } })) ?? undefined, 30_000);
    expect(h.botPostsIn(h.support)).toEqual([]);
    expect(await prisma().timelineEvent.count({ where: { kind: 'approval_voided' } })).toBe(1);

    // Sam approves: two approvers still here, posted once.
    await h.click(sam, h.alerts, card.ts, actionIds.approveDraft);
    await h.waitFor('the public reply', () => h.botPostsIn(h.support).find((message) => message.text === REPLY), 20_000);
    expect(h.botPostsIn(h.support)).toHaveLength(1);
    await h.waitFor('the reply recorded posted', async () => (await prisma().replyDraft.findFirstOrThrow()).status === 'posted');
  });

  it('an approver deactivated without this instance hearing of it: the outbox’s last gate asks Slack and holds the reply, saying why', async () => {
    const { ben, sam, cleo } = h.people;
    const second = 'Refunds are being processed again; thanks for your patience. Reach us at help@acme.test if yours is missing.';
    await h.click(cleo, h.alerts, h.rootMessage()!.ts, actionIds.draftReply);
    await h.waitFor('the draft modal', () => h.openModal(cleo));
    await h.submit(cleo, draftValues(second));
    const card = await h.waitFor('the second draft card', () => h.thread().find((message) => message.text.startsWith('Reply #2:') && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)));
    const attempts = () => h.fake.api.calls('chat.postMessage').filter((call) => call.args['channel'] === h.support).length;
    const before = attempts();
    h.fake.api.faults.rateLimit('chat.postMessage', 5, { channel: h.support, times: 1 });
    await h.click(ben, h.alerts, card.ts, actionIds.approveDraft);
    await h.waitFor('Ben’s approval', async () => (await prisma().approval.count({ where: { approverUserId: ben, draftId: { endsWith: '/draft-2' } } })) === 1);
    await h.click(sam, h.alerts, card.ts, actionIds.approveDraft);
    await h.waitFor('the first attempt to post', () => attempts() > before);

    // Slack deactivates Sam; the user_change never reaches this instance.
    deactivate(sam);
    await h.waitFor('the reply held', async () => (await prisma().replyDraft.findFirstOrThrow({ where: { id: { endsWith: '/draft-2' } } })).status === 'not_posted');
    await h.waitFor('the thread says why', () => h.threadTexts().some((text) => text.includes('Reply #2 was held and not posted: the Slack account of an approver it counted on was deactivated')));
    expect(h.botPostsIn(h.support).filter((message) => message.text === second)).toEqual([]);
  });
});
