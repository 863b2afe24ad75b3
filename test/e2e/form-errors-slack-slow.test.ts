// A form's refusal must reach its person even when Slack is slow to say who they are: Slack gives a
// submission 3 s, the listener guard acknowledges one still working at 2 s with an empty answer (which
// closes the form), and the field errors that came later were lost — the person believed it saved and
// what they typed was gone. Now the refusal arrives in the answer, or, when late, by direct message
// with what they typed; nothing is stored, and the refusal is audited. Signed requests to the real app,
// users.info answering after 5 s, both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { viewSubmission, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('a form refused while Slack is slow to say who its person is (%s)', (provider) => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    await harness.command(harness.people.cleo, `declare ${harness.support} sev2 Payments failing`);
    await harness.waitFor('the alert', () => harness.rootMessage());
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  /** `user` submits `view` with `values`: the HTTP answer and how long it took. */
  async function submitAs(user: string, view: ViewPayload, values: Record<string, Record<string, unknown>>) {
    const started = Date.now();
    const identity = harness.fake.workspace.appIdentity();
    const response = await harness.deliver('interaction', viewSubmission(identity, { user: { id: user, name: user }, view, values, triggerId: harness.fake.workspace.issueTrigger(user) }));
    return { response, elapsed: Date.now() - started };
  }

  /** What Firebreak told `user` by direct message containing `marker`. */
  function directMessageTo(user: string, marker: string): string | undefined {
    const fake = harness.fake;
    for (const call of fake.api.calls('conversations.open')) {
      if (call.args['users'] !== user || call.status !== 200) continue;
      const channel = (call.response as { channel?: { id?: string } }).channel?.id;
      const found = channel ? fake.workspace.messagesIn(channel).find((message) => message.text.includes(marker)) : undefined;
      if (found) return found.text;
    }
    return undefined;
  }

  /** The refusal reached the person: in the form (within Slack's 3 s), else by direct message with what they typed. */
  async function toldRefusal(user: string, answer: { response: { status: number; body: string }; elapsed: number }, field: string, typed: string): Promise<string> {
    expect(answer.response.status).toBe(200);
    expect(answer.elapsed, 'answered before Slack gives up at 3 s').toBeLessThan(3_000);
    const errors = (JSON.parse(answer.response.body || '{}') as { errors?: Record<string, string> }).errors;
    if (errors?.[field]) return errors[field]!;
    const told = await harness.waitFor('the refusal by direct message', () => directMessageTo(user, 'was NOT saved'), 10_000);
    expect(told).toContain(typed);
    return told;
  }

  it('"Add to incident timeline" submitted by someone Slack does not confirm: refused and told, nothing added, audited; an operator still adds', async () => {
    const { ben, members } = harness.people;
    const member = members[4]!;
    const { ts } = await harness.post(members[3]!, 'My card was charged twice', Date.now());
    await harness.shortcut(ben, callbackIds.addToTimelineShortcut, { ts, text: 'My card was charged twice', user: members[3]! });
    const view = await harness.waitFor('the timeline modal', () => (harness.openModal(ben)?.callback_id === callbackIds.addToTimelineModal ? harness.openModal(ben) : undefined));
    const incident = await prisma().incident.findFirstOrThrow();
    const values = { [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incident.id, text: { type: 'plain_text', text: `#${incident.number} Payments failing` } } } } };

    harness.fake.api.faults.delay('users.info', 5_000, { forMs: 12_000 });
    // The same form submitted by a member (a forged or passed-on form): Slack does not say who they are in time.
    const refused = await submitAs(member, view, values);
    const told = await toldRefusal(member, refused, inputIds.incident, `Payments failing`);
    expect(told).toMatch(/Slack did not confirm who you are/);
    const audited = await harness.waitFor('the refusal audited', () => prisma().auditLog.findFirst({ where: { action: `view:${callbackIds.addToTimelineModal}`, userId: member } }).then((row) => row ?? undefined));
    expect(audited.outcome).toBe('refused:slack_unavailable');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await prisma().timelineEvent.count({ where: { kind: 'message_added' } })).toBe(0);

    // Ben operates Firebreak (named by the playbook): Slack's slowness does not stop him, it is added and acknowledged.
    const added = await submitAs(ben, view, values);
    expect(added.response.status).toBe(200);
    expect(added.elapsed).toBeLessThan(3_000);
    await harness.waitFor('the message on the timeline', async () => (await prisma().timelineEvent.count({ where: { kind: 'message_added' } })) === 1, 10_000);
    harness.fake.api.faults.clear();
  }, 60_000);

  it('the change-severity form refused to someone the playbook does not allow, Slack slow: the refusal is shown in the form in time, nothing changed, audited', async () => {
    const { ben, members } = harness.people;
    const member = members[5]!;
    await harness.click(ben, harness.alerts, harness.rootMessage()!.ts, actionIds.changeSeverity);
    const view = await harness.waitFor('the severity modal', () => (harness.openModal(ben)?.callback_id === callbackIds.severityModal ? harness.openModal(ben) : undefined));
    const before = (await prisma().incident.findFirstOrThrow()).severity;
    const values = {
      [inputIds.severity]: { [inputIds.severity]: { type: 'static_select', selected_option: { value: 'sev1', text: { type: 'plain_text', text: 'sev1' } } } },
      [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: 'The press is asking' } },
    };
    harness.fake.api.faults.delay('users.info', 5_000, { forMs: 12_000 });
    // Slack is asked for the approvers' names while it says the member's language: the refusal beats the guard's 2 s.
    const refused = await submitAs(member, view, values);
    expect(refused.elapsed).toBeLessThan(3_000);
    const errors = (JSON.parse(refused.response.body || '{}') as { errors?: Record<string, string> }).errors ?? {};
    expect(errors[inputIds.severity]).toContain('Only an approver can change the severity under this playbook. Ask one of them: @');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    harness.fake.api.faults.clear();
    expect((await prisma().incident.findFirstOrThrow()).severity).toBe(before);
    const audited = await prisma().auditLog.findMany({ where: { userId: member, action: 'change_severity' } });
    expect(audited.map((entry) => entry.outcome)).toEqual(['refused']);
  }, 60_000);

  it('the resolve form refused after Slack stopped waiting (its language asked twice): told by direct message with what was typed, not resolved, audited', async () => {
    const { ben, members } = harness.people;
    const member = members[6]!;
    await harness.click(ben, harness.alerts, harness.rootMessage()!.ts, actionIds.resolve);
    const view = await harness.waitFor('the resolve modal', () => (harness.openModal(ben)?.callback_id === callbackIds.resolveModal ? harness.openModal(ben) : undefined));
    const typed = 'Refunds fixed for <everyone> & the press told';
    const values = { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: { type: 'plain_text_input', value: typed } } };
    harness.fake.api.faults.delay('users.info', 5_000, { forMs: 12_000 });
    const refused = await submitAs(member, view, values);
    const told = await toldRefusal(member, refused, inputIds.resolutionSummary, 'Refunds fixed for &lt;everyone&gt; &amp; the press told');
    expect(told).toContain('was NOT saved');
    expect(told).toMatch(/can resolve the incident/);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    harness.fake.api.faults.clear();
    expect((await prisma().incident.findFirstOrThrow()).status).not.toBe('resolved');
    const audited = await prisma().auditLog.findMany({ where: { userId: member } });
    expect(audited.map((entry) => `${entry.action} ${entry.outcome}`)).toEqual(['resolve refused']);
  }, 60_000);
});
