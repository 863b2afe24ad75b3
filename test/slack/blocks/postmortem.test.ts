import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import {
  createPostMortem,
  fingerprint,
  shownPostMortem,
  validatePostMortemSubmission,
  type PostMortem,
  type PostMortemTemplate,
} from '../../../src/domain/postmortems/index.js';
import { actionIds, callbackIds, decodeRef, incidentRef, inputIds, postMortemInputIds, postMortemRef } from '../../../src/slack/blocks/ids.js';
import {
  isoDay,
  modalFieldErrors,
  postMortemChangesModal,
  postMortemInviteMessage,
  postMortemInReviewModal,
  postMortemPublishedModal,
  postMortemModal,
  postMortemModalRef,
  postMortemReviewMessage,
  shownOfRef,
  publishedPostMortemMessage,
} from '../../../src/slack/blocks/index.js';
import { T0, buttons, expectMessageWithinLimits, expectViewWithinLimits, inputsOf, visibleText } from './fixtures.js';

const DAY = 86_400_000;

const template: PostMortemTemplate = {
  questions: [
    { id: 'status-page', label: 'Did the status page match what we said?', required: true, answer: 'yes_no' },
    { id: 'members', label: 'How many members wrote to support?', required: false, answer: 'number' },
    { id: 'quote', label: 'One member quote', required: false, answer: 'short_text' },
    { id: 'lessons', label: 'Lessons for the playbook', required: true, answer: 'long_text' },
  ],
  dueAfterMs: 5 * DAY,
  reviewerUserIds: ['UREVIEWER1', 'UREVIEWER2'],
  requiredFields: ['summary', 'impact', 'whatHappened'],
};

function postMortem(overrides: Partial<PostMortem> = {}): PostMortem {
  const { postMortem: pm } = createPostMortem({ incidentId: 'inc-1', ownerUserId: 'ULEAD' }, template, new ManualClock(T0));
  return { ...pm, ...overrides };
}

const filled = (): PostMortem =>
  postMortem({
    fields: {
      summary: 'Payments failed for 40 minutes <!channel>',
      impact: 'About 300 members could not pay',
      whatHappened: 'A bad deploy',
      whatWentWell: 'Fast first reply',
      whatToImprove: 'Status page earlier',
    },
    answers: { 'status-page': 'yes', members: '42', quote: '', lessons: 'Add a step' },
    actionItems: [
      { id: 'inc-1/action-1', text: 'Alert on payment errors', ownerUserId: 'UOPS', dueAt: T0 + 3 * DAY, doneAt: null, doneByUserId: null },
      { id: 'inc-1/action-3', text: 'Template for payments', ownerUserId: 'ULEAD', dueAt: T0 + 7 * DAY, doneAt: T0, doneByUserId: 'ULEAD' },
    ],
  });

