// Two people editing one post-mortem at once, through Slack: Ann (its owner) and Sam (a reviewer, so a
// co-author) both open the modal; Ann saves a new summary; Sam, whose form still shows the old one,
// saves a new impact. Nothing Ann wrote is lost, and when both changed the same field the later save is
// refused under that field, keeping what was typed, instead of silently replacing the other's text.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewBlockActions, viewSubmission, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { actionIds, inputIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playSpike, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const required = (locale: 'en' | 'es', field: 'summary' | 'impact' | 'whatHappened') => t(locale, 'postmortem.error.required', { label: t(locale, `postmortem.field.${field}`, {}) });

/** A reviewer who uses Slack in Spanish. */
const LUCIA = 'U0LUCIAES';
const errorsOf = (body: string): Record<string, string> => (JSON.parse(body || '{}') as { errors?: Record<string, string> }).errors ?? {};

type Element = { type: string; action_id: string; initial_value?: string; initial_user?: string; initial_date?: string; initial_option?: { value: string } };
type InputBlock = { type: string; block_id: string; element: Element };

/** What `view` submits when nobody touches it (its initial values), with `typed` changed: { block_id: text }. */
function formValues(view: ViewPayload, typed: Record<string, string> = {}, intent: 'save' | 'submit' = 'save'): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of (view.blocks as InputBlock[]).filter((candidate) => candidate.type === 'input')) {
    const { element } = block;
    let state: Record<string, unknown>;
    if (element.type === 'plain_text_input') state = { type: element.type, value: typed[block.block_id] ?? element.initial_value ?? null };
    else if (element.type === 'users_select') state = { type: element.type, selected_user: element.initial_user ?? null };
    else if (element.type === 'datepicker') state = { type: element.type, selected_date: element.initial_date ?? null };
    else if (element.type === 'radio_buttons') state = { type: element.type, selected_option: element.initial_option ?? null };
    else state = { type: element.type, value: element.initial_value ?? null };
    values[block.block_id] = { [element.action_id]: state };
  }
  values[postMortemInputIds.intent] = { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: intent } } };
  return values;
}

