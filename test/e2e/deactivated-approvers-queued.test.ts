// A reply approved while an approver named in the playbook was deactivated, queued to post, and the
// approver re-activated before it went out: under a quorum of `all` they count again and have not
// approved it, so nothing reaches the community, whether or not this instance heard of the change
// (the outbox's last gate asks Slack about the approvers it leaves out as deactivated). The thread
// says why, and the card and the alert say the reply was approved but not posted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftNumbered, draftValues, findButtons, playbookNaming, startHarness, type Harness, type People } from './harness.js';

const FIRST = 'We know refunds are slow today and we are on it. Reach us at help@acme.test if it affects you.';
const SECOND = 'Refunds are being processed again; thanks for your patience. Reach us at help@acme.test if yours is missing.';
const HELD_BECAUSE = 'was held and not posted: more people may approve it now than when it was approved (an approver whose Slack account is active again';

/** Ann, Ben and Sam approve, named by user id, all of them needed; four-eyes. Cleo writes the replies. */
const playbook = (people: People) =>
  playbookNaming({ approvers: [people.ann, people.ben, people.sam], quorum: 'all' });

describe.each(availableProviders)('an approver re-activated while an approved reply is queued, on %s', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider, playbook });
  });
  afterAll(async () => {
    await h?.close();
  });

  const prisma = () => h.app.database.prisma;
  const cardText = (ts: string) => JSON.stringify(h.fake.workspace.findMessage(h.alerts, ts)?.blocks ?? []);
  const attempts = () => h.fake.api.calls('chat.postMessage').filter((call) => call.args['channel'] === h.support).length;
  const draft = (number: number) => draftNumbered(h, number);
  /** Whether the outbox posted reply #number or held it (not_posted), once it has done either. */
  const outcomeOf = (number: number) =>
    h.waitFor(`reply #${number} posted or held`, async () => {
      const { status } = await draft(number);
      return status === 'posted' || status === 'not_posted' ? status : undefined;
    });
  const cardOf = (number: number) => h.thread().find((message) => message.text.startsWith(`Reply #${number}:`) && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));

  /** Cleo drafts `text`; Ann and Ben (everyone still here) approve it while Slack holds its post (429). */
  const approvedAndQueued = async (text: string, number: number) => {
    const { ann, ben, cleo } = h.people;
    await h.click(cleo, h.alerts, h.rootMessage()!.ts, actionIds.draftReply);
    await h.waitFor('the draft modal', () => h.openModal(cleo));
    await h.submit(cleo, draftValues(text));
    const card = await h.waitFor(`the card of reply #${number}`, () => cardOf(number));
    const before = attempts();
    h.fake.api.faults.rateLimit('chat.postMessage', 5, { channel: h.support, times: 1 });
    await h.click(ann, h.alerts, card.ts, actionIds.approveDraft);
    await h.waitFor('Ann’s approval', async () => (await prisma().approval.count({ where: { approverUserId: ann, draftId: { endsWith: `/draft-${number}` } } })) === 1);
    await h.click(ben, h.alerts, card.ts, actionIds.approveDraft);
    await h.waitFor(`reply #${number} approved`, async () => (await draft(number)).status === 'approved');
    await h.waitFor('the first attempt to post', () => attempts() > before);
    return card;
  };

  it('told by Slack’s user_change: the queued post is held, and the thread says the quorum now needs them', async () => {
    const { sam, cleo } = h.people;
    await h.command(cleo, `declare <#${h.support}|support> sev2 Refunds are slow`);
    await h.waitFor('the alert', () => h.rootMessage());
    await h.event({ type: 'user_change', user: h.fake.workspace.updateUser(sam, { deleted: true }) });
    const card = await approvedAndQueued(FIRST, 1);

    // Slack re-activates Sam before the post goes out: `all` means Ann, Ben and Sam again.
    await h.event({ type: 'user_change', user: h.fake.workspace.updateUser(sam, { deleted: false }) });
    expect(await outcomeOf(1)).toBe('not_posted');
    await h.waitFor('the thread says why', () => h.threadTexts().some((text) => text.includes(`Reply #1 ${HELD_BECAUSE}`)));
    await h.waitFor('the card says it was not posted', () => cardText(card.ts).includes('Approved but not posted'));
    await h.waitFor('the alert counts it', () => JSON.stringify(h.rootMessage()?.blocks ?? []).includes('1 approved but not posted'));
    expect(h.botPostsIn(h.support)).toEqual([]);
  });

  it('never told (another instance got the event): the outbox’s last gate asks Slack about the approvers it left out, and holds the post', async () => {
    const { sam } = h.people;
    await h.event({ type: 'user_change', user: h.fake.workspace.updateUser(sam, { deleted: true }) });
    await approvedAndQueued(SECOND, 2);

    // Re-activated in Slack; no user_change reaches this instance, whose last answer says deactivated.
    h.fake.workspace.updateUser(sam, { deleted: false });
    expect(await outcomeOf(2)).toBe('not_posted');
    await h.waitFor('the thread says why', () => h.threadTexts().some((text) => text.includes(`Reply #2 ${HELD_BECAUSE}`)));
    expect(h.botPostsIn(h.support)).toEqual([]);
    expect(await prisma().timelineEvent.count({ where: { kind: 'reply_posted' } })).toBe(0);
  });
});