describe('postMortemModal', () => {
  it('has the five fields, the playbook questions by answer kind, and action rows; all block_ids are validation keys', () => {
    const view = postMortemModal({ postMortem: postMortem(), incidentNumber: 7, locale: 'en', timeZone: 'Europe/Madrid' });
    expect(view.callback_id).toBe(callbackIds.postMortemModal);
    const inputs = inputsOf(view);
    for (const field of ['summary', 'impact', 'whatHappened', 'whatWentWell', 'whatToImprove']) expect(inputs.has(field)).toBe(true);
    // Sending for review (the default): what review needs is a required input, the rest optional, never both.
    const required = ['summary', 'impact', 'whatHappened', 'question.status-page', 'question.lessons', postMortemInputIds.intent];
    for (const block of inputs.values()) expect(block['optional'], block['block_id']).toBe(!required.includes(block['block_id']));
    expect(JSON.stringify(view.blocks)).not.toContain('Needed before');
    expect(inputs.get(postMortemInputIds.intent)!['dispatch_action']).toBe(true);
    expect(inputs.get('question.status-page')!['element'].type).toBe('radio_buttons');
    expect(inputs.get('question.status-page')!['element'].options.map((o: { value: string }) => o.value)).toEqual(['yes', 'no']);
    expect(inputs.get('question.members')!['element'].type).toBe('number_input');
    expect(inputs.get('question.quote')!['element'].multiline).toBe(false);
    expect(inputs.get('question.lessons')!['element'].multiline).toBe(true);
    // No existing items: three blank rows of text / owner / due date.
    expect(inputs.get('actionItems.2.text')!['element'].type).toBe('plain_text_input');
    expect(inputs.get('actionItems.2.owner')!['element'].type).toBe('users_select');
    expect(inputs.get('actionItems.2.dueAt')!['element'].type).toBe('datepicker');
    // Each row is optional as a whole, so Slack labels its inputs "(optional)": the due date's hint says an
    // action item needs one (validation refuses an item without it).
    for (const row of [0, 1, 2]) expect(inputs.get(`actionItems.${row}.dueAt`)!['hint']?.text).toBe('Its owner is reminded at 17:00 on this day until it is done; an item is saved with its date. Leave the whole row empty to skip it.');
    const spanish = inputsOf(postMortemModal({ postMortem: postMortem(), incidentNumber: 7, locale: 'es', timeZone: 'Europe/Madrid' }));
    expect(spanish.get('actionItems.0.dueAt')!['hint']?.text).toMatch(/^Se le recuerda a su responsable a las 17:00/);
    expect(inputs.has('actionItems.3.text')).toBe(false);
    expect(inputs.get(postMortemInputIds.intent)!['element'].initial_option.value).toBe('submit');
    // Keeping a draft: every input is optional, so a half-filled draft can be saved.
    const draft = inputsOf(postMortemModal({ postMortem: postMortem(), incidentNumber: 7, locale: 'en', timeZone: 'Europe/Madrid', intent: 'save' }));
    for (const block of draft.values()) expect(block['optional']).toBe(block['block_id'] !== postMortemInputIds.intent);
    expect(draft.get(postMortemInputIds.intent)!['element'].initial_option.value).toBe('save');
    expect([...draft.keys()]).toEqual([...inputs.keys()]);
    expect(decodeRef(postMortemRef, view.private_metadata, 'metadata')).toMatchObject({ i: 'inc-1', a: [] });
    expectViewWithinLimits(view);
  });

  it('prefills answers and existing action items (owner, due day in the team time zone), remembering their ids by row', () => {
    const view = postMortemModal({ postMortem: filled(), incidentNumber: 7, locale: 'en', timeZone: 'America/Los_Angeles', blankActionRows: 1 });
    const inputs = inputsOf(view);
    expect(inputs.get('summary')!['element'].initial_value).toBe('Payments failed for 40 minutes <!channel>');
    expect(inputs.get('question.status-page')!['element'].initial_option.value).toBe('yes');
    expect(inputs.get('question.members')!['element'].initial_value).toBe('42');
    expect(inputs.get('actionItems.0.text')!['element'].initial_value).toBe('Alert on payment errors');
    expect(inputs.get('actionItems.0.owner')!['element'].initial_user).toBe('UOPS');
    expect(inputs.get('actionItems.0.dueAt')!['element'].initial_date).toBe(isoDay(T0 + 3 * DAY, 'America/Los_Angeles'));
    expect(inputs.has('actionItems.2.text')).toBe(true);
    expect(inputs.has('actionItems.3.text')).toBe(false);
    expect(decodeRef(postMortemRef, view.private_metadata, 'metadata')).toMatchObject({ i: 'inc-1', a: ['inc-1/action-1', 'inc-1/action-3'] });
  });

  it('remembers what it showed (fingerprints of fields, answers and its rows’ items), and keeps it when rebuilt', () => {
    const pm = filled();
    const view = postMortemModal({ postMortem: pm, incidentNumber: 7, locale: 'en', timeZone: 'UTC' });
    const ref = decodeRef(postMortemRef, view.private_metadata, 'metadata');
    expect(shownOfRef(ref)).toEqual(shownPostMortem(pm, pm.actionItems, 'UTC'));
    expect(ref.s?.f['summary']).toBe(fingerprint('Payments failed for 40 minutes <!channel>'));

    // Rebuilt (intent switch) after someone changed the summary, removed item 1 and added item 4: same
    // metadata, same rows (Slack keeps what they hold), the new item is not slipped into a row.
    const changed: PostMortem = {
      ...pm,
      fields: { ...pm.fields, summary: 'Newer summary' },
      actionItems: [pm.actionItems[1]!, { id: 'inc-1/action-4', text: 'Newer item', ownerUserId: 'UOPS', dueAt: T0 + DAY, doneAt: null, doneByUserId: null }],
    };
    const rebuilt = postMortemModal({ postMortem: changed, incidentNumber: 7, locale: 'en', timeZone: 'UTC', intent: 'save', rebuilding: ref });
    expect(rebuilt.private_metadata).toBe(view.private_metadata);
    const inputs = inputsOf(rebuilt);
    expect([...inputs.keys()]).toEqual([...inputsOf(view).keys()]);
    expect(inputs.get('actionItems.1.text')!['element'].initial_value).toBe('Template for payments');
    expect(JSON.stringify(rebuilt.blocks)).not.toContain('Newer item');
  });

  it('a modal from before (no fingerprints) is read as taken as sent', () => {
    expect(shownOfRef({ i: 'inc-1', a: ['inc-1/action-1'] })).toBeNull();
  });

  it('metadata stays within 3,000 characters with 20 items and many questions, dropping answers’ fingerprints first', () => {
    const incidentId = 'c'.repeat(30);
    const questions = Array.from({ length: 40 }, (_, i) => ({ id: `question-with-a-long-identifier-${i}`, label: `Q${i}`, required: false, answer: 'short_text' as const }));
    const actionItems = Array.from({ length: 20 }, (_, i) => ({ id: `${incidentId}/action-${i + 1}`, text: `Item ${i}`, ownerUserId: 'UOPS', dueAt: T0 + DAY, doneAt: null, doneByUserId: null }));
    const pm = postMortem({ incidentId, questions, answers: Object.fromEntries(questions.map((q) => [q.id, 'x'])), actionItems });
    const ref = postMortemModalRef(incidentId, shownPostMortem(pm, pm.actionItems, 'Europe/Madrid'), actionItems.map((item) => item.id));
    expect(JSON.stringify(ref).length).toBeLessThanOrEqual(3000);
    expect(ref.s?.q).toBeUndefined();
    expect(ref.s?.x).toHaveLength(20);
    const few = postMortemModalRef(incidentId, shownPostMortem({ ...pm, questions: questions.slice(0, 3) }), actionItems.map((item) => item.id));
    expect(Object.keys(few.s?.q ?? {})).toHaveLength(3);
  });

  it('shows the reviewers’ requested changes of this round at the top', () => {
    const pm = filled();
    const view = postMortemModal({
      postMortem: { ...pm, round: 1, reviews: [{ reviewerUserId: 'UREVIEWER1', decision: 'request_changes', comment: 'Add the timeline', at: T0, round: 1 }] },
      incidentNumber: 7,
      locale: 'es',
      timeZone: 'Europe/Madrid',
    });
    expect(visibleText(view.blocks.slice(0, 1))).toContain('<@UREVIEWER1> pidió cambios:\n> Add the timeline');
  });

  it('never passes 100 blocks: rows shrink to fit many questions', () => {
    const questions = Array.from({ length: 60 }, (_, i) => ({ id: `q${i}`, label: `Question ${i} ${'?'.repeat(3000)}`, required: true, answer: 'long_text' as const }));
    const view = postMortemModal({ postMortem: postMortem({ questions }), incidentNumber: 7, locale: 'en', timeZone: 'UTC', blankActionRows: 20 });
    expectViewWithinLimits(view);
    const rows = [...inputsOf(view).keys()].filter((id) => id.endsWith('.text'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(10);
  });
});

describe('modalFieldErrors', () => {
  it('maps validation errors onto the modal block_ids, every one of which exists in the modal', () => {
    const pm = postMortem();
    const result = validatePostMortemSubmission(
      pm,
      {
        fields: { summary: '' },
        answers: { 'status-page': 'maybe' },
        actionItems: [{ text: 'Fix it', ownerUserId: null, dueAt: T0 - DAY }],
      },
      'submit',
      'en',
      new ManualClock(T0),
    );
    if (result.ok) expect.fail('expected errors');
    const errors = modalFieldErrors(result.errors);
    const view = postMortemModal({ postMortem: pm, incidentNumber: 7, locale: 'en', timeZone: 'UTC' });
    const blockIds = new Set(inputsOf(view).keys());
    expect(Object.keys(errors).length).toBeGreaterThanOrEqual(5);
    for (const blockId of Object.keys(errors)) expect(blockIds).toContain(blockId);
    expect(errors['summary']).toContain('required');
    expect(errors['question.status-page']).toBe('Answer yes or no.');
    expect(errors['actionItems.0.owner']).toBe('Choose who owns this action item.');
    expect(errors['actionItems.0.dueAt']).toBe('The due date is in the past.');
  });

  it('puts "too many action items" under the first row', () => {
    expect(modalFieldErrors({ actionItems: 'Too many' })).toEqual({ [postMortemInputIds.actionItem(0, 'text')]: 'Too many' });
  });
});

describe('post-mortem messages', () => {
  it('changes modal asks reviewers for a comment about this incident', () => {
    const view = postMortemChangesModal('inc-1', 7, 'en');
    expect(view.callback_id).toBe(callbackIds.postMortemChangesModal);
    expect(decodeRef(incidentRef, view.private_metadata, 'metadata')).toEqual({ i: 'inc-1' });
    expect([...inputsOf(view).keys()]).toEqual([inputIds.comment]);
    expectViewWithinLimits(view);
  });

  it('invitation names the owner and the due date, with a button that opens the modal', () => {
    const built = postMortemInviteMessage('inc-1', 7, 'ULEAD', T0 + 5 * DAY, 'en');
    expect(built.text).toContain('<@ULEAD>, please write the post-mortem of incident #7 by <!date^');
    expect(buttons(built.blocks)).toEqual([expect.objectContaining({ actionId: actionIds.openPostMortem, value: '{"i":"inc-1"}' })]);
    expectMessageWithinLimits(built);
  });

  it('review request names the reviewers and offers Approve / Request changes', () => {
    const built = postMortemReviewMessage({ ...filled(), status: 'in_review', round: 2 }, 7, 'en');
    expect(built.text).toBe('<@UREVIEWER1>, <@UREVIEWER2>: the post-mortem of incident #7 is ready for review (round 2).');
    expect(buttons(built.blocks).map((b) => b.actionId)).toEqual([actionIds.approvePostMortem, actionIds.requestPostMortemChanges]);
    expectMessageWithinLimits(built);
  });

  it('published summary: summary, impact, action items with owners, approvers; member text inert', () => {
    const pm: PostMortem = {
      ...filled(),
      status: 'published',
      round: 1,
      publishedAt: T0 + DAY,
      reviews: [{ reviewerUserId: 'UREVIEWER1', decision: 'approve', comment: null, at: T0, round: 1 }],
    };
    const built = publishedPostMortemMessage({ postMortem: pm, incidentNumber: 7, locale: 'en', exportPermalink: 'https://acme.slack.com/files/F1' });
    const text = visibleText(built.blocks);
    expect(text).toContain('Post-mortem: incident #7');
    expect(text).toContain('> Payments failed for 40 minutes &lt;!channel&gt;');
    expect(text).toContain('> About 300 members could not pay');
    expect(text).toContain(':white_large_square: Alert on payment errors — <@UOPS>');
    expect(text).toContain(':white_check_mark: Template for payments — <@ULEAD>');
    expect(text).toContain('approved by <@UREVIEWER1>');
    expect(text).toContain('<https://acme.slack.com/files/F1|full post-mortem>');
    expect(built.text).not.toContain('<!channel>');
    expectMessageWithinLimits(built);
  });

  it('published summary stays within limits with 3000-character fields and 20 long action items', () => {
    const long = 'ñ'.repeat(3000);
    const base = filled();
    const items = Array.from({ length: 20 }, (_, i) => ({ ...base.actionItems[0]!, id: `inc-1/action-${i}`, text: long }));
    const pm = { ...base, fields: { summary: long, impact: long, whatHappened: long, whatWentWell: long, whatToImprove: long }, actionItems: items };
    expectMessageWithinLimits(publishedPostMortemMessage({ postMortem: pm, incidentNumber: 7, locale: 'es' }));
    expectMessageWithinLimits(postMortemReviewMessage(pm, 7, 'es'));
    expectViewWithinLimits(postMortemInReviewModal({ ...pm, fields: { ...pm.fields, summary: '\n'.repeat(2999) + 'x' } }, 7, 'es'));
    expectViewWithinLimits(postMortemPublishedModal({ ...pm, status: 'published', publishedAt: Date.UTC(2026, 11, 6) }, 7, 'es'));
  });

  it('in review, the modal is to read: the answers, why it cannot be edited, no input and no save', () => {
    const view = postMortemInReviewModal({ ...filled(), status: 'in_review' }, 7, 'es');
    expect(view.callback_id).toBe(callbackIds.postMortemInReview);
    expect(view).not.toHaveProperty('submit');
    expect(inputsOf(view).size).toBe(0);
    const shown = visibleText(view.blocks);
    expect(shown).toContain('About 300 members could not pay');
    expect(shown).toContain('para editarlo, un revisor debe pedir cambios');
    // Member text stays inert, as everywhere staff read it.
    expect(shown).not.toContain('<!channel>');
  });

  it('published, the modal is to read: when it was published, that it can no longer change, no input and no save', () => {
    const view = postMortemPublishedModal({ ...filled(), status: 'published', publishedAt: Date.UTC(2026, 11, 6, 9) }, 7, 'es');
    expect(view.callback_id).toBe(callbackIds.postMortemPublished);
    expect(view).not.toHaveProperty('submit');
    expect(inputsOf(view).size).toBe(0);
    const shown = visibleText(view.blocks);
    expect(shown).toContain('About 300 members could not pay');
    expect(shown).toContain('Publicado <!date^' + Date.UTC(2026, 11, 6, 9) / 1000);
    expect(shown).toContain('ya no puede cambiar');
    expect(shown).not.toContain('<!channel>');
  });
});
