import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import {
  createPostMortem,
  nextActionItemReminder,
  reviewPostMortem,
  reviewerDeactivated,
  savePostMortem,
  setActionItemDone,
  validatePostMortemSubmission,
  type PostMortem,
  type PostMortemDecision,
  type PostMortemSubmission,
  type PostMortemTemplate,
} from '../../../src/domain/postmortems/index.js';

const T0 = Date.UTC(2026, 10, 21, 16, 0);
const DAY = 86_400_000;

const template: PostMortemTemplate = {
  questions: [
    { id: 'status-page', label: 'Did the status page match?', required: true, answer: 'long_text' },
    { id: 'template', label: 'Was the template good enough?', required: false, answer: 'yes_no' },
    { id: 'members', label: 'How many members wrote to support?', required: false, answer: 'number' },
  ],
  dueAfterMs: 5 * DAY,
  reviewerUserIds: ['ULUIS', 'UMARTA'],
  requiredFields: ['summary', 'impact', 'whatHappened'],
};

function complete(overrides: Partial<PostMortemSubmission> = {}): PostMortemSubmission {
  return {
    fields: { summary: 'Certificate expired.', impact: 'All logins for 52 min.', whatHappened: 'Expired at 13:38.', whatWentWell: '', whatToImprove: null },
    answers: { 'status-page': 'No, it lagged.', template: '', members: '' },
    actionItems: [{ text: 'Alert on expiring certificates', ownerUserId: 'UOPS', dueAt: T0 + 7 * DAY }],
    ...overrides,
  };
}

function ok(decision: PostMortemDecision) {
  if (!decision.ok) expect.fail(`expected acceptance, got ${decision.refusal.code}: ${JSON.stringify(decision.fieldErrors)}`);
  return decision;
}
function no(decision: PostMortemDecision) {
  if (decision.ok) expect.fail('expected a refusal');
  return decision;
}

