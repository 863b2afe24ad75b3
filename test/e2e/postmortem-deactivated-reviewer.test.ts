// A post-mortem in review waits for every reviewer's approval; a reviewer Slack deactivates can never
// give it. The round stops waiting for them (Slack's user_change): published once everyone left has
// approved, the thread saying why; a post-mortem sent for review after the deactivation never asks them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { isoDay } from '../../src/slack/blocks/postmortem.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playbookNaming, startHarness, type Harness, type People } from './harness.js';

const DAY = 86_400_000;
const text = (value: string) => ({ type: 'plain_text_input', value });
const errorsOf = (body: string): Record<string, string> => (JSON.parse(body || '{}') as { errors?: Record<string, string> }).errors ?? {};

/** Nina leads (and so owns the post-mortem); Ann, Ben and Cleo approve replies and review post-mortems. */
const playbook = (people: People) =>
  playbookNaming({ lead: people.nina, approvers: [people.ann, people.ben, people.cleo] });

describe.each(availableProviders)('a post-mortem reviewer Slack deactivated (%s)', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider, playbook });
  });
  afterAll(async () => {
    await h?.close();
  });

  const prisma = () => h.app.database.prisma;
  const threadWith = (actionId: string) => h.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));
  const complete = () => ({
    summary: { summary: text('Refunds were slow because the payment processor was down.') },
    impact: { impact: text('Refunds waited for two hours.') },
    whatHappened: { whatHappened: text('The payment processor went down.') },
    'question.lessons': { 'question.lessons': text('Tell members sooner.') },
    [postMortemInputIds.actionItem(0, 'text')]: { [postMortemInputIds.actionItem(0, 'text')]: text('Alert on processor errors') },
    [postMortemInputIds.actionItem(0, 'owner')]: { [postMortemInputIds.actionItem(0, 'owner')]: { type: 'users_select', selected_user: h.people.nina } },
    [postMortemInputIds.actionItem(0, 'dueAt')]: { [postMortemInputIds.actionItem(0, 'dueAt')]: { type: 'datepicker', selected_date: isoDay(Date.now() + 7 * DAY, 'UTC') } },
    [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'submit' } } },
  });

  /** Declared in #support, led by Nina, resolved; she sends its post-mortem for review. Returns the incident id. */
  async function resolvedAndSubmitted(number: number): Promise<string> {
    const { nina } = h.people;
    await h.command(nina, `declare <#${h.support}|support> sev2 Refunds are slow ${number}`);
    const incident = await h.waitFor('the incident', async () => (await prisma().incident.findFirst({ where: { number, rootTs: { not: null } } })) ?? undefined);
    const root = h.fake.workspace.findMessage(h.alerts, incident.rootTs!)!;
    await h.click(nina, h.alerts, root.ts, actionIds.acknowledge);
    await h.waitFor('Nina leads', async () => (await prisma().incident.findFirst({ where: { id: incident.id, leadUserId: nina } })) ?? undefined);
    const inThread = () => h.fake.workspace.messagesIn(h.alerts).filter((message) => message.thread_ts === root.ts && message.ts !== root.ts);
    const checklist = await h.waitFor('the checklist', () => inThread().find((m) => findButtons(m.blocks ?? []).some((b) => b.action_id === actionIds.toggleStep)));
    await h.click(nina, h.alerts, checklist.ts, actionIds.toggleStep);
    await h.waitFor('the step ticked', async () => (await prisma().checklistItem.count({ where: { incidentId: incident.id, doneAt: { not: null } } })) === 1);
    await h.command(nina, `resolve ${number} Processor restored`);
    await h.waitFor('the post-mortem', async () => (await prisma().postMortem.findUnique({ where: { incidentId: incident.id } })) ?? undefined);
    const invite = await h.waitFor('the invitation', () => inThread().find((m) => findButtons(m.blocks ?? []).some((b) => b.action_id === actionIds.openPostMortem)));
    await h.click(nina, h.alerts, invite.ts, actionIds.openPostMortem);
    await h.waitFor('the post-mortem modal', () => h.openModal(nina));
    expect(errorsOf((await h.submit(nina, complete())).body)).toEqual({});
    await h.waitFor('in review', async () => (await prisma().postMortem.findFirst({ where: { incidentId: incident.id, status: 'in_review' } })) ?? undefined);
    return incident.id;
  }

  it('a round waiting only for a reviewer Slack deactivated is published, and the thread says why', async () => {
    const { ann, ben, cleo } = h.people;
    const incidentId = await resolvedAndSubmitted(1);
    const review = await h.waitFor('the review request', () => threadWith(actionIds.approvePostMortem)[0]);
    expect(review.text).toContain(`<@${cleo}>`);
    await h.click(ann, h.alerts, review.ts, actionIds.approvePostMortem);
    await h.click(ben, h.alerts, review.ts, actionIds.approvePostMortem);
    await h.waitFor('two approvals', async () => ((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).reviews as unknown[]).length === 2);

    await h.event({ type: 'user_change', user: h.fake.workspace.updateUser(cleo, { deleted: true }) });
    await h.waitFor('published', async () => (await prisma().postMortem.findFirst({ where: { incidentId, status: 'published' } })) ?? undefined);
    await h.waitFor('the thread says why', () => h.threadTexts().some((line) => line.includes(`<@${cleo}>'s Slack account was deactivated, so the post-mortem of incident #1 no longer waits for their review`)));
  });

  it('a post-mortem sent for review after a reviewer was deactivated (no user_change seen) does not wait for them', async () => {
    const { ann, ben } = h.people;
    // Slack deactivates Ben; this instance never hears of it.
    h.fake.workspace.updateUser(ben, { deleted: true });
    const incidentId = await resolvedAndSubmitted(2);
    expect((await prisma().postMortem.findUniqueOrThrow({ where: { incidentId } })).reviewerUserIds).not.toContain(ben);
    const incident = await prisma().incident.findUniqueOrThrow({ where: { id: incidentId } });
    const inThread = () => h.fake.workspace.messagesIn(h.alerts).filter((message) => message.thread_ts === incident.rootTs && message.ts !== incident.rootTs);
    const review = await h.waitFor('the review request', () => inThread().find((m) => findButtons(m.blocks ?? []).some((b) => b.action_id === actionIds.approvePostMortem)));
    expect(review.text).toContain(`<@${ann}>`);
    expect(review.text).not.toContain(`<@${ben}>`);
    // Ann, the only reviewer left, publishes it.
    await h.click(ann, h.alerts, review.ts, actionIds.approvePostMortem);
    await h.waitFor('published', async () => (await prisma().postMortem.findFirst({ where: { incidentId, status: 'published' } })) ?? undefined);
  });

  it('an action item’s reminder for an owner Slack deactivated goes to the post-mortem’s reviewers still here, saying why', async () => {
    const { nina, ann } = h.people;
    // Nina owns the action items; Slack deactivates her and this instance never hears of it.
    h.fake.workspace.updateUser(nina, { deleted: true });
    const pending = await prisma().reminder.findMany({ where: { key: { startsWith: 'postmortem:action:' }, status: 'pending' } });
    const first = await prisma().incident.findFirstOrThrow({ where: { number: 1 } });
    const reminder = pending.find((row) => (row.payload as { incidentId?: string }).incidentId === first.id)!;
    expect(reminder).toBeDefined();
    await prisma().reminder.update({ where: { id: reminder.id }, data: { dueAt: new Date(Date.now() - 60_000) } });
    await h.app.runtime!.scheduler.runDue();
    const inThread = () => h.fake.workspace.messagesIn(h.alerts).filter((message) => message.thread_ts === first.rootTs && message.ts !== first.rootTs);
    const sent = await h.waitFor('the reminder', () => inThread().find((message) => message.text.includes('Alert on processor errors')));
    expect(sent.text).toContain(`<@${ann}>`);
    expect(sent.text).not.toContain(`<@${nina}>`);
    expect(JSON.stringify(sent.blocks)).toContain(`<@${nina}>'s Slack account was deactivated, so this reminder is yours now`);
  });
});
