// An approver the playbook names by user id whose Slack account is deactivated is no longer eligible
// (as Slack drops deactivated accounts from user groups): a quorum of `all` counts only who is still
// here, a quorum nobody can meet says so and what to do, and a re-activated account counts again.
// Nothing is posted without someone pressing Approve, and the outbox's last gate agrees with the card.
// A reply nobody can approve is also said where staff look first: on the alert and in App Home.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftNumbered, draftValues, findButtons, playbookNaming, publishedHome, startHarness, type Harness, type People } from './harness.js';

const FIRST = 'We know refunds are slow today and we are on it. Reach us at help@acme.test if it affects you.';
const FIRST_EDITED = 'We know refunds are slow today and the whole team is on it. Reach us at help@acme.test if it affects you.';
const SECOND = 'Refunds are being processed again; thanks for your patience. Reach us at help@acme.test if yours is missing.';

/** Ann, Ben and Sam approve, named by user id, all of them needed; four-eyes. */
const playbook = (people: People) =>
  playbookNaming({ approvers: [people.ann, people.ben, people.sam], quorum: 'all' });

describe.each(availableProviders)('deactivated approvers named in the playbook, on %s', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider, playbook });
  });
  afterAll(async () => {
    await h?.close();
  });

  const prisma = () => h.app.database.prisma;
  const cardText = (ts: string) => JSON.stringify(h.fake.workspace.findMessage(h.alerts, ts)?.blocks ?? []);
  const cardOf = (number: number) => h.thread().find((message) => message.text.startsWith(`Reply #${number}:`) && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));
  const rootText = () => JSON.stringify(h.rootMessage()?.blocks ?? []);
  /** Opens App Home as `user` and returns the view Firebreak published, as text. */
  const homeOf = (user: string) => publishedHome(h, user);
  const draft = (number: number) => draftNumbered(h, number);
  const draftBy = async (userId: string, text: string, number: number) => {
    await h.click(userId, h.alerts, h.rootMessage()!.ts, actionIds.draftReply);
    await h.waitFor('the draft modal', () => h.openModal(userId));
    await h.submit(userId, draftValues(text));
    return h.waitFor(`the card of reply #${number}`, () => cardOf(number));
  };

  it('a deactivated approver no longer counts: `all` means everyone still here (one of them confirms), and a quorum nobody can meet says what to do', async () => {
    const { ann, ben, sam, cleo } = h.people;
    await h.command(cleo, `declare <#${h.support}|support> sev2 Refunds are slow`);
    await h.waitFor('the alert', () => h.rootMessage());

    // Reply #1: written by Ben, edited by Ann, so under four-eyes only Sam may approve it.
    const first = await draftBy(ben, FIRST, 1);
    await h.click(ann, h.alerts, first.ts, actionIds.editDraft);
    await h.waitFor('the edit modal', () => h.openModal(ann));
    expect((await h.submit(ann, { [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: FIRST_EDITED } } })).body).not.toContain('errors');
    await h.waitFor('revision 2', async () => (await draft(1)).revision === 2);
    // Reply #2: written by Cleo, approved by Ann and Ben; Sam has not approved yet.
    const second = await draftBy(cleo, SECOND, 2);
    await h.click(ann, h.alerts, second.ts, actionIds.approveDraft);
    await h.click(ben, h.alerts, second.ts, actionIds.approveDraft);
    await h.waitFor('two approvals of three', () => cardText(second.ts).includes('Approvals: 2 of 3'));

    // Slack deactivates Sam.
    await h.event({ type: 'user_change', user: h.fake.workspace.updateUser(sam, { deleted: true }) });
    await h.waitFor('the thread says what it means', () =>
      h.threadTexts().some(
        (text) =>
          text.includes(`<@${sam}>'s Slack account was deactivated, so they are no longer an approver: replies waiting for approval (#1, #2) no longer count on them.`) &&
          text.includes("Reply #1 can no longer get the approvals its playbook asks for: edit the playbook's approvers (`firebreak doctor` lists deactivated accounts at their playbook line).") &&
          text.includes('Reply #2 now has the approval of everyone who can still approve: one of you, press Approve again to post it.'),
      ),
    );
    await h.waitFor('card #1 says nobody can approve it', () => cardText(first.ts).includes('This reply cannot be approved as things stand: it needs 1 approval and only 0 people can give them'));
    expect(cardText(first.ts)).toContain(`No longer an approver: <@${sam}>, whose Slack account is deactivated; not counted in the quorum.`);
    // The alert and App Home say it too, where staff look before opening the thread.
    await h.waitFor('the alert says reply #1 cannot be approved', () => rootText().includes("Reply #1 cannot be approved as things stand: fewer people may approve than the playbook's quorum needs"));
    expect(rootText()).not.toContain('#2 cannot');
    expect(await homeOf(ben)).toContain("reply #1 cannot be approved: edit the playbook's approvers");
    expect((await h.command(ben, 'status')).body).toContain("reply #1 cannot be approved: edit the playbook's approvers");
    await h.waitFor('card #2 asks for a confirmation', () => cardText(second.ts).includes('Approvals: 2 of 2') && cardText(second.ts).includes('Everyone who can still approve has approved: one of you, press Approve again to post it.'));
    // The bar is not lowered silently: nothing went out on the deactivation alone.
    expect(h.botPostsIn(h.support)).toEqual([]);
    expect((await draft(2)).status).toBe('pending');

    // Ann presses Approve again: posted once, and the outbox's last gate agrees with the card.
    await h.click(ann, h.alerts, second.ts, actionIds.approveDraft);
    await h.waitFor('reply #2 posted', async () => (await draft(2)).status === 'posted', 20_000);
    expect(h.botPostsIn(h.support).map((message) => message.text)).toEqual([SECOND]);
    expect((await draft(1)).status).toBe('pending');
  });

  it('re-activated, the approver counts again: the thread and the card say so, and their approval posts the reply', async () => {
    const { sam } = h.people;
    const first = cardOf(1)!;
    await h.event({ type: 'user_change', user: h.fake.workspace.updateUser(sam, { deleted: false }) });
    await h.waitFor('the thread says they are back', () =>
      h.threadTexts().some((text) => text.includes(`<@${sam}>'s Slack account is active again, so they count as an approver again for the replies waiting for approval (#1).`)),
    );
    await h.waitFor('card #1 approvable again', () => cardText(first.ts).includes('Approvals: 0 of 1') && !cardText(first.ts).includes('cannot be approved'));
    // The alert and App Home no longer say it (the alert is edited on the user_change alone).
    await h.waitFor('the alert no longer says it', () => !rootText().includes('cannot be approved'));
    const home = await homeOf(sam);
    expect(home).not.toContain('cannot be approved');
    expect((await h.command(sam, 'status')).body).not.toContain('cannot be approved');
    expect(home).toContain('Reply #1 (rev. 2) of incident #1: 0 of 1 approvals');
    expect(cardText(first.ts)).not.toContain('No longer an approver');
    // Another profile change says nothing more.
    await h.event({ type: 'user_change', user: h.fake.workspace.getUser(sam) });
    await h.click(sam, h.alerts, first.ts, actionIds.approveDraft);
    await h.waitFor('reply #1 posted', async () => (await draft(1)).status === 'posted', 20_000);
    expect(h.botPostsIn(h.support).map((message) => message.text)).toEqual([SECOND, FIRST_EDITED]);
    expect(await prisma().timelineEvent.count({ where: { kind: 'approver_reactivated' } })).toBe(1);
    expect(await prisma().timelineEvent.count({ where: { kind: 'approver_deactivated' } })).toBe(1);
  });
});
