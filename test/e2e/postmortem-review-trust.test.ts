// Four-eyes on post-mortems, through Slack: whoever wrote part of a post-mortem (its owner, or a reviewer
// who edited it) cannot approve it, is told who can, and the refusal is audited; a post-mortem every
// reviewer wrote is not sent for review into a dead end: the modal says so, keeps what was typed, and the
// thread says who can fix it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { isoDay } from '../../src/slack/blocks/postmortem.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playSpike, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const DAY = 86_400_000;
const text = (value: string) => ({ type: 'plain_text_input', value });
const errorsOf = (body: string): Record<string, string> => (JSON.parse(body || '{}') as { errors?: Record<string, string> }).errors ?? {};
const intent = (value: 'save' | 'submit') => ({ [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value } } } });

/** Acknowledged by ann (so she owns the post-mortem), its required step ticked, resolved. */
async function resolvedIncident(harness: Harness): Promise<string> {
  const prisma = harness.app.database.prisma;
  const { ann } = harness.people;
  await playSpike(harness);
  const root = await harness.waitFor('the alert', () => harness.rootMessage());
  await harness.waitFor('the root ts recorded', async () => (await prisma.incident.findFirst({ where: { rootTs: { not: null } } })) ?? undefined);
  await harness.click(ann, harness.alerts, root.ts, actionIds.acknowledge);
  await harness.waitFor('the lead', async () => (await prisma.incident.findFirst({ where: { leadUserId: ann } })) ?? undefined);
  const checklist = await harness.waitFor('the checklist', () => harness.thread().find((m) => findButtons(m.blocks ?? []).some((b) => b.action_id === actionIds.toggleStep)));
  await harness.click(ann, harness.alerts, checklist.ts, actionIds.toggleStep);
  await harness.waitFor('the step ticked', async () => (await prisma.checklistItem.count({ where: { doneAt: { not: null } } })) === 1);
  await harness.command(ann, 'resolve 1 Card processor restored');
  const incident = await harness.waitFor('resolution', async () => (await prisma.incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
  await harness.waitFor('the post-mortem', async () => (await prisma.postMortem.findUnique({ where: { incidentId: incident.id } })) ?? undefined);
  return incident.id;
}

describe.each(availableProviders)('post-mortem four-eyes through Slack on %s', (provider) => {
  let harness: Harness;
  let incidentId: string;
  const prisma = () => harness.app.database.prisma;
  const threadWith = (actionId: string) => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));
  const stored = () => prisma().postMortem.findUniqueOrThrow({ where: { incidentId } });

  const complete = (lessons: string) => ({
    summary: { summary: text('Card payments failed because the processor was down.') },
    impact: { impact: text('Card payments failed for 40 minutes.') },
    whatHappened: { whatHappened: text('The card processor went down.') },
    'question.lessons': { 'question.lessons': text(lessons) },
    [postMortemInputIds.actionItem(0, 'text')]: { [postMortemInputIds.actionItem(0, 'text')]: text('Alert on card processor errors') },
    [postMortemInputIds.actionItem(0, 'owner')]: { [postMortemInputIds.actionItem(0, 'owner')]: { type: 'users_select', selected_user: harness.people.sam } },
    [postMortemInputIds.actionItem(0, 'dueAt')]: { [postMortemInputIds.actionItem(0, 'dueAt')]: { type: 'datepicker', selected_date: isoDay(Date.now() + 7 * DAY, 'UTC') } },
  });

  /** `user` opens the post-mortem from the invitation and submits the modal with `values`. */
  async function write(user: string, values: Record<string, Record<string, unknown>>) {
    const invite = await harness.waitFor('the invitation', () => threadWith(actionIds.openPostMortem)[0]);
    await harness.click(user, harness.alerts, invite.ts, actionIds.openPostMortem);
    await harness.waitFor(`the post-mortem modal for ${user}`, () => harness.openModal(user));
    return harness.submit(user, values);
  }

  describe('a reviewer who wrote part of it', () => {
    beforeAll(async () => {
      harness = await startHarness({ provider });
      incidentId = await resolvedIncident(harness);
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('cannot approve it: told why and who can, audited, nothing changes; the reviewer who did not write it publishes it', async () => {
      const { ann, ben, cleo } = harness.people;
      // Ben, one of the reviewers, writes the lessons; ann, the owner, completes it and sends it for review.
      expect(errorsOf((await write(ben, { ...complete('Ben: tell members sooner.'), ...intent('save') })).body)).toEqual({});
      // Cleo opens it and saves it unchanged: reading is not writing, she may still review it.
      expect(errorsOf((await write(cleo, { ...complete('Ben: tell members sooner.'), ...intent('save') })).body)).toEqual({});
      expect((await stored()).contributorUserIds).toEqual([ben]);
      expect(errorsOf((await write(ann, { ...complete('Tell members sooner.'), ...intent('submit') })).body)).toEqual({});
      const review = await harness.waitFor('the review request', () => threadWith(actionIds.approvePostMortem)[0]);
      // Only the reviewer who wrote none of it is asked.
      expect(review.text).toContain(`<@${cleo}>`);
      expect(review.text).not.toContain(`<@${ben}>`);
      const before = await stored();
      expect(before.status).toBe('in_review');

      await harness.click(ben, harness.alerts, review.ts, actionIds.approvePostMortem);
      const refusal = t('en', 'postmortem.refusal.own_postmortem', { owner: false, reviewers: [cleo] });
      expect(refusal).toContain('You wrote part of this post-mortem');
      await harness.waitFor('the refusal to ben', () => harness.ephemeralTexts(ben).find((entry) => entry.includes(refusal)));
      const audit = await prisma().auditLog.findFirstOrThrow({ where: { action: 'review_postmortem', outcome: 'refused', userId: ben } });
      expect(audit.data).toMatchObject({ refusalCode: 'own_postmortem', decision: 'approve' });
      const after = await stored();
      expect(after.status).toBe('in_review');
      expect(after.reviews).toEqual([]);
      expect(after.version).toBe(before.version);

      // Nor can he send it back: told at once, no modal opened, audited.
      const opened = harness.fake.api.calls('views.open').length;
      const told = harness.ephemeralTexts(ben).length;
      await harness.click(ben, harness.alerts, review.ts, actionIds.requestPostMortemChanges);
      await harness.waitFor('the second refusal to ben', () => harness.ephemeralTexts(ben).slice(told).find((entry) => entry.includes(refusal)));
      expect(harness.fake.api.calls('views.open')).toHaveLength(opened);
      expect(harness.openModal(ben)).toBeUndefined();
      const sendBack = await prisma().auditLog.findFirstOrThrow({ where: { action: 'review_postmortem', outcome: 'refused', userId: ben, NOT: { id: audit.id } } });
      expect(sendBack.data).toMatchObject({ refusalCode: 'own_postmortem', decision: 'request_changes' });
      expect((await stored()).version).toBe(before.version);

      // The owner is told the same way.
      await harness.click(ann, harness.alerts, review.ts, actionIds.approvePostMortem);
      await harness.waitFor('the refusal to ann', () =>
        harness.ephemeralTexts(ann).find((entry) => entry.includes(t('en', 'postmortem.refusal.own_postmortem', { owner: true, reviewers: [cleo] }))),
      );

      await harness.click(cleo, harness.alerts, review.ts, actionIds.approvePostMortem);
      await harness.waitFor('published', async () => (await stored()).status === 'published');
      expect((await stored()).reviews).toMatchObject([{ reviewerUserId: cleo, decision: 'approve' }]);
    });
  });

  describe('a post-mortem every reviewer wrote part of', () => {
    beforeAll(async () => {
      harness = await startHarness({ provider });
      incidentId = await resolvedIncident(harness);
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('is not sent for review: the modal says so and keeps what was typed, the thread says who can fix it, nothing is lost', async () => {
      const { ann, ben, cleo } = harness.people;
      expect(errorsOf((await write(ben, { ...complete('Ben: tell members sooner.'), ...intent('save') })).body)).toEqual({});
      expect(errorsOf((await write(cleo, { ...complete('Cleo: watch the processor.'), ...intent('save') })).body)).toEqual({});
      const before = await stored();

      const sent = await write(ann, { ...complete('Ann: both of the above.'), ...intent('submit') });
      expect(errorsOf(sent.body)).toEqual({ [postMortemInputIds.intent]: t('en', 'ui.pm.no_eligible_reviewer', {}) });
      // The modal stays open with what ann typed; the stored post-mortem is as it was.
      expect(harness.openModal(ann)).toBeDefined();
      const after = await stored();
      expect(after).toMatchObject({ status: 'draft', round: 0, version: before.version, answers: { lessons: 'Cleo: watch the processor.' } });
      expect(threadWith(actionIds.approvePostMortem)).toEqual([]);
      const full = t('en', 'postmortem.refusal.no_eligible_reviewer', { reviewers: [ann, ben, cleo], authors: [ann, ben, cleo] });
      expect(full).toContain('Ask an admin to add someone who did not write it');
      await harness.waitFor('the refusal in the thread', () => harness.ephemeralTexts(ann).find((entry) => entry.includes(full)));
      const audit = await prisma().auditLog.findFirstOrThrow({ where: { action: 'submit_postmortem', outcome: 'refused', userId: ann } });
      expect(audit.data).toMatchObject({ refusalCode: 'no_eligible_reviewer' });

      // "Keep as draft" from the same modal saves what she typed.
      expect(errorsOf((await harness.submit(ann, { ...complete('Ann: both of the above.'), ...intent('save') })).body)).toEqual({});
      expect(await stored()).toMatchObject({ status: 'draft', answers: { lessons: 'Ann: both of the above.' } });

      // What the refusal advises: an admin adds a reviewer who did not write it to the playbook, and
      // the same post-mortem, sent again, goes to her alone; her approval publishes it.
      const { nina } = harness.people;
      writeFileSync(join(harness.playbooksDir, 'e2e-support.yaml'), TWO_APPROVER_PLAYBOOK.replace('reviewers: [approvers]', `reviewers: [approvers, ${nina}]`));
      await harness.waitFor('the edited playbook', () => harness.app.runtime?.playbooks.get('e2e-support')?.postMortem.reviewers.includes(nina));
      expect(errorsOf((await write(ann, { ...complete('Ann: both of the above.'), ...intent('submit') })).body)).toEqual({});
      const review = await harness.waitFor('the review request', () => threadWith(actionIds.approvePostMortem)[0]);
      expect(review.text).toContain(`<@${nina}>`);
      for (const author of [ann, ben, cleo]) expect(review.text).not.toContain(`<@${author}>`);
      await harness.click(nina, harness.alerts, review.ts, actionIds.approvePostMortem);
      await harness.waitFor('published', async () => (await stored()).status === 'published');
    });
  });
});
