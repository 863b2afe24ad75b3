// What the post-mortem modal sends, read back into the domain's submission: fields, typed answers,
// action-item rows (existing ones keep their ids) and due days in the team's time zone.
import { describe, expect, it } from 'vitest';
import { atLocalHour, ManualClock } from '../../src/domain/clock.js';
import { createPostMortem, savePostMortem, validatePostMortemSubmission } from '../../src/domain/postmortems/index.js';
import { postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { isoDay, postMortemModal } from '../../src/slack/blocks/postmortem.js';
import { readPostMortemSubmission } from '../../src/slack/listeners/postmortems.js';

type ViewValues = Parameters<typeof readPostMortemSubmission>[0];

describe('atLocalHour', () => {
  it('is the given hour of that calendar day in the zone, across daylight-saving changes', () => {
    expect(new Date(atLocalHour('2026-01-15', 17, 'Europe/Madrid')!).toISOString()).toBe('2026-01-15T16:00:00.000Z');
    expect(new Date(atLocalHour('2026-07-15', 17, 'Europe/Madrid')!).toISOString()).toBe('2026-07-15T15:00:00.000Z');
    // Spring forward (02:00 → 03:00) and fall back (03:00 → 02:00) days.
    expect(new Date(atLocalHour('2026-03-29', 17, 'Europe/Madrid')!).toISOString()).toBe('2026-03-29T15:00:00.000Z');
    expect(new Date(atLocalHour('2026-10-25', 17, 'Europe/Madrid')!).toISOString()).toBe('2026-10-25T16:00:00.000Z');
    expect(new Date(atLocalHour('2026-11-01', 17, 'America/New_York')!).toISOString()).toBe('2026-11-01T22:00:00.000Z');
    expect(new Date(atLocalHour('2026-11-21', 17, 'UTC')!).toISOString()).toBe('2026-11-21T17:00:00.000Z');
  });

  it('round-trips with the date the modal shows', () => {
    for (const zone of ['UTC', 'Europe/Madrid', 'America/Mexico_City', 'Pacific/Auckland']) {
      const due = atLocalHour('2026-12-03', 17, zone)!;
      expect(isoDay(due, zone)).toBe('2026-12-03');
    }
  });

  it('is null for anything but a calendar day', () => {
    expect(atLocalHour('03/12/2026', 17, 'UTC')).toBeNull();
    expect(atLocalHour('', 17, 'UTC')).toBeNull();
  });
});

describe('readPostMortemSubmission', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 12));
  const { postMortem } = createPostMortem(
    { incidentId: 'inc-1', ownerUserId: 'ULEAD' },
    {
      questions: [
        { id: 'status_page', label: 'Did the status page match?', required: true, answer: 'yes_no' },
        { id: 'tickets', label: 'Support tickets', required: false, answer: 'number' },
        { id: 'lessons', label: 'Lessons', required: false, answer: 'long_text' },
      ],
      dueAfterMs: 86_400_000,
      reviewerUserIds: ['UREV'],
      requiredFields: ['summary'],
    },
    clock,
  );
  const text = (value: string) => ({ type: 'plain_text_input', value });

  it('maps fields, typed answers and rows; blank rows stay blank; the intent defaults to saving', () => {
    const values = {
      summary: { summary: text('Checkout failed.') },
      impact: { impact: { type: 'plain_text_input', value: null } },
      'question.status_page': { 'question.status_page': { type: 'radio_buttons', selected_option: { value: 'no' } } },
      'question.tickets': { 'question.tickets': { type: 'number_input', value: '42' } },
      [postMortemInputIds.actionItem(0, 'text')]: { [postMortemInputIds.actionItem(0, 'text')]: text('Page on processor errors') },
      [postMortemInputIds.actionItem(0, 'owner')]: { [postMortemInputIds.actionItem(0, 'owner')]: { type: 'users_select', selected_user: 'UOPS' } },
      [postMortemInputIds.actionItem(0, 'dueAt')]: { [postMortemInputIds.actionItem(0, 'dueAt')]: { type: 'datepicker', selected_date: '2026-11-28' } },
      [postMortemInputIds.actionItem(1, 'text')]: { [postMortemInputIds.actionItem(1, 'text')]: { type: 'plain_text_input', value: null } },
      [postMortemInputIds.actionItem(1, 'owner')]: { [postMortemInputIds.actionItem(1, 'owner')]: { type: 'users_select', selected_user: null } },
      [postMortemInputIds.actionItem(1, 'dueAt')]: { [postMortemInputIds.actionItem(1, 'dueAt')]: { type: 'datepicker', selected_date: null } },
    };
    const { intent, submission } = readPostMortemSubmission(values as unknown as ViewValues, postMortem, [], 'Europe/Madrid');
    expect(intent).toBe('save');
    expect(submission.fields).toMatchObject({ summary: 'Checkout failed.', impact: null, whatHappened: null });
    expect(submission.answers).toEqual({ status_page: 'no', tickets: '42', lessons: null });
    expect(submission.actionItems).toEqual([
      { id: null, text: 'Page on processor errors', ownerUserId: 'UOPS', dueAt: Date.UTC(2026, 10, 28, 16), dueDay: '2026-11-28' },
      { id: null, text: null, ownerUserId: null, dueAt: null, dueDay: null },
    ]);
    // What the domain makes of it: one new action item, the blank row ignored.
    const valid = validatePostMortemSubmission(postMortem, submission, 'save', 'en', clock);
    expect(valid.ok && valid.value.actionItems.map((item) => item.id)).toEqual(['inc-1/action-1']);
  });

  it('rows of existing items keep their ids from the modal metadata, so a done item stays done', () => {
    const saved = savePostMortem(
      postMortem,
      {
        actorUserId: 'ULEAD',
        locale: 'en',
        intent: 'save',
        submission: { fields: {}, answers: {}, actionItems: [{ text: 'Page on processor errors', ownerUserId: 'UOPS', dueAt: Date.UTC(2026, 10, 28, 16) }] },
      },
      clock,
    );
    if (!saved.ok) throw new Error(saved.refusal.message);
    const modal = postMortemModal({ postMortem: saved.postMortem, incidentNumber: 1, locale: 'en', timeZone: 'Europe/Madrid' });
    const ref = JSON.parse(modal.private_metadata ?? '{}') as { a: string[] };
    expect(ref.a).toEqual(['inc-1/action-1']);
    const values = {
      [postMortemInputIds.actionItem(0, 'text')]: { [postMortemInputIds.actionItem(0, 'text')]: text('Page on processor errors within 5 minutes') },
      [postMortemInputIds.actionItem(0, 'owner')]: { [postMortemInputIds.actionItem(0, 'owner')]: { type: 'users_select', selected_user: 'UOPS' } },
      [postMortemInputIds.actionItem(0, 'dueAt')]: { [postMortemInputIds.actionItem(0, 'dueAt')]: { type: 'datepicker', selected_date: '2026-11-28' } },
      [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'submit' } } },
    };
    const { intent, submission } = readPostMortemSubmission(values as unknown as ViewValues, saved.postMortem, ref.a, 'Europe/Madrid');
    expect(intent).toBe('submit');
    expect(submission.actionItems[0]).toEqual({ id: 'inc-1/action-1', text: 'Page on processor errors within 5 minutes', ownerUserId: 'UOPS', dueAt: saved.postMortem.actionItems[0]!.dueAt, dueDay: '2026-11-28' });
  });
});
