import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, playSpike, startHarness, transports, type Harness } from './harness.js';

const runs = availableProviders.flatMap((provider) => transports.map((transport) => [provider, transport] as const));

describe.each(runs)('incident workflow through Slack on %s over %s', (provider, transport) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, transport });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('a spike of angry members opens exactly one incident, with one root message in the alerts channel', async () => {
    await playSpike(harness);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    expect(root.text).toMatch(/support/);
    const incidents = await harness.app.database.prisma.incident.findMany();
    expect(incidents).toHaveLength(1);
    expect(findButtons(root.blocks).map((button) => button.action_id)).toEqual(
      expect.arrayContaining([actionIds.acknowledge, actionIds.draftReply, actionIds.resolve]),
    );
    // A chart of the channel's negative share and volume, spike marked, is uploaded into the thread.
    const upload = await harness.waitFor('the chart upload', () => harness.fake.api.calls('files.completeUploadExternal')[0], 30_000);
    expect(JSON.stringify(upload.args)).toContain(root.ts);
    // files.upload is retired (since Nov 2025): the chart goes through the external upload flow only.
    expect(harness.fake.api.calls('files.getUploadURLExternal')).toHaveLength(1);
    expect(harness.fake.api.calls('files.upload')).toEqual([]);
    // More anger and more ticks change nothing: the incident is open, the root message is edited in place.
    await playSpike(harness, Date.now() + 60_000);
    await harness.app.runtime?.tick();
    expect(await harness.app.database.prisma.incident.count()).toBe(1);
    const tops = harness.fake.workspace.messagesIn(harness.alerts).filter((message) => !message.thread_ts || message.thread_ts === message.ts);
    expect(tops).toHaveLength(1);
  });

  function draftCards() {
    return harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));
  }

  function publicReplies(text: string) {
    return harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes(text));
  }


  it('an approver takes the lead from the alert', async () => {
    const root = harness.rootMessage()!;
    const response = await harness.click(harness.people.ann, harness.alerts, root.ts, actionIds.acknowledge);
    expect(response.status).toBe(200);
    const incident = await harness.waitFor('the lead', async () => (await harness.app.database.prisma.incident.findFirst({ where: { leadUserId: harness.people.ann } })) ?? undefined);
    expect(incident.status).toBe('acknowledged');
  });

  it('staff draft a reply from the playbook template; the drafter cannot approve it (four-eyes), nor can a non-approver', async () => {
    const root = harness.rootMessage()!;
    // Cleo is an approver, but she wrote this draft.
    await harness.click(harness.people.cleo, harness.alerts, root.ts, actionIds.draftReply);
    const modal = await harness.waitFor('the draft modal', () => harness.openModal(harness.people.cleo));
    // The playbook's template, rendered with the configured brand and contact.
    expect(JSON.stringify(modal.blocks)).toContain('We know something is wrong with Acme');
    const response = await harness.submit(harness.people.cleo, draftValues('We know the app is failing and we are on it. Updates here within the hour.'));
    expect(response.status).toBe(200);
    const card = await harness.waitFor('the draft card', () => draftCards()[0]);
    expect(card.text + JSON.stringify(card.blocks)).toContain('We know the app is failing');

    await harness.click(harness.people.cleo, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('four-eyes refusal', () => harness.ephemeralTexts(harness.people.cleo).find((text) => /own|drafted|four|wrote|edited/i.test(text)));
    await harness.click(harness.people.nina, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('non-approver refusal', () => harness.ephemeralTexts(harness.people.nina).find((text) => /approver/i.test(text)));
    const approvals = await harness.app.database.prisma.approval.findMany();
    expect(approvals).toHaveLength(0);
    const audit = await harness.app.database.prisma.auditLog.findMany({ where: { outcome: 'refused' } });
    expect(audit.map((entry) => entry.userId).sort()).toEqual([harness.people.cleo, harness.people.nina].sort());
    expect(audit.map((entry) => (entry.data as { refusalCode?: string }).refusalCode).sort()).toEqual(['four_eyes', 'not_an_approver']);
    expect(audit.every((entry) => entry.text?.includes('We know the app is failing'))).toBe(true);
  });

  it('one approval is not enough when the playbook asks for two; an edit voids it', async () => {
    const card = draftCards()[0]!;
    await harness.click(harness.people.ann, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('the approval', async () => (await harness.app.database.prisma.approval.count()) === 1);
    expect(publicReplies('We know the app is failing')).toHaveLength(0);

    await harness.click(harness.people.sam, harness.alerts, card.ts, actionIds.editDraft);
    await harness.waitFor('the edit modal', () => harness.openModal(harness.people.sam));
    const edited = await harness.submit(harness.people.sam, { [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: 'We know the app is failing and we are on it. Next update here by 15:00.' } } });
    expect(edited.body).not.toContain('errors');
    const draft = await harness.waitFor('revision 2', async () => (await harness.app.database.prisma.replyDraft.findFirst({ where: { revision: 2 } })) ?? undefined);
    expect(draft.status).toBe('pending');
    const voided = await harness.app.database.prisma.approval.findFirst({ where: { approverUserId: harness.people.ann } });
    expect(voided?.voidedAt).not.toBeNull();
    // The card was edited in place and its buttons now act on revision 2.
    await harness.waitFor('card for revision 2', () => {
      const updated = harness.fake.workspace.findMessage(harness.alerts, card.ts);
      return findButtons(updated?.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft && JSON.parse(button.value ?? '{}').r === 2);
    });
  });

  it('with two distinct approvers the reply reaches the community exactly once, even when a click is repeated', async () => {
    const card = draftCards()[0]!;
    await harness.click(harness.people.ann, harness.alerts, card.ts, actionIds.approveDraft, (value) => JSON.parse(value).r === 2);
    await harness.click(harness.people.ben, harness.alerts, card.ts, actionIds.approveDraft, (value) => JSON.parse(value).r === 2);
    await harness.waitFor('the public reply', () => publicReplies('Next update here by 15:00')[0]);
    // Ben's click delivered twice (a double click, or Slack retrying): still one reply.
    await harness.click(harness.people.ben, harness.alerts, card.ts, actionIds.approveDraft, (value) => JSON.parse(value).r === 2);
    await harness.waitFor('the draft marked posted', async () => (await harness.app.database.prisma.replyDraft.findFirst({ where: { status: 'posted' } })) ?? undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(publicReplies('Next update here by 15:00')).toHaveLength(1);
    expect(publicReplies('Updates here within the hour')).toHaveLength(0);
    const posted = await harness.app.database.prisma.replyDraft.findFirstOrThrow({ where: { status: 'posted' } });
    expect(posted.postedTs).toBe(publicReplies('Next update here by 15:00')[0]?.ts);
  });

  it("Slack's retries of the same event change nothing", async () => {
    const before = await harness.app.database.prisma.scoredMessage.count();
    const { ts } = await harness.post(harness.people.members[0]!, 'Still broken for me, terrible', Date.now(), { eventId: 'EvRETRY0001' });
    const again = await harness.event(
      { type: 'message', channel: harness.support, user: harness.people.members[0], text: 'Still broken for me, terrible', ts },
      { eventId: 'EvRETRY0001', retryNum: 1 },
    );
    expect(again.status).toBe(200);
    await harness.waitFor('the message scored', async () => (await harness.app.database.prisma.scoredMessage.count()) === before + 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await harness.app.database.prisma.scoredMessage.count()).toBe(before + 1);
    expect(await harness.app.database.prisma.processedEvent.count({ where: { eventId: 'EvRETRY0001' } })).toBe(1);
  });

  it('staff tick checklist steps from the thread; resolving needs a summary and creates the post-mortem', async () => {
    const checklist = await harness.waitFor('the checklist message', () =>
      harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep)),
    );
    await harness.click(harness.people.ann, harness.alerts, checklist.ts, actionIds.toggleStep);
    const step = await harness.waitFor('the ticked step', async () => (await harness.app.database.prisma.checklistItem.findFirst({ where: { doneBy: harness.people.ann } })) ?? undefined);
    expect(step.stepId).toBe('acknowledge');

    const root = harness.rootMessage()!;
    await harness.click(harness.people.ann, harness.alerts, root.ts, actionIds.resolve);
    await harness.waitFor('the resolve modal', () => harness.openModal(harness.people.ann));
    const empty = await harness.submit(harness.people.ann, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: { type: 'plain_text_input', value: '' } } });
    expect(empty.body).toContain('response_action');
    expect((await harness.app.database.prisma.incident.findFirstOrThrow()).status).not.toBe('resolved');
    await harness.submit(harness.people.ann, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: { type: 'plain_text_input', value: 'Login fixed; members told in the channel.' } } });
    const resolved = await harness.waitFor('the resolution', async () => (await harness.app.database.prisma.incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
    expect(resolved.resolutionSummary).toBe('Login fixed; members told in the channel.');
    const postMortem = await harness.app.database.prisma.postMortem.findUniqueOrThrow({ where: { incidentId: resolved.id } });
    expect(postMortem.status).toBe('draft');
    const timeline = await harness.app.database.prisma.timelineEvent.findMany({ where: { incidentId: resolved.id }, orderBy: { sequence: 'asc' } });
    expect(timeline.map((event) => event.kind)).toEqual(
      expect.arrayContaining(['opened', 'alert_posted', 'acknowledged', 'draft_created', 'draft_edited', 'draft_approved', 'reply_posted', 'checklist_ticked', 'resolved']),
    );
  });

  it.runIf(transport === 'socket')('over Socket Mode, every envelope sent was acknowledged by its envelope_id, and nothing came over HTTP', async () => {
    const envelopes = harness.fake.socketMode!.envelopes();
    expect(envelopes.map((envelope) => envelope.type)).toEqual(expect.arrayContaining(['events_api', 'interactive']));
    expect(envelopes.filter((envelope) => envelope.ackedAt === undefined && !envelope.redelivered)).toEqual([]);
    const metrics = await harness.app.metrics.render();
    expect(metrics).toMatch(/firebreak_slack_link_up\{mode="socket"\} 1/);
    const health = (await (await fetch(`${harness.app.url}/healthz`)).json()) as { status: string; slack: { mode: string; state: string; connections: number } };
    expect(health).toMatchObject({ status: 'ok', slack: { mode: 'socket', state: 'connected', connections: 1 } });
  });
});