describe('post-mortems', () => {
  let clock: ManualClock;
  let draft: PostMortem;

  beforeEach(() => {
    clock = new ManualClock(T0);
    const created = createPostMortem({ incidentId: 'inc-1', ownerUserId: 'UANA' }, template, clock);
    draft = created.postMortem;
  });

  it('is created from the template as a draft, invites the owner and sets a due reminder', () => {
    const { postMortem, effects } = createPostMortem({ incidentId: 'inc-1', ownerUserId: 'UANA' }, template, clock);
    expect(postMortem).toMatchObject({
      status: 'draft',
      ownerUserId: 'UANA',
      reviewerUserIds: ['ULUIS', 'UMARTA'],
      dueAt: T0 + 5 * DAY,
      fields: { summary: '', impact: '', whatHappened: '', whatWentWell: '', whatToImprove: '' },
      answers: { 'status-page': '', template: '', members: '' },
      round: 0,
    });
    expect(effects).toEqual([
      { type: 'invite_postmortem_owner', incidentId: 'inc-1', ownerUserId: 'UANA' },
      expect.objectContaining({ type: 'schedule_reminder', reason: 'postmortem_due', at: T0 + 5 * DAY, recipientUserIds: ['UANA'] }),
    ]);
  });

  describe('modal validation', () => {
    it('on submit, returns an error under every missing required field and question', () => {
      const result = validatePostMortemSubmission(draft, { fields: {}, answers: {}, actionItems: [] }, 'submit', 'en', clock);
      expect(result).toEqual({
        ok: false,
        errors: {
          summary: '“Summary” is required before the post-mortem can go to review.',
          impact: '“Impact” is required before the post-mortem can go to review.',
          whatHappened: '“What happened” is required before the post-mortem can go to review.',
          'question.status-page': '“Did the status page match?” is required before the post-mortem can go to review.',
        },
      });
    });

    it('on save, lets required fields stay empty but still refuses texts over the limit, stating it', () => {
      const result = validatePostMortemSubmission(draft, { fields: { impact: 'x'.repeat(3001) }, answers: {}, actionItems: [] }, 'save', 'es', clock);
      expect(result).toEqual({ ok: false, errors: { impact: 'Tiene 3001 caracteres; Slack admite como máximo 3000.' } });
      expect(validatePostMortemSubmission(draft, { fields: {}, answers: {}, actionItems: [] }, 'save', 'en', clock).ok).toBe(true);
    });

    it('checks every part of each action item and ignores rows left completely empty', () => {
      const result = validatePostMortemSubmission(
        draft,
        complete({
          actionItems: [
            { text: '', ownerUserId: null, dueAt: null },
            { text: 'Write runbook', ownerUserId: null, dueAt: T0 - DAY },
            { text: ' ', ownerUserId: 'UOPS', dueAt: null },
          ],
        }),
        'submit',
        'en',
        clock,
      );
      expect(result).toEqual({
        ok: false,
        errors: {
          'actionItems.1.owner': 'Choose who owns this action item.',
          'actionItems.1.dueAt': 'The due date is in the past.',
          'actionItems.2.text': 'Say what needs to be done.',
          'actionItems.2.dueAt': 'Pick a due date.',
        },
      });
    });

    it('checks yes/no and number answers, accepting a decimal comma', () => {
      const bad = validatePostMortemSubmission(draft, complete({ answers: { 'status-page': 'ok', template: 'maybe', members: 'twelve' } }), 'submit', 'en', clock);
      expect(bad).toEqual({ ok: false, errors: { 'question.template': 'Answer yes or no.', 'question.members': '“twelve” in “How many members wrote to support?” is not a number. Write digits, with a decimal point or comma if needed (for example 1.5).' } });
      const good = validatePostMortemSubmission(draft, complete({ answers: { 'status-page': 'ok', template: 'yes', members: '12,5' } }), 'submit', 'es', clock);
      expect(good.ok && good.value.answers).toEqual({ 'status-page': 'ok', template: 'yes', members: '12.5' });
    });

    it('refuses a number that could be thousands or decimals, but keeps a stored one sent back unchanged', () => {
      const answers = (members: string) => complete({ answers: { 'status-page': 'ok', template: 'yes', members } });
      const typed = validatePostMortemSubmission(draft, answers('1.234'), 'submit', 'es', clock);
      expect(typed.ok ? typed.value.answers : typed.errors['question.members']).toMatch(/^«1\.234» en «How many members wrote to support\?» se puede leer de dos maneras/);
      // 1,2340 was typed once and stored as 1.234: Slack shows it back as 1.234, and saving again keeps it.
      const stored = { ...draft, answers: { ...draft.answers, members: '1.234' } };
      const again = validatePostMortemSubmission(stored, answers('1.234'), 'submit', 'es', clock);
      expect(again.ok && again.value.answers['members']).toBe('1.234');
    });

    it('refuses answers to questions the playbook does not ask, and too many action items', () => {
      const many = Array.from({ length: 21 }, (_, i) => ({ text: `Task ${i}`, ownerUserId: 'UOPS', dueAt: T0 + DAY }));
      const result = validatePostMortemSubmission(draft, complete({ answers: { 'status-page': 'yes', bogus: 'x' }, actionItems: many }), 'submit', 'en', clock);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors['question.bogus']).toBe('This playbook has no question "bogus".');
      expect(result.errors['actionItems']).toBe('21 action items is too many for one post-mortem; keep it to 20 at most.');
    });

    it('returns the cleaned values, numbering new action items', () => {
      const result = validatePostMortemSubmission(draft, complete(), 'submit', 'en', clock);
      expect(result).toEqual({
        ok: true,
        value: {
          fields: { summary: 'Certificate expired.', impact: 'All logins for 52 min.', whatHappened: 'Expired at 13:38.', whatWentWell: '', whatToImprove: '' },
          answers: { 'status-page': 'No, it lagged.', template: '', members: '' },
          actionItems: [
            { id: 'inc-1/action-1', text: 'Alert on expiring certificates', ownerUserId: 'UOPS', dueAt: T0 + 7 * DAY, doneAt: null, doneByUserId: null },
          ],
        },
      });
    });
  });

  describe('saving and review', () => {
    it('saves a draft for the owner and refuses anyone else', () => {
      const saved = ok(savePostMortem(draft, { actorUserId: 'UANA', locale: 'en', intent: 'save', submission: complete() }, clock));
      expect(saved.postMortem.status).toBe('draft');
      expect(saved.effects).toEqual([]);
      const stranger = no(savePostMortem(draft, { actorUserId: 'UNOBODY', locale: 'en', intent: 'save', submission: complete() }, clock));
      expect(stranger.refusal.code).toBe('not_authorised');
      expect(stranger.audit).toMatchObject({
        actorUserId: 'UNOBODY',
        at: T0,
        outcome: 'refused',
        refusalCode: 'not_authorised',
        action: 'save_postmortem',
        text: 'Certificate expired.',
        details: { intent: 'save', submission: expect.objectContaining({ answers: { 'status-page': 'No, it lagged.', template: '', members: '' } }) },
      });
    });

    it('refuses an incomplete submission with the field errors for the modal', () => {
      const result = no(savePostMortem(draft, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: complete({ fields: { summary: 'x' } }) }, clock));
      expect(result.refusal).toEqual({ code: 'invalid_submission', message: 'The post-mortem was not saved: 2 fields need attention.' });
      expect(Object.keys(result.fieldErrors)).toEqual(['impact', 'whatHappened']);
    });

    it('a reviewer Slack deactivated is no longer waited for: published when the others approved, never with nobody left to review', () => {
      const submitted = ok(savePostMortem(draft, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: complete() }, clock));
      // Nobody approved yet: Marta alone is waited for now, the request redrawn.
      const waiting = ok(reviewerDeactivated(submitted.postMortem, { userId: 'ULUIS', locale: 'en' }, clock));
      expect(waiting.postMortem).toMatchObject({ status: 'in_review', reviewerUserIds: ['UMARTA'] });
      expect(waiting.effects).toEqual([{ type: 'notify_postmortem_reviewer_deactivated', incidentId: 'inc-1', userId: 'ULUIS', round: 1, published: false }]);
      // Marta gone too: nobody could review it, so it is neither changed nor published.
      expect(no(reviewerDeactivated(waiting.postMortem, { userId: 'UMARTA', locale: 'en' }, clock)).refusal.code).toBe('no_eligible_reviewer');
      // Luis approved, Marta is deactivated: published.
      const luis = ok(reviewPostMortem(submitted.postMortem, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' }, clock));
      const published = ok(reviewerDeactivated(luis.postMortem, { userId: 'UMARTA', locale: 'en' }, clock));
      expect(published.postMortem.status).toBe('published');
      expect(published.effects[0]).toEqual({ type: 'notify_postmortem_reviewer_deactivated', incidentId: 'inc-1', userId: 'UMARTA', round: 1, published: true });
      // Someone who already approved, or a draft, is no matter.
      expect(no(reviewerDeactivated(luis.postMortem, { userId: 'ULUIS', locale: 'en' }, clock)).refusal.code).toBe('not_a_reviewer');
      expect(no(reviewerDeactivated(draft, { userId: 'ULUIS', locale: 'en' }, clock)).refusal.code).toBe('not_in_review');
    });

    it('goes draft → in review → published once every reviewer approved the same round', () => {
      clock.advance(DAY);
      const submitted = ok(savePostMortem(draft, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: complete() }, clock));
      expect(submitted.postMortem).toMatchObject({ status: 'in_review', round: 1, submittedAt: T0 + DAY });
      expect(submitted.effects).toEqual([{ type: 'request_postmortem_review', incidentId: 'inc-1', reviewerUserIds: ['ULUIS', 'UMARTA'], round: 1 }]);
      expect(no(savePostMortem(submitted.postMortem, { actorUserId: 'UANA', locale: 'en', intent: 'save', submission: complete() }, clock)).refusal.code).toBe('in_review');
      // The same submission sent again by its author (Submit pressed twice: the form now names its action item) is done, with nothing changed; anything else is refused.
      const resent = complete({ actionItems: submitted.postMortem.actionItems.map(({ id, text, ownerUserId, dueAt }) => ({ id, text, ownerUserId, dueAt })) });
      const again = ok(savePostMortem(submitted.postMortem, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: resent }, clock));
      expect(again).toMatchObject({ postMortem: submitted.postMortem, effects: [], audit: { outcome: 'no_op', action: 'submit_postmortem' } });
      expect(no(savePostMortem(submitted.postMortem, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: { ...resent, fields: { ...resent.fields, summary: 'Another summary.' } } }, clock)).refusal.code).toBe('in_review');
      expect(no(savePostMortem(submitted.postMortem, { actorUserId: 'ULUIS', locale: 'en', intent: 'submit', submission: resent }, clock)).refusal.code).toBe('in_review');

      const luis = ok(reviewPostMortem(submitted.postMortem, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' }, clock));
      expect(luis.postMortem.status).toBe('in_review');
      expect(no(reviewPostMortem(luis.postMortem, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' }, clock)).refusal.code).toBe('already_reviewed');

      clock.advance(DAY);
      const marta = ok(reviewPostMortem(luis.postMortem, { actorUserId: 'UMARTA', locale: 'en', decision: 'approve' }, clock));
      expect(marta.postMortem).toMatchObject({ status: 'published', publishedAt: T0 + 2 * DAY });
      expect(marta.effects).toEqual([
        { type: 'publish_postmortem', incidentId: 'inc-1' },
        { type: 'cancel_reminder', reminderKey: 'postmortem:inc-1:due' },
        {
          type: 'schedule_reminder',
          reminderKey: 'postmortem:action:inc-1/action-1',
          incidentId: 'inc-1',
          reason: 'action_item',
          at: T0 + 7 * DAY,
          recipientUserIds: ['UOPS'],
          subject: 'Alert on expiring certificates',
        },
      ]);
      expect(no(savePostMortem(marta.postMortem, { actorUserId: 'UANA', locale: 'en', intent: 'save', submission: complete() }, clock)).refusal.code).toBe('published');
    });

    it('a request for changes sends it back to draft, and the next submission is a new round', () => {
      const submitted = ok(savePostMortem(draft, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: complete() }, clock)).postMortem;
      const luis = ok(reviewPostMortem(submitted, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' }, clock)).postMortem;
      expect(no(reviewPostMortem(luis, { actorUserId: 'UMARTA', locale: 'en', decision: 'request_changes', comment: '' }, clock)).refusal.code).toBe('comment_required');
      const back = ok(reviewPostMortem(luis, { actorUserId: 'UMARTA', locale: 'en', decision: 'request_changes', comment: 'Add the timeline of the status page.' }, clock));
      expect(back.postMortem.status).toBe('draft');
      expect(back.effects).toEqual([
        { type: 'notify_postmortem_changes_requested', incidentId: 'inc-1', ownerUserId: 'UANA', reviewerUserId: 'UMARTA', comment: 'Add the timeline of the status page.' },
      ]);

      const again = ok(savePostMortem(back.postMortem, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: complete() }, clock)).postMortem;
      expect(again.round).toBe(2);
      // Luis's approval was for round 1; Marta alone is not enough.
      const marta = ok(reviewPostMortem(again, { actorUserId: 'UMARTA', locale: 'en', decision: 'approve' }, clock));
      expect(marta.postMortem.status).toBe('in_review');
      expect(ok(reviewPostMortem(marta.postMortem, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' }, clock)).postMortem.status).toBe('published');
    });

    it('refuses reviews from non-reviewers, from the owner, and outside review', () => {
      expect(no(reviewPostMortem(draft, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' }, clock)).refusal.code).toBe('not_in_review');
      const withOwnerAsReviewer = createPostMortem({ incidentId: 'inc-1', ownerUserId: 'ULUIS' }, template, clock).postMortem;
      const submitted = ok(savePostMortem(withOwnerAsReviewer, { actorUserId: 'ULUIS', locale: 'en', intent: 'submit', submission: complete() }, clock));
      // The owner is not asked to review their own work.
      expect(submitted.effects).toEqual([expect.objectContaining({ reviewerUserIds: ['UMARTA'] })]);
      expect(no(reviewPostMortem(submitted.postMortem, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' }, clock)).refusal.code).toBe('own_postmortem');
      const stranger = no(reviewPostMortem(submitted.postMortem, { actorUserId: 'UNOBODY', locale: 'es', decision: 'approve' }, clock));
      expect(stranger.refusal).toEqual({ code: 'not_a_reviewer', message: 'No figuras entre los revisores de este post-mortem.' });
      expect(ok(reviewPostMortem(submitted.postMortem, { actorUserId: 'UMARTA', locale: 'en', decision: 'approve' }, clock)).postMortem.status).toBe('published');
    });

    it('is not published unreviewed when nobody but its authors could review it: refused, still a draft', () => {
      for (const reviewerUserIds of [[], ['UANA']]) {
        const solo = createPostMortem({ incidentId: 'inc-1', ownerUserId: 'UANA' }, { ...template, reviewerUserIds }, clock).postMortem;
        const result = no(savePostMortem(solo, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: complete() }, clock));
        expect(result.refusal.code).toBe('no_eligible_reviewer');
        expect(result.audit).toMatchObject({ outcome: 'refused', refusalCode: 'no_eligible_reviewer' });
      }
    });
  });

  describe('action items', () => {
    function published(): PostMortem {
      const submitted = ok(savePostMortem(draft, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: complete() }, clock)).postMortem;
      const one = ok(reviewPostMortem(submitted, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' }, clock)).postMortem;
      return ok(reviewPostMortem(one, { actorUserId: 'UMARTA', locale: 'en', decision: 'approve' }, clock)).postMortem;
    }

    it('stop being reminded when done and are reminded again when reopened', () => {
      const pm = published();
      clock.advance(DAY);
      const done = ok(setActionItemDone(pm, { actorUserId: 'UOPS', locale: 'en', actionItemId: 'inc-1/action-1', done: true }, clock));
      expect(done.postMortem.actionItems[0]).toMatchObject({ doneAt: T0 + DAY, doneByUserId: 'UOPS' });
      expect(done.effects).toEqual([{ type: 'cancel_reminder', reminderKey: 'postmortem:action:inc-1/action-1' }]);
      expect(no(setActionItemDone(done.postMortem, { actorUserId: 'UOPS', locale: 'en', actionItemId: 'inc-1/action-1', done: true }, clock)).refusal.code).toBe(
        'action_item_unchanged',
      );
      const undone = ok(setActionItemDone(done.postMortem, { actorUserId: 'UOPS', locale: 'en', actionItemId: 'inc-1/action-1', done: false }, clock));
      expect(undone.effects).toEqual([expect.objectContaining({ type: 'schedule_reminder', reminderKey: 'postmortem:action:inc-1/action-1' })]);
      expect(no(setActionItemDone(pm, { actorUserId: 'UOPS', locale: 'en', actionItemId: 'nope', done: true }, clock)).refusal.code).toBe('action_item_not_found');
    });

    it('are reminded again at 17:00 on the workspace’s wall clock after each reminder until done, and never before publication', () => {
      expect(nextActionItemReminder(draft, 'inc-1/action-1', clock, 'UTC')).toBeNull();
      const pm = published();
      clock.advance(8 * DAY); // 2026-11-29 16:00 UTC
      const nextAt = (timeZone: string) => (nextActionItemReminder(pm, 'inc-1/action-1', clock, timeZone) as { at: number } | null)?.at;
      expect(nextActionItemReminder(pm, 'inc-1/action-1', clock, 'UTC')).toEqual(
        expect.objectContaining({ type: 'schedule_reminder', reminderKey: 'postmortem:action:inc-1/action-1', at: Date.UTC(2026, 10, 30, 17), recipientUserIds: ['UOPS'] }),
      );
      expect(nextAt('Europe/Madrid')).toBe(Date.UTC(2026, 10, 30, 16));
      expect(nextAt('America/Mexico_City')).toBe(Date.UTC(2026, 10, 30, 23));
      // A reminder that fired late in the night is followed by the same day's 17:00, not one 24 h later.
      const late = new ManualClock(Date.UTC(2026, 10, 30, 3));
      expect((nextActionItemReminder(pm, 'inc-1/action-1', late, 'UTC') as { at: number }).at).toBe(Date.UTC(2026, 10, 30, 17));
      // Across Madrid's fall-back night: still 17:00 local (16:00 UTC instead of 15:00).
      const beforeFallBack = new ManualClock(Date.UTC(2026, 9, 24, 15));
      expect((nextActionItemReminder(pm, 'inc-1/action-1', beforeFallBack, 'Europe/Madrid') as { at: number }).at).toBe(Date.UTC(2026, 9, 25, 16));
      const done = ok(setActionItemDone(pm, { actorUserId: 'UOPS', locale: 'en', actionItemId: 'inc-1/action-1', done: true }, clock)).postMortem;
      expect(nextActionItemReminder(done, 'inc-1/action-1', clock, 'UTC')).toBeNull();
    });

    it('keep their id and done state when the draft is edited, and new ones get fresh numbers', () => {
      const saved = ok(savePostMortem(draft, { actorUserId: 'UANA', locale: 'en', intent: 'save', submission: complete() }, clock)).postMortem;
      const ticked = ok(setActionItemDone(saved, { actorUserId: 'UOPS', locale: 'en', actionItemId: 'inc-1/action-1', done: true }, clock));
      expect(ticked.effects).toEqual([]); // no reminders before publication
      const edited = ok(
        savePostMortem(
          ticked.postMortem,
          {
            actorUserId: 'UANA',
            locale: 'en',
            intent: 'save',
            submission: complete({
              actionItems: [
                { id: 'inc-1/action-1', text: 'Alert on certificates expiring within 14 days', ownerUserId: 'UOPS', dueAt: T0 + 7 * DAY },
                { text: 'Spanish template', ownerUserId: 'UANA', dueAt: T0 + 3 * DAY },
              ],
            }),
          },
          clock,
        ),
      ).postMortem;
      expect(edited.actionItems.map((a) => [a.id, a.text, a.doneByUserId])).toEqual([
        ['inc-1/action-1', 'Alert on certificates expiring within 14 days', 'UOPS'],
        ['inc-1/action-2', 'Spanish template', null],
      ]);
    });
  });
});
