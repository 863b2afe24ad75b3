// Two people's saves of one post-mortem: what the later one did not touch keeps the earlier one's text,
// what both changed is refused under its input, never silently replaced.
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { t } from '../../../src/i18n/index.js';
import {
  createPostMortem,
  fingerprint,
  mergeSubmission,
  savePostMortem,
  shownPostMortem,
  type ActionItem,
  type ActionItemInput,
  type PostMortem,
  type PostMortemSubmission,
  type PostMortemTemplate,
} from '../../../src/domain/postmortems/index.js';

const T0 = Date.UTC(2026, 10, 21, 16, 0);
const DAY = 86_400_000;
const template: PostMortemTemplate = {
  questions: [
    { id: 'status-page', label: 'Did the status page match?', required: false, answer: 'long_text' },
    { id: 'members', label: 'How many members wrote to support?', required: false, answer: 'number' },
  ],
  dueAfterMs: 5 * DAY,
  reviewerUserIds: ['USAM'],
  requiredFields: ['summary'],
};

const item = (n: number, text: string, ownerUserId = 'UOPS', dueAt = T0 + 7 * DAY): ActionItem => ({ id: `inc-1/action-${n}`, text, ownerUserId, dueAt, doneAt: null, doneByUserId: null });
const row = (a: ActionItem): ActionItemInput => ({ id: a.id, text: a.text, ownerUserId: a.ownerUserId, dueAt: a.dueAt });
const emptyRow: ActionItemInput = { id: null, text: null, ownerUserId: null, dueAt: null };

/** What the form built from `pm` sends when nobody touches it (rows: its items, then one empty row). */
function asShown(pm: PostMortem): PostMortemSubmission {
  return {
    fields: { ...pm.fields },
    answers: { ...pm.answers },
    actionItems: [...pm.actionItems.map(row), { ...emptyRow }],
  };
}

