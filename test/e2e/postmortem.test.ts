// After the incident: the timeline captured through Slack's entry points (buttons, modals, the message
// shortcut, a note in the thread), the post-mortem invited, filled in a modal with field errors,
// reviewed from Slack, published in the thread and App Home, its action items reminded until done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';
import { actionIds, callbackIds, inputIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { isoDay } from '../../src/slack/blocks/postmortem.js';
import { loadTimeline } from '../../src/store/repositories/incidents.js';
import { findButtons, playSpike, startHarness, type Harness } from './harness.js';

const DAY = 86_400_000;
/** An answer as people type them: a line that looks like a heading, HTML, Markdown emphasis and a list. */
const LESSONS = '# Tell members sooner\nWe said <b>nothing</b> for *40 minutes*; <script>alert(1)</script>\n- not a list';

describe('post-mortem workflow through Slack', () => {
  let harness: Harness;
  let incidentId: string;
  const prisma = () => harness.app.database.prisma;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const text = (value: string) => ({ type: 'plain_text_input', value });
  const threadWith = (actionId: string) => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));
  const errorsOf = (body: string): Record<string, string> => (JSON.parse(body) as { response_action?: string; errors?: Record<string, string> }).errors ?? {};

  async function shortcut(user: string, channel: string, messageTs: string) {
    const { workspace } = harness.fake;
    const message = workspace.findMessage(channel, messageTs);
    if (!message) throw new Error(`no message ${messageTs}`);
    return harness.shortcut(user, callbackIds.addToTimelineShortcut, message, { channel, responseUrlOnMessage: true });
  }

  it('captures the incident on its timeline from the Slack entry points staff use', async () => {
    const { people } = harness;
    await playSpike(harness);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    incidentId = (await prisma().incident.findFirstOrThrow()).id;
    await harness.waitFor('the root ts recorded', async () => (await prisma().incident.findFirst({ where: { rootTs: { not: null } } })) ?? undefined);

    await harness.click(people.ann, harness.alerts, root.ts, actionIds.acknowledge);
    await harness.waitFor('the lead', async () => (await prisma().incident.findFirst({ where: { leadUserId: people.ann } })) ?? undefined);

    // A member's message goes on the timeline through the message shortcut.
    const { workspace } = harness.fake;
    const member = people.members[3]!;
    const memberText = `My order vanished and nobody answers, <@${people.members[1]}> saw it too`;
    const { ts: memberTs } = workspace.postMessage(workspace.grantFor(workspace.issueUserToken(member))!, harness.support, { text: memberText });
    await harness.event(messageEvent({ channel: harness.support, user: member, text: memberText, ts: memberTs }));
    await shortcut(people.cleo, harness.support, memberTs);
    await harness.waitFor('the shortcut modal', () => harness.openModal(people.cleo));
    const modal = harness.openModal(people.cleo)!;
    expect(modal.callback_id).toBe(callbackIds.addToTimelineModal);
    const choose = { [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incidentId } } } };
    expect((await harness.submit(people.cleo, choose)).status).toBe(200);
    await harness.waitFor('the message on the timeline', async () => (await loadTimeline(prisma(), incidentId)).some((event) => event.kind === 'message_added'));
    // The same message twice: the modal says so instead of adding it again.
    await shortcut(people.ben, harness.support, memberTs);
    await harness.waitFor('the second shortcut modal', () => harness.openModal(people.ben));
    const again = await harness.submit(people.ben, choose);
    expect(errorsOf(again.body)[inputIds.incident]).toMatch(/already on the timeline of incident #1/);
    workspace.closeView(harness.openModal(people.ben)!.id);
    // A message longer than a modal can carry is still quoted in full.
    const long = `${'The checkout keeps failing and support never answers. '.repeat(50)}End.`;
    const { ts: longTs } = workspace.postMessage(workspace.grantFor(workspace.issueUserToken(people.members[5]!))!, harness.support, { text: long });
    await shortcut(people.cleo, harness.support, longTs);
    await harness.waitFor('the shortcut modal for the long message', () => harness.openModal(people.cleo));
    await harness.submit(people.cleo, choose);
    const longEntry = await harness.waitFor('the long message on the timeline', async () => (await loadTimeline(prisma(), incidentId)).find((event) => event.data['messageTs'] === longTs));
    expect(long.length).toBeGreaterThan(2000);
    expect(longEntry.text?.length).toBe(long.length);
    expect(longEntry.text).toBe(long);

    // A note written in the incident thread.
    await harness.event({ type: 'message', channel: harness.alerts, user: people.sam, text: 'note: Payments team confirms the card processor is down', ts: `${Math.floor(Date.now() / 1000)}.000100`, thread_ts: root.ts });
    await harness.waitFor('the thread note', async () => (await loadTimeline(prisma(), incidentId)).some((event) => event.kind === 'note_added'));

    // A reply drafted, approved by two approvers and posted.
    await harness.click(people.sam, harness.alerts, root.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(people.sam));
    const drafted = await harness.submit(people.sam, {
      [inputIds.draftText]: { [inputIds.draftText]: text('Payments are failing; we are on it with our card processor.') },
      [inputIds.draftTarget]: { [inputIds.draftTarget]: { type: 'radio_buttons', selected_option: { value: 'channel' } } },
      [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: 'en' } } },
    });
    expect(drafted.body).not.toContain('errors');
    const card = await harness.waitFor('the draft card', () => threadWith(actionIds.approveDraft)[0]);
    await harness.click(people.ben, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.click(people.cleo, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('the reply posted', async () => (await loadTimeline(prisma(), incidentId)).some((event) => event.kind === 'reply_posted'));

    // The required checklist step, then resolution.
    const checklist = await harness.waitFor('the checklist', () => threadWith(actionIds.toggleStep)[0]);
    await harness.click(people.ann, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', async () => (await loadTimeline(prisma(), incidentId)).some((event) => event.kind === 'checklist_ticked'));
    // The channel calms down before the incident is closed.
    const calmAt = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
    for (let i = 0; i < 4; i += 1) await harness.post(people.members[i]!, 'Thanks, it works again now', calmAt + i * 1_000);
    await harness.command(people.ann, 'resolve 1 Card processor restored; payments work again');
    await harness.waitFor('resolution', async () => (await prisma().incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);

    const timeline = await loadTimeline(prisma(), incidentId);
    const kinds = timeline.map((event) => event.kind);
    for (const kind of ['detected', 'opened', 'alert_posted', 'acknowledged', 'message_added', 'note_added', 'draft_created', 'draft_approved', 'reply_posted', 'checklist_ticked', 'resolved'] as const) {
      expect(kinds, kind).toContain(kind);
    }
    const quoted = timeline.find((event) => event.kind === 'message_added')!;
    expect(quoted.text).toBe(memberText);
    expect(quoted.actorUserId).toBe(people.cleo);
    expect(quoted.data).toMatchObject({ channelId: harness.support, messageTs: memberTs, authorUserId: people.members[3] });
    expect(timeline.find((event) => event.kind === 'note_added')).toMatchObject({ actorUserId: people.sam, text: 'Payments team confirms the card processor is down' });
    expect(timeline.find((event) => event.kind === 'reply_posted')?.text).toBe('Payments are failing; we are on it with our card processor.');
  });

  it('resolution creates the post-mortem and invites the lead in the incident thread', async () => {
    const invite = await harness.waitFor('the invitation', () => threadWith(actionIds.openPostMortem)[0]);
    expect(invite.text).toContain(`<@${harness.people.ann}>`);
    const postMortem = await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } });
    expect(postMortem.status).toBe('draft');
    expect(postMortem.ownerUserId).toBe(harness.people.ann);
    const due = await prisma().reminder.findUniqueOrThrow({ where: { key: `postmortem:${incidentId}:due` } });
    expect(due.kind).toBe('postmortem.reminder');
    expect(due.dueAt.getTime() - postMortem.createdAt.getTime()).toBe(5 * DAY);
  });

  it('the modal refuses a submission for review with missing or too long fields, under each input', async () => {
    const { ann } = harness.people;
    const invite = threadWith(actionIds.openPostMortem)[0]!;
    await harness.click(ann, harness.alerts, invite.ts, actionIds.openPostMortem);
    const modal = await harness.waitFor('the post-mortem modal', () => harness.openModal(ann));
    expect(modal.callback_id).toBe(callbackIds.postMortemModal);
    // Slack shows each action row's inputs as "(optional)" (a row may stay empty): the due date says it is
    // needed for an action item, as the refusal below does.
    const dueInput = (modal.blocks as { block_id?: string; optional?: boolean; hint?: { text: string } }[]).find((block) => block.block_id === postMortemInputIds.actionItem(0, 'dueAt'));
    expect(dueInput).toMatchObject({ optional: true, hint: { text: t('en', 'ui.pm.action_due_hint', {}) } });
    expect(dueInput?.hint?.text).toMatch(/an item is saved with its date/);
    const response = await harness.submit(ann, {
      summary: { summary: text('x'.repeat(3001)) },
      [postMortemInputIds.actionItem(0, 'text')]: { [postMortemInputIds.actionItem(0, 'text')]: text('Alert on card processor errors') },
      [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'submit' } } },
    });
    expect(response.status).toBe(200);
    const errors = errorsOf(response.body);
    expect(errors['summary']).toMatch(/3001.*3000|3000.*3001/);
    const required = (label: string) => t('en', 'postmortem.error.required', { label });
    expect(errors['impact']).toBe(required(t('en', 'postmortem.field.impact', {})));
    expect(errors['whatHappened']).toBe(required(t('en', 'postmortem.field.whatHappened', {})));
    expect(errors['question.lessons']).toBe(required('What did we learn?'));
    expect(errors[postMortemInputIds.actionItem(0, 'owner')]).toBe(t('en', 'postmortem.error.action_owner_required', {}));
    expect(errors[postMortemInputIds.actionItem(0, 'dueAt')]).toBe(t('en', 'postmortem.error.action_due_required', {}));
    // Still open, still a draft, and the refusal is audited with what was typed.
    expect(harness.openModal(ann)?.id).toBe(modal.id);
    expect((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).status).toBe('draft');
    const audit = await prisma().auditLog.findFirstOrThrow({ where: { action: 'submit_postmortem', outcome: 'refused' } });
    expect(audit.userId).toBe(ann);
  });

  const filled = (summary: string, lessons = 'Tell members sooner.') => ({
    summary: { summary: text(summary) },
    impact: { impact: text('Card payments failed for 40 minutes; 10 members complained.') },
    whatHappened: { whatHappened: text('The card processor went down; we answered within the hour.') },
    whatWentWell: { whatWentWell: text('Detection was quick.') },
    whatToImprove: { whatToImprove: text('Watch the processor status page.') },
    'question.lessons': { 'question.lessons': text(lessons) },
    [postMortemInputIds.actionItem(0, 'text')]: { [postMortemInputIds.actionItem(0, 'text')]: text('Alert on card processor errors') },
    [postMortemInputIds.actionItem(0, 'owner')]: { [postMortemInputIds.actionItem(0, 'owner')]: { type: 'users_select', selected_user: harness.people.sam } },
    [postMortemInputIds.actionItem(0, 'dueAt')]: { [postMortemInputIds.actionItem(0, 'dueAt')]: { type: 'datepicker', selected_date: isoDay(Date.now() + 7 * DAY, 'UTC') } },
    [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'submit' } } },
  });

  it('a complete submission goes to the reviewers; the owner cannot approve it, a reviewer asks for changes', async () => {
    const { ann, ben } = harness.people;
    const response = await harness.submit(ann, filled('Card payments failed because the processor was down.'));
    expect(response.body).not.toContain('errors');
    expect(harness.openModal(ann)).toBeUndefined();
    const review = await harness.waitFor('the review request', () => threadWith(actionIds.approvePostMortem)[0]);
    expect(review.text).toContain(`<@${ben}>`);
    expect((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).status).toBe('in_review');

    // In review it cannot be edited, but "Write post-mortem" still opens it, to read: no save button.
    await harness.click(ann, harness.alerts, threadWith(actionIds.openPostMortem)[0]!.ts, actionIds.openPostMortem);
    const reading = await harness.waitFor('the post-mortem to read', () => harness.openModal(ann));
    expect(reading).toMatchObject({ callback_id: callbackIds.postMortemInReview });
    expect(reading).not.toHaveProperty('submit');
    expect(JSON.stringify(reading.blocks)).toContain('Card payments failed because the processor was down.');
    expect(JSON.stringify(reading.blocks)).toContain(t('en', 'postmortem.refusal.in_review', {}));
    expect(JSON.stringify(reading.blocks)).not.toContain('"type":"input"');
    harness.fake.workspace.closeView(reading.id);

    await harness.click(ann, harness.alerts, review.ts, actionIds.approvePostMortem);
    await harness.waitFor('own post-mortem refusal', () => harness.ephemeralTexts(ann).find((entry) => /someone else must review/.test(entry)));

    await harness.click(ben, harness.alerts, review.ts, actionIds.requestPostMortemChanges);
    await harness.waitFor('the changes modal', () => harness.openModal(ben));
    const empty = await harness.submit(ben, { [inputIds.comment]: { [inputIds.comment]: text('  ') } });
    expect(errorsOf(empty.body)[inputIds.comment]).toBe(t('en', 'postmortem.refusal.comment_required', {}));
    await harness.submit(ben, { [inputIds.comment]: { [inputIds.comment]: text('Say how many payments failed.') } });
    const changes = await harness.waitFor('the changes message', () => harness.thread().find((message) => message.text.includes('asked for changes')));
    expect(JSON.stringify(changes.blocks)).toContain('Say how many payments failed.');
    expect((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).status).toBe('draft');
    // The round's review request is edited in place: its buttons are gone.
    await harness.waitFor('round 1 closed', () => threadWith(actionIds.approvePostMortem).length === 0);
    expect(JSON.stringify(harness.fake.workspace.findMessage(harness.alerts, review.ts)?.blocks)).toContain('asked for changes');
  });

  it('resubmitted and approved by every reviewer, it is published in the thread and listed in App Home', async () => {
    const { ann, ben, cleo } = harness.people;
    const changes = harness.thread().find((message) => message.text.includes('asked for changes'))!;
    await harness.click(ann, harness.alerts, changes.ts, actionIds.openPostMortem);
    const modal = await harness.waitFor('the modal again', () => harness.openModal(ann));
    // The existing action item comes back in its row, with the reviewer's comment on top.
    expect(JSON.stringify(modal.blocks)).toContain('Say how many payments failed.');
    expect(JSON.stringify(modal.blocks)).toContain('Alert on card processor errors');
    const response = await harness.submit(ann, filled('Card payments failed for 40 minutes (312 payments) because the processor was down.', LESSONS));
    expect(response.body).not.toContain('errors');
    const review = await harness.waitFor('round 2', () => threadWith(actionIds.approvePostMortem).find((message) => message.text.includes('2')) ?? undefined);
    await harness.click(ben, harness.alerts, review.ts, actionIds.approvePostMortem);
    await harness.waitFor('ben approved', async () => ((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).reviews as unknown[]).length === 2);
    expect((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).status).toBe('in_review');
    await harness.click(cleo, harness.alerts, review.ts, actionIds.approvePostMortem);
    const published = await harness.waitFor('the published post-mortem', () => harness.thread().find((message) => JSON.stringify(message.blocks ?? []).includes(':books:')));
    expect(JSON.stringify(published.blocks)).toContain('312 payments');
    const row = await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } });
    expect(row.status).toBe('published');
    await harness.waitFor('round 2 closed', () => threadWith(actionIds.approvePostMortem).length === 0);
    expect((await prisma().reminder.findUniqueOrThrow({ where: { key: `postmortem:${incidentId}:due` } })).status).toBe('cancelled');

    await harness.event({ type: 'app_home_opened', user: ann, channel: 'D0HOME', tab: 'home' });
    const home = await harness.waitFor('App Home', () => harness.fake.workspace.homeView(ann));
    expect(JSON.stringify(home.blocks)).toContain('312 payments');
    // Its line links to the published post-mortem in the incident thread.
    expect(JSON.stringify(home.blocks)).toContain(`/archives/${harness.alerts}/p${published.ts.replace('.', '')}?thread_ts=`);
    // The last 30 days' medians and p90s, this incident included.
    expect(JSON.stringify(home.blocks)).toMatch(/Response, last 30 days \(1 incident, drills left out\)/);
    expect(JSON.stringify(home.blocks)).toMatch(/Time to acknowledge[^:]*: median \*/);
  });

  it('once published, the post-mortem buttons left on the invitation and the alert open it to read, saying it can no longer change', async () => {
    const { ann, sam } = harness.people;
    const invite = threadWith(actionIds.openPostMortem)[0]!;
    const root = harness.rootMessage()!;
    // The alert is not redrawn when the post-mortem moves on, so its button says what is true in every status.
    const rootButton = findButtons(root.blocks ?? []).find((candidate) => candidate.action_id === actionIds.openPostMortem);
    expect(rootButton?.text?.text).toBe(t('en', 'ui.button.postmortem_open', {}));
    for (const [user, message] of [
      [ann, invite],
      [sam, root],
    ] as const) {
      expect((await harness.click(user, harness.alerts, message.ts, actionIds.openPostMortem)).status).toBe(200);
      const reading = await harness.waitFor('the published post-mortem to read', () => harness.openModal(user));
      expect(reading).toMatchObject({ callback_id: callbackIds.postMortemPublished });
      expect(reading).not.toHaveProperty('submit');
      const shown = JSON.stringify(reading.blocks);
      expect(shown).toContain('312 payments');
      expect(shown).toContain(t('en', 'postmortem.refusal.published', {}));
      expect(shown).not.toContain('"type":"input"');
      harness.fake.workspace.closeView(reading.id);
    }
    expect((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).status).toBe('published');
  });

  it('an action item is reminded through the scheduler until its owner marks it done', async () => {
    const { sam } = harness.people;
    const [item] = await prisma().actionItem.findMany();
    expect(item?.ownerUserId).toBe(sam);
    const key = `postmortem:action:${item!.id}`;
    const first = await prisma().reminder.findUniqueOrThrow({ where: { key } });
    expect(first.status).toBe('pending');
    expect(first.dueAt.getTime()).toBe(item!.dueAt.getTime());

    // Its due date arrives.
    await prisma().reminder.update({ where: { key }, data: { dueAt: new Date(Date.now() - 1_000) } });
    await harness.app.runtime!.scheduler.runDue();
    const reminder = await harness.waitFor('the reminder', () => threadWith(actionIds.actionItemDone)[0]);
    expect(reminder.text).toContain(`<@${sam}>`);
    expect(reminder.text).toContain('Alert on card processor errors');
    // The next one is already scheduled: 17:00 on TEAM_TIMEZONE's wall clock (UTC here), at least half a day later.
    const next = await prisma().reminder.findUniqueOrThrow({ where: { key } });
    expect(next.status).toBe('pending');
    expect(next.dueAt.toISOString()).toMatch(/T17:00:00\.000Z$/);
    expect(next.dueAt.getTime()).toBeGreaterThan(Date.now() + DAY / 2 - 60_000);
    expect(next.dueAt.getTime()).toBeLessThanOrEqual(Date.now() + DAY + DAY / 2);

    await harness.click(sam, harness.alerts, reminder.ts, actionIds.actionItemDone);
    await harness.waitFor('the item done', async () => (await prisma().actionItem.findFirst({ where: { doneAt: { not: null } } })) ?? undefined);
    expect((await prisma().reminder.findUniqueOrThrow({ where: { key } })).status).toBe('cancelled');
    // The reminder is answered in place: no button left, and who did it.
    const answered = await harness.waitFor('the reminder answered', () => {
      const message = harness.fake.workspace.findMessage(harness.alerts, reminder.ts);
      return message && findButtons(message.blocks ?? []).length === 0 ? message : undefined;
    });
    expect(JSON.stringify(answered.blocks)).toContain(`Done by <@${sam}>`);
    expect(answered.text).toContain('Alert on card processor errors');
  });

  it('metrics and the export come from the captured timeline and the channel buckets', async () => {
    const service = harness.app.runtime!.postMortems;
    const metrics = await service.metrics(incidentId);
    expect(metrics.timeToDetectMs).not.toBeNull();
    expect(metrics.timeToDetectMs!).toBeGreaterThanOrEqual(0);
    expect(metrics.timeToAcknowledgeMs).not.toBeNull();
    expect(metrics.timeToFirstReplyMs!).toBeGreaterThanOrEqual(metrics.timeToAcknowledgeMs!);
    expect(metrics.timeToResolveMs!).toBeGreaterThanOrEqual(metrics.timeToFirstReplyMs!);
    expect(metrics.peakNegativeRatio!).toBeGreaterThan(0.5);
    expect(metrics.membersAffected).toBeGreaterThanOrEqual(8);
    expect(metrics.repliesPosted).toBe(1);
    expect(metrics.reopenCount).toBe(0);
    // The calm minute after the spike is back within the channel's band.
    expect(metrics.timeToRecoveryMs).not.toBeNull();

    const markdown = await service.exportMarkdown('1');
    expect(markdown).toMatch(/^# Post-mortem: incident #1$/m);
    expect(markdown).toContain('Payments team confirms the card processor is down');
    expect(markdown).toContain('Payments are failing; we are on it with our card processor.');
    // The quoted member and the member named in the text are pseudonymised.
    expect(markdown).toMatch(/> My order vanished and nobody answers, @Member [A-Z]+ saw it too/);
    expect(markdown).not.toContain('Diego Member');
    expect(markdown).not.toContain(harness.people.members[1]!);
    expect(markdown).not.toContain(harness.people.members[3]!);

    // An answer renders as the text typed: its “# ” is no heading, its tags no HTML, its lines kept.
    const answer = markdown.slice(markdown.indexOf('### What did we learn?'));
    expect(answer).not.toMatch(/^# Tell members sooner/m);
    expect(answer).toContain('\\# Tell members sooner\\\n');
    expect(answer).toContain('We said \\<b>nothing\\</b> for \\*40 minutes\\*; \\<script>alert(1)\\</script>\\\n');
    expect(answer).toContain('\\- not a list');
    expect(markdown).not.toMatch(/(^|[^\\])<\/?(b|script)>/m);
  });
});