describe.each(availableProviders)('post-mortem edited by two people at once, through Slack, on %s', (provider) => {
  let harness: Harness;
  let incidentId: string;
  const prisma = () => harness.app.database.prisma;
  /** The stored fields and when it last changed. */
  const stored = async () => {
    const row = await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } });
    const fields = row.fields as { summary: string; impact: string; whatWentWell: string; whatToImprove: string };
    return { summary: fields.summary, impact: fields.impact, whatWentWell: fields.whatWentWell, whatToImprove: fields.whatToImprove, updatedAt: row.updatedAt };
  };
  const threadWith = (actionId: string) => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));

  beforeAll(async () => {
    // Sam and Lucía (who joins, then is added to the playbook) review post-mortems too, so they may write this one.
    const playbook = (extra: string) => TWO_APPROVER_PLAYBOOK.replace('reviewers: [approvers]', `reviewers: [approvers, ${extra}]`);
    harness = await startHarness({ provider, playbook: (people) => playbook(people.sam) });
    harness.fake.workspace.addUser({ id: LUCIA, name: 'lucia', real_name: 'Lucía Revisora', locale: 'es-ES' });
    harness.fake.workspace.addMember(harness.alerts, LUCIA);
    writeFileSync(join(harness.playbooksDir, 'e2e-support.yaml'), playbook(`${harness.people.sam}, ${LUCIA}`));
    await harness.waitFor('the playbook naming Lucía', () => harness.app.runtime?.playbooks.get('e2e-support')?.postMortem.reviewers.includes(LUCIA));
    const { ann } = harness.people;
    await playSpike(harness);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    await harness.waitFor('the root ts recorded', async () => (await prisma().incident.findFirst({ where: { rootTs: { not: null } } })) ?? undefined);
    await harness.click(ann, harness.alerts, root.ts, actionIds.acknowledge);
    await harness.waitFor('the lead', async () => (await prisma().incident.findFirst({ where: { leadUserId: ann } })) ?? undefined);
    const checklist = await harness.waitFor('the checklist', () => threadWith(actionIds.toggleStep)[0]);
    await harness.click(ann, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', async () => (await prisma().checklistItem.count({ where: { doneAt: { not: null } } })) === 1);
    await harness.command(ann, 'resolve 1 Card processor restored');
    const incident = await harness.waitFor('resolution', async () => (await prisma().incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
    incidentId = incident.id;
    await harness.waitFor('the post-mortem', async () => (await prisma().postMortem.findUnique({ where: { incidentId } })) ?? undefined);
  });
  afterAll(async () => {
    await harness?.close();
  });

  /** `user` clicks "Write post-mortem" in the thread; their modal as Slack shows it. */
  async function open(user: string): Promise<ViewPayload> {
    const invite = await harness.waitFor('the invitation', () => threadWith(actionIds.openPostMortem)[0]);
    const before = harness.openModal(user)?.id;
    await harness.click(user, harness.alerts, invite.ts, actionIds.openPostMortem);
    return harness.waitFor(`the post-mortem modal for ${user}`, () => {
      const view = harness.openModal(user);
      return view && view.id !== before ? view : undefined;
    });
  }

  it('Ann saves a new summary, then Sam (form opened before) a new impact: both survive', async () => {
    const { ann, sam } = harness.people;
    const annForm = await open(ann);
    const samForm = await open(sam);
    expect(errorsOf((await harness.submit(ann, formValues(annForm, { summary: 'Ann: the card processor was down for 40 minutes.' }))).body)).toEqual({});
    expect((await stored()).summary).toBe('Ann: the card processor was down for 40 minutes.');

    const samSaved = await harness.submit(sam, formValues(samForm, { impact: 'Sam: every card payment failed.' }));
    expect(errorsOf(samSaved.body)).toEqual({});
    const after = await stored();
    expect(after.summary).toBe('Ann: the card processor was down for 40 minutes.');
    expect(after.impact).toBe('Sam: every card payment failed.');
  });

  it('a form rebuilt by the intent switch after Ann saved still keeps her text', async () => {
    const { ann, sam } = harness.people;
    const samForm = await open(sam);
    const annForm = await open(ann);
    expect(errorsOf((await harness.submit(ann, formValues(annForm, { summary: 'Ann again: the processor failed over too late.' }))).body)).toEqual({});
    // Sam picks "Keep as draft": the modal is rebuilt in place, Slack keeps what his inputs hold (the old summary).
    const switched = await harness.deliver(
      'interaction',
      viewBlockActions(harness.fake.workspace.appIdentity(), {
        user: { id: sam, name: 'sam' },
        view: samForm,
        state: { [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'save' } } } },
        actions: [{ action_id: actionIds.postMortemIntent, block_id: postMortemInputIds.intent, type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'Keep as draft' }, value: 'save' } }],
        triggerId: harness.fake.workspace.issueTrigger(sam),
        nowMs: Date.now(),
      }),
    );
    expect(switched.status).toBe(200);
    await harness.waitFor('the modal rebuilt', () => harness.openModal(sam)?.hash !== samForm.hash);
    const samSaved = await harness.submit(sam, formValues(samForm, { whatWentWell: 'Sam: staff answered within minutes.' }));
    expect(errorsOf(samSaved.body)).toEqual({});
    const after = await stored();
    expect(after.summary).toBe('Ann again: the processor failed over too late.');
    expect(after.whatWentWell).toBe('Sam: staff answered within minutes.');
  });

  it('an action item Ann added while Sam’s form was open survives his save', async () => {
    const { ann, sam } = harness.people;
    const annForm = await open(ann);
    const samForm = await open(sam);
    const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const values = formValues(annForm, { [postMortemInputIds.actionItem(0, 'text')]: 'Ann: alert on card processor errors' });
    values[postMortemInputIds.actionItem(0, 'owner')] = { [postMortemInputIds.actionItem(0, 'owner')]: { type: 'users_select', selected_user: ann } };
    values[postMortemInputIds.actionItem(0, 'dueAt')] = { [postMortemInputIds.actionItem(0, 'dueAt')]: { type: 'datepicker', selected_date: due } };
    expect(errorsOf((await harness.submit(ann, values)).body)).toEqual({});
    // Sam's form has only empty rows (it was opened before Ann's item existed).
    expect(errorsOf((await harness.submit(sam, formValues(samForm, { whatToImprove: 'Sam: tell members sooner.' }))).body)).toEqual({});
    const items = await prisma().actionItem.findMany({ where: { postMortem: { incidentId } } });
    expect(items.map((item) => item.text)).toEqual(['Ann: alert on card processor errors']);
  });

  it('both changed the summary: the later save is refused under the summary and changes nothing', async () => {
    const { ann, sam } = harness.people;
    const annForm = await open(ann);
    const samForm = await open(sam);
    expect(errorsOf((await harness.submit(ann, formValues(annForm, { summary: 'Ann: payments failed at the card processor.' }))).body)).toEqual({});
    const before = await stored();
    const auditBefore = await prisma().auditLog.count();

    const refused = await harness.submit(sam, formValues(samForm, { summary: 'Sam: checkout was down.', impact: 'Sam: 2,000 failed orders.' }));
    const errors = errorsOf(refused.body);
    expect(Object.keys(errors)).toEqual(['summary']);
    expect(errors['summary']).toBe(t('en', 'postmortem.error.edited_since_opened', {}));
    // His form stays open with what he typed; nothing he sent was stored, Ann's summary stands.
    expect(harness.openModal(sam)?.id).toBe(samForm.id);
    const after = await stored();
    expect(after.summary).toBe('Ann: payments failed at the card processor.');
    expect(after.impact).toBe(before.impact);
    expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
    // The refusal is audited, as every refused save is.
    expect(await prisma().auditLog.count()).toBe(auditBefore + 1);
  });

  it('two saves of the same field sent at the same moment: one is kept, the other refused under the field', async () => {
    const { ann, sam } = harness.people;
    const annForm = await open(ann);
    const samForm = await open(sam);
    const [annSaved, samSaved] = await Promise.all([
      harness.submit(ann, formValues(annForm, { whatHappened: 'Ann: the processor rejected every card.' })),
      harness.submit(sam, formValues(samForm, { whatHappened: 'Sam: a certificate expired at the processor.' })),
    ]);
    const refused = [annSaved, samSaved].map((response) => errorsOf(response.body)).filter((errors) => Object.keys(errors).length > 0);
    expect(refused).toEqual([{ whatHappened: t('en', 'postmortem.error.edited_since_opened', {}) }]);
    const row = await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } });
    const kept = Object.keys(errorsOf(annSaved.body)).length === 0 ? 'Ann: the processor rejected every card.' : 'Sam: a certificate expired at the processor.';
    expect((row.fields as { whatHappened: string }).whatHappened).toBe(kept);
  });

  it('a form opened before forms remembered what they showed still saves, taken as sent', async () => {
    const { sam } = harness.people;
    const samForm = await open(sam);
    const { i, a } = JSON.parse(samForm.private_metadata ?? '{}') as { i: string; a: string[] };
    const legacy = { ...samForm, private_metadata: JSON.stringify({ i, a }) };
    const saved = await harness.deliver(
      'interaction',
      viewSubmission(harness.fake.workspace.appIdentity(), { user: { id: sam, name: 'sam' }, view: legacy, values: formValues(samForm, { summary: 'Sam: from an old form.' }), triggerId: harness.fake.workspace.issueTrigger(sam) }),
    );
    expect(errorsOf(saved.body)).toEqual({});
    harness.fake.workspace.closeView(samForm.id);
    expect((await stored()).summary).toBe('Sam: from an old form.');
  });

  it('the refusal speaks the language the refused person uses Slack in (Spanish), only to them', async () => {
    const { ann } = harness.people;
    const annForm = await open(ann);
    const luciaForm = await open(LUCIA);
    expect(errorsOf((await harness.submit(ann, formValues(annForm, { whatToImprove: 'Ann: page payments sooner.' }))).body)).toEqual({});
    const refused = await harness.submit(LUCIA, formValues(luciaForm, { whatToImprove: 'Lucía: avisar antes a los miembros.' }));
    expect(errorsOf(refused.body)).toEqual({ whatToImprove: t('es', 'postmortem.error.edited_since_opened', {}) });
    harness.fake.workspace.closeView(luciaForm.id);
    expect((await stored()).whatToImprove).toBe('Ann: page payments sooner.');
  });
  it('field errors of a refused save speak the submitter’s language (Spanish), not the incident’s (English)', async () => {
    const luciaForm = await open(LUCIA);
    // She sends it for review with the summary emptied: "required", in Spanish, under the summary.
    const refused = await harness.submit(LUCIA, formValues(luciaForm, { summary: '' }, 'submit'));
    expect(errorsOf(refused.body)['summary']).toBe(required('es', 'summary'));
    for (const message of Object.values(errorsOf(refused.body))) expect(message).not.toMatch(/required/);
    // She keeps a draft instead (now one of its authors).
    expect(errorsOf((await harness.submit(LUCIA, formValues(luciaForm, { whatToImprove: 'Lucía: avisar antes a los miembros.' }))).body)).toEqual({});
  });

  it('a required field Sam emptied while Ann’s form was open: her submission says so, naming him; sending again keeps her text', async () => {
    const { ann, sam } = harness.people;
    // Every required field filled, so only what Sam does can stop Ann's submission. (Slack names him as he shows there.)
    const filled = { summary: 'Ann: card payments failed for 40 minutes.', impact: 'Ann: 2,000 failed orders.', whatHappened: 'Ann: a certificate expired.', 'question.lessons': 'Ann: watch certificates.' };
    expect(errorsOf((await harness.submit(ann, formValues(await open(ann), filled))).body)).toEqual({});
    const annForm = await open(ann);
    const samForm = await open(sam);
    expect(errorsOf((await harness.submit(sam, formValues(samForm, { impact: '' }))).body)).toEqual({});
    expect((await stored()).impact).toBe('');

    const refused = await harness.submit(ann, formValues(annForm, {}, 'submit'));
    expect(errorsOf(refused.body)).toEqual({ impact: t('en', 'postmortem.error.emptied_since_opened', { who: 'sam' }) });
    expect(harness.openModal(ann)?.id).toBe(annForm.id);
    expect((await stored()).impact).toBe('');
    // Told, she sends the same form again: the text it shows is kept, and it goes to review.
    expect(errorsOf((await harness.submit(ann, formValues(annForm, {}, 'submit'))).body)).toEqual({});
    expect((await stored()).impact).toBe('Ann: 2,000 failed orders.');
    expect((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).status).toBe('in_review');
  });

  it('a refusal of a review button speaks the clicker’s language (Spanish), only to them', async () => {
    // Lucía wrote part of it, so she may not approve it: told in Spanish, as an ephemeral message.
    const review = await harness.waitFor('the review request', () => threadWith(actionIds.approvePostMortem).at(-1));
    const before = harness.ephemeralTexts(LUCIA).length;
    await harness.click(LUCIA, harness.alerts, review.ts, actionIds.approvePostMortem);
    const refusal = await harness.waitFor('the refusal', () => harness.ephemeralTexts(LUCIA).slice(before)[0]);
    expect(refusal).toContain(t('es', 'ui.refusal.footer', {}));
    expect(refusal).not.toContain(t('en', 'ui.refusal.footer', {}));
    expect((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).reviews).toEqual([]);
  });

  it('one submission for review sent twice (Submit pressed again while Slack was slow): one review round, one request, no error', async () => {
    const { ann, ben } = harness.people;
    // Ben sends it back for changes, so Ann has a draft to submit again.
    const review = await harness.waitFor('the review request', () => threadWith(actionIds.approvePostMortem).at(-1));
    await harness.click(ben, harness.alerts, review.ts, actionIds.requestPostMortemChanges);
    await harness.waitFor('the changes modal', () => harness.openModal(ben));
    expect(errorsOf((await harness.submit(ben, { [inputIds.comment]: { [inputIds.comment]: { type: 'plain_text_input', value: 'Name the processor.' } } })).body)).toEqual({});
    await harness.waitFor('back to draft', async () => (await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).status === 'draft');
    await harness.waitFor('that round closed', () => threadWith(actionIds.approvePostMortem).length === 0);
    const roundsBefore = await prisma().auditLog.count({ where: { action: 'submit_postmortem', outcome: 'accepted' } });

    const annForm = await open(ann);
    const values = formValues(annForm, { summary: 'Ann: the card processor (PayCo) was down for 40 minutes.' }, 'submit');
    // The same view, the same values, twice: Slack sends the second when the first was not answered in time.
    const send = () => harness.deliver('interaction', viewSubmission(harness.fake.workspace.appIdentity(), { user: { id: ann, name: 'ann' }, view: annForm, values, triggerId: harness.fake.workspace.issueTrigger(ann) }));
    const [first, second] = await Promise.all([send(), send()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([errorsOf(first.body), errorsOf(second.body)]).toEqual([{}, {}]);
    harness.fake.workspace.closeView(annForm.id);

    await harness.waitFor('in review', async () => (await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).status === 'in_review');
    await harness.waitFor('its writes done', async () => (await prisma().outboxItem.count({ where: { incidentId, status: { in: ['pending', 'sending'] } } })) === 0);
    expect(await prisma().auditLog.count({ where: { action: 'submit_postmortem', outcome: 'accepted' } })).toBe(roundsBefore + 1);
    // One review request waiting for reviewers in the thread, not two.
    expect(threadWith(actionIds.approvePostMortem)).toHaveLength(1);
  });
});