describe('merging a save with what others saved since the form was opened', () => {
  let opened: PostMortem;

  beforeEach(() => {
    const created = createPostMortem({ incidentId: 'inc-1', ownerUserId: 'UANN', resolutionSummary: 'Processor down.' }, template, new ManualClock(T0));
    opened = {
      ...created.postMortem,
      fields: { ...created.postMortem.fields, impact: 'Payments failed.' },
      answers: { 'status-page': 'It lagged.', members: '12' },
      actionItems: [item(1, 'Alert on processor errors'), item(2, 'Write the runbook')],
    };
  });

  it('a field sent as shown keeps the newer stored value; a field only the sender changed takes theirs', () => {
    const now: PostMortem = { ...opened, fields: { ...opened.fields, summary: 'Ann: processor down 40 min.' } };
    const sent = asShown(opened);
    const merged = mergeSubmission(now, { ...sent, fields: { ...sent.fields, impact: 'Sam: every card payment failed.' } }, shownPostMortem(opened));
    expect(merged).toMatchObject({ ok: true, submission: { fields: { summary: 'Ann: processor down 40 min.', impact: 'Sam: every card payment failed.' } } });
  });

  it('a field both changed differently is a conflict under it; both writing the same is not', () => {
    const now: PostMortem = { ...opened, fields: { ...opened.fields, summary: 'Ann: processor down.' }, answers: { ...opened.answers, members: '15' } };
    const sent = asShown(opened);
    const both = mergeSubmission(now, { ...sent, fields: { ...sent.fields, summary: 'Sam: checkout down.' }, answers: { ...sent.answers, members: '20' } }, shownPostMortem(opened));
    expect(both).toEqual({ ok: false, conflicts: ['summary', 'question.members'] });
    const same = mergeSubmission(now, { ...sent, fields: { ...sent.fields, summary: 'Ann: processor down.' } }, shownPostMortem(opened));
    expect(same).toMatchObject({ ok: true, submission: { fields: { summary: 'Ann: processor down.' }, answers: { members: '15' } } });
  });

  it('a field emptied by the sender is their change; one they left empty stays as the other filled it', () => {
    const shownEmpty: PostMortem = { ...opened, fields: { ...opened.fields, whatWentWell: '' } };
    const now: PostMortem = { ...shownEmpty, fields: { ...shownEmpty.fields, whatWentWell: 'Ann: staff answered fast.' } };
    const sent = { ...asShown(shownEmpty), fields: { ...asShown(shownEmpty).fields, whatWentWell: null, impact: '  ' } };
    expect(mergeSubmission(now, sent, shownPostMortem(shownEmpty))).toMatchObject({ ok: true, submission: { fields: { whatWentWell: 'Ann: staff answered fast.', impact: '' } } });
  });

  it('action items: untouched rows keep the other’s edit or removal, items added since are kept, the sender’s new ones added', () => {
    const added = item(3, 'Ann: page the payments team');
    const now: PostMortem = { ...opened, actionItems: [item(1, 'Ann: alert on processor errors within 1 min'), added] };
    const sent = asShown(opened);
    const mine: ActionItemInput = { id: null, text: 'Sam: status page template', ownerUserId: 'USAM', dueAt: T0 + 3 * DAY };
    const merged = mergeSubmission(now, { ...sent, actionItems: [sent.actionItems[0]!, sent.actionItems[1]!, mine] }, shownPostMortem(opened));
    expect(merged).toEqual({
      ok: true,
      emptied: [],
      submission: expect.objectContaining({
        // Row 0: Ann's edit. Row 1: Ann removed it, Sam left it: stays removed. Row 2: Sam's new item. Then Ann's new one.
        actionItems: [row(now.actionItems[0]!), emptyRow, mine, row(added)],
      }),
    });
  });

  it('action items: the sender’s edit or removal of a row nobody else touched is taken', () => {
    const sent = asShown(opened);
    const edited = { ...sent.actionItems[0]!, text: 'Sam: alert sooner' };
    const merged = mergeSubmission(opened, { ...sent, actionItems: [edited, { ...emptyRow }] }, shownPostMortem(opened));
    expect(merged).toEqual({ ok: true, emptied: [], submission: expect.objectContaining({ actionItems: [edited, emptyRow] }) });
  });

  it('action items: an item both changed, or one the other removed and the sender edited, is a conflict under its row', () => {
    const now: PostMortem = { ...opened, actionItems: [item(1, 'Ann: alert within 1 min')] };
    const sent = asShown(opened);
    const merged = mergeSubmission(
      now,
      { ...sent, actionItems: [{ ...sent.actionItems[0]!, ownerUserId: 'USAM' }, { ...sent.actionItems[1]!, text: 'Sam: write and test the runbook' }] },
      shownPostMortem(opened),
    );
    expect(merged).toEqual({ ok: false, conflicts: ['actionItems.0.text', 'actionItems.1.text'] });
    // Both removing the same item agrees.
    expect(mergeSubmission(now, { ...sent, actionItems: [sent.actionItems[0]!, { ...emptyRow, id: 'inc-1/action-2' }] }, shownPostMortem(opened)).ok).toBe(true);
  });

  it('a text someone else emptied stays empty and is named; told, the sender’s text is taken', () => {
    const now: PostMortem = { ...opened, fields: { ...opened.fields, impact: '' } };
    const sent = asShown(opened);
    expect(mergeSubmission(now, sent, shownPostMortem(opened))).toMatchObject({ ok: true, emptied: ['impact'], submission: { fields: { impact: '' } } });
    expect(mergeSubmission(now, sent, shownPostMortem(opened), new Set(['impact']))).toMatchObject({ ok: true, emptied: [], submission: { fields: { impact: opened.fields.impact } } });
  });

  it('a required field emptied meanwhile: the refusal says so and who (or someone); told, the same form sent again keeps the text', () => {
    const clock = new ManualClock(T0 + DAY);
    const now: PostMortem = { ...opened, fields: { ...opened.fields, summary: '' } };
    const command = { actorUserId: 'UANN', locale: 'en' as const, intent: 'submit' as const, submission: asShown(opened), shown: shownPostMortem(opened) };
    const unknown = savePostMortem(now, command, clock);
    expect(unknown).toMatchObject({ ok: false, fieldErrors: { summary: t('en', 'postmortem.error.emptied_since_opened', { who: null }) }, emptiedBy: { summary: null } });
    expect(unknown.audit.details).toMatchObject({ emptied: ['summary'] });
    const bySam = savePostMortem(now, { ...command, recentSaves: [{ actorUserId: 'USAM', accepted: true, changed: ['summary'] }] }, clock);
    expect(bySam).toMatchObject({ ok: false, emptiedBy: { summary: 'USAM' } });
    // Her refusal is the latest save: sent again, her text is kept (and it goes to review).
    const told = [{ actorUserId: 'UANN', accepted: false, emptied: ['summary'] }, { actorUserId: 'USAM', accepted: true, changed: ['summary'] }];
    const again = savePostMortem(now, { ...command, locale: 'es', recentSaves: told }, clock);
    expect(again.ok && again.postMortem.fields.summary).toBe('Processor down.');
    expect(again.audit.details).toMatchObject({ changed: ['summary'] });
    // Someone saved since she was told: she is told again rather than overruling it unseen.
    expect(savePostMortem(now, { ...command, recentSaves: [{ actorUserId: 'USAM', accepted: true, changed: ['impact'] }, ...told] }, clock).ok).toBe(false);
  });

  it('due dates fingerprinted as the days shown: a change of zone leaves an untouched item untouched', () => {
    const shown = shownPostMortem(opened, opened.actionItems, 'Europe/Madrid');
    const sent = asShown(opened);
    // The same day picked, read in another zone now (another instant), is still the item as shown.
    const days = sent.actionItems.map((row) => (row.dueAt === null ? row : { ...row, dueAt: row.dueAt + 9 * 3_600_000, dueDay: new Date(row.dueAt).toISOString().slice(0, 10) }));
    const merged = mergeSubmission(opened, { ...sent, actionItems: days }, shown);
    expect(merged.ok && merged.submission.actionItems.filter((row) => row.id).map((row) => row.dueAt)).toEqual(opened.actionItems.map((item) => item.dueAt));
    // Without the zone (a form from before), the other instant is an edit.
    const before = mergeSubmission(opened, { ...sent, actionItems: days }, shownPostMortem(opened));
    expect(before.ok && before.submission.actionItems.filter((row) => row.id).map((row) => row.dueAt)).not.toEqual(opened.actionItems.map((item) => item.dueAt));
  });

  it('inputs the form did not fingerprint are taken as sent', () => {
    const now: PostMortem = { ...opened, fields: { ...opened.fields, summary: 'Ann: newer.' } };
    const sent = asShown(opened);
    const merged = mergeSubmission(now, sent, { fields: {}, answers: {}, actionItems: {} });
    expect(merged).toMatchObject({ ok: true, submission: { fields: { summary: 'Processor down.' } } });
    expect(fingerprint('Processor down.')).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('savePostMortem with what the form showed', () => {
  const clock = new ManualClock(T0);
  const opened: PostMortem = {
    ...createPostMortem({ incidentId: 'inc-1', ownerUserId: 'UANN', resolutionSummary: 'Processor down.' }, template, clock).postMortem,
    actionItems: [item(1, 'Alert on processor errors')],
  };
  const annSaved: PostMortem = { ...opened, fields: { ...opened.fields, summary: 'Ann: processor down 40 min.' }, contributorUserIds: [] };

  it('merges: Ann’s summary stays, Sam’s impact is saved, Sam is an author for his change only', () => {
    const sent = asShown(opened);
    const decision = savePostMortem(annSaved, { actorUserId: 'USAM', locale: 'en', intent: 'save', submission: { ...sent, fields: { ...sent.fields, impact: 'Sam: cards failed.' } }, shown: shownPostMortem(opened) }, clock);
    if (!decision.ok) expect.fail(decision.refusal.message);
    expect(decision.postMortem.fields).toMatchObject({ summary: 'Ann: processor down 40 min.', impact: 'Sam: cards failed.' });
    expect(decision.postMortem.contributorUserIds).toEqual(['USAM']);
    expect(decision.audit.text).toBe('Ann: processor down 40 min.');
  });

  it('refuses both-changed with a field error in the submitter’s language, audited with what was sent', () => {
    const sent = asShown(opened);
    const submission = { ...sent, fields: { ...sent.fields, summary: 'Sam: checkout down.' } };
    const decision = savePostMortem(annSaved, { actorUserId: 'USAM', locale: 'es', intent: 'save', submission, shown: shownPostMortem(opened) }, clock);
    if (decision.ok) expect.fail('expected a refusal');
    expect(decision.refusal.code).toBe('edited_since_opened');
    expect(decision.fieldErrors).toEqual({ summary: expect.stringContaining('Otra persona guardó un cambio en este campo') });
    expect(decision.audit).toMatchObject({ outcome: 'refused', refusalCode: 'edited_since_opened', text: 'Sam: checkout down.', details: { conflicts: ['summary'] } });
  });

  it('without what the form showed (a modal opened before), the submission is taken as sent, as before', () => {
    const decision = savePostMortem(annSaved, { actorUserId: 'USAM', locale: 'en', intent: 'save', submission: asShown(opened) }, clock);
    if (!decision.ok) expect.fail(decision.refusal.message);
    expect(decision.postMortem.fields.summary).toBe('Processor down.');
  });
});
