import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds, isDraftTargetBlockId } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { viewBlockActions, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { readDetection } from '../../src/slack/blocks/detection-summary.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, playSpike, startHarness, transports, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const runs = availableProviders.flatMap((provider) => transports.map((transport) => [provider, transport] as const));

/** The e2e playbook with a second template that answers a member in their thread, by name. */
const PLAYBOOK_WITH_THREAD_TEMPLATE = TWO_APPROVER_PLAYBOOK.replace(
  '\nescalation:\n',
  `
  - id: thread-hello
    target: thread
    text:
      es: Hola {{member}}, sentimos las molestias. Ya estamos en ello.
      en: Hi {{member}}, sorry for the trouble. We are on it.
    guidance: { es: Saluda a quien escribió., en: Greet the member who wrote. }
escalation:
`,
);

describe.each(runs)('incident workflow through Slack on %s over %s', (provider, transport) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, transport, playbook: PLAYBOOK_WITH_THREAD_TEMPLATE });
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

  let staleRoot: { ts: string; blocks: unknown[]; text: string } | undefined;

  function draftCards() {
    return harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));
  }

  function publicReplies(text: string) {
    return harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes(text));
  }


  it('an approver takes the lead from the alert; a second Acknowledge pressed at the same time does not take it from her', async () => {
    const root = harness.rootMessage()!;
    const seenByBen = structuredClone(root);
    const response = await harness.click(harness.people.ann, harness.alerts, root.ts, actionIds.acknowledge);
    expect(response.status).toBe(200);
    const incident = await harness.waitFor('the lead', async () => (await harness.app.database.prisma.incident.findFirst({ where: { leadUserId: harness.people.ann } })) ?? undefined);
    expect(incident.status).toBe('acknowledged');

    // Ben pressed Acknowledge on the alert as it was before Ann's press reached it.
    const late = await harness.clickSeen(harness.people.ben, harness.alerts, seenByBen, actionIds.acknowledge);
    expect(late.status).toBe(200);
    const told = await harness.waitFor('Ben told who leads', () => harness.ephemeralTexts(harness.people.ben).find((text) => text.includes('took the lead of incident #1 just before you pressed')));
    expect(told).toContain(`<@${harness.people.ann}>`);
    const after = await harness.app.database.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });
    expect(after.leadUserId).toBe(harness.people.ann);
    const kinds = (await harness.app.database.prisma.timelineEvent.findMany({ where: { incidentId: incident.id } })).map((event) => event.kind);
    expect(kinds).not.toContain('lead_changed');
    const refusal = await harness.app.database.prisma.auditLog.findFirstOrThrow({ where: { outcome: 'refused', action: 'acknowledge' } });
    expect(refusal).toMatchObject({ userId: harness.people.ben, data: expect.objectContaining({ refusalCode: 'lead_changed' }) });
    // The alert as it is now offers Ben the take-over, naming Ann as the lead he would take it from.
    const takeOver = () => findButtons(harness.rootMessage()!.blocks).find((candidate) => candidate.action_id === actionIds.acknowledge);
    const updated = await harness.waitFor('the alert updated', () => (JSON.parse(takeOver()?.value ?? '{}').l === harness.people.ann ? takeOver() : undefined));
    expect(JSON.stringify(harness.rootMessage()!.blocks)).toContain(t('en', 'ui.button.take_over', {}));
    expect(updated).toBeDefined();
  });

  it('a severity change made while another person’s form was open is not overruled unseen', async () => {
    const { ann, ben } = harness.people;
    const severityOf = async () => (await harness.app.database.prisma.incident.findFirstOrThrow()).severity;
    const before = await severityOf();
    const choose = (severity: string, reason: string) => ({
      [inputIds.severity]: { [inputIds.severity]: { type: 'static_select', selected_option: { value: severity } } },
      [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: reason } },
    });
    for (const user of [ann, ben]) {
      await harness.click(user, harness.alerts, harness.rootMessage()!.ts, actionIds.changeSeverity);
      await harness.waitFor('the severity form', () => harness.openModal(user));
    }
    // Ann escalates; Ben, whose form still shows the old severity, lowers it a moment later.
    expect((await harness.submit(ann, choose('sev1', 'The press picked it up'))).status).toBe(200);
    expect(await severityOf()).toBe('sev1');
    const late = await harness.submit(ben, choose('sev3', 'Calmer now'));
    expect(late.status).toBe(200);
    expect(late.body).toContain('response_action');
    expect(late.body).toContain(`changed incident #1 to SEV1 while this form was open (it showed ${before.toUpperCase()})`);
    expect(await severityOf()).toBe('sev1');
    const refusal = await harness.app.database.prisma.auditLog.findFirstOrThrow({ where: { outcome: 'refused', action: 'change_severity' } });
    expect(refusal).toMatchObject({ userId: ben, text: 'Calmer now', data: expect.objectContaining({ refusalCode: 'severity_changed' }) });
    // Ben closes his form, as the error asks.
    harness.fake.workspace.closeView(harness.openModal(ben)!.id);
  });

  it('picking another member’s thread re-fills the greeting for that member, unless the drafter edited the text', async () => {
    const { workspace } = harness.fake;
    const { nina } = harness.people;
    type Input = { type: string; block_id: string; element: { initial_value?: string; options?: { text: { text: string }; value: string }[] } };
    const inputs = (view: ViewPayload) => (view.blocks as Input[]).filter((block) => block.type === 'input');
    const textBox = (view: ViewPayload) => inputs(view).find((block) => block.block_id.startsWith(inputIds.draftText))!;
    // What the text box shows, as Slack keeps it: a block_id kept keeps the typed text, a new one shows its initial_value.
    let shown = { blockId: '', value: '' };
    const look = (view: ViewPayload) => {
      const box = textBox(view);
      if (box.block_id !== shown.blockId) shown = { blockId: box.block_id, value: box.element.initial_value ?? '' };
      return view;
    };
    const picked = { template: 'holding', target: 'channel' };
    async function pick(actionId: string, value: string): Promise<ViewPayload> {
      const view = harness.openModal(nina)!;
      if (actionId === actionIds.pickTemplate) picked.template = value;
      if (actionId === actionIds.pickTarget) picked.target = value;
      const state = {
        [inputIds.draftTemplate]: { [actionIds.pickTemplate]: { type: 'static_select', selected_option: { value: picked.template } } },
        [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: 'en' } } },
        [inputIds.draftTarget]: { [actionIds.pickTarget]: { type: 'radio_buttons', selected_option: { value: picked.target } } },
        [shown.blockId]: { [shown.blockId]: { type: 'plain_text_input', value: shown.value } },
      };
      const type = actionId === actionIds.pickTarget ? 'radio_buttons' : 'static_select';
      const blockId = actionId === actionIds.pickTarget ? inputIds.draftTarget : inputIds.draftTemplate;
      const response = await harness.deliver(
        'interaction',
        viewBlockActions(workspace.appIdentity(), {
          user: { id: nina, name: 'nina' },
          view,
          actions: [{ action_id: actionId, block_id: blockId, type, selected_option: { text: { type: 'plain_text', text: value }, value } }],
          triggerId: workspace.issueTrigger(nina),
          nowMs: Date.now(),
          state,
        }),
      );
      expect(response.status).toBe(200);
      return look(await harness.waitFor(`the modal re-rendered for ${value}`, () => (harness.openModal(nina)?.hash !== view.hash ? harness.openModal(nina) : undefined)));
    }

    await harness.click(nina, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    look(await harness.waitFor('the draft modal', () => harness.openModal(nina)));
    // The answer-in-thread template brings its own target, a member's thread, and greets that member.
    let view = await pick(actionIds.pickTemplate, 'thread-hello');
    const broughtTarget = (inputs(view).find((block) => isDraftTargetBlockId(block.block_id))!.element as { initial_option?: { text: { text: string } } }).initial_option!.text.text;
    expect(broughtTarget).toMatch(/^Reply in thread to /);
    expect(shown.value).toBe(`Hi ${broughtTarget.slice('Reply in thread to '.length)}, sorry for the trouble. We are on it.`);

    // Each thread is labelled with its author's name.
    const { samples } = readDetection((await harness.app.database.prisma.incident.findFirstOrThrow()).detection as never);
    const threads = inputs(view)
      .find((block) => isDraftTargetBlockId(block.block_id))!
      .element.options!.filter((option) => option.value.startsWith('thread:'))
      .map((option) => {
        const author = samples.find((sample) => sample.id === option.value.slice('thread:'.length))!.authorId!;
        const user = workspace.getUser(author);
        // The name the member shows in Slack: their display name first.
        return { value: option.value, label: option.text.text, name: user.profile?.display_name || user.real_name || user.name };
      });
    expect(threads.length).toBeGreaterThanOrEqual(2);
    for (const thread of threads) expect(thread.label).toBe(`Reply in thread to ${thread.name}`);
    const first = threads[0]!;
    const other = threads.find((thread) => thread.name !== first.name)!;
    expect(other).toBeDefined();

    view = await pick(actionIds.pickTarget, first.value);
    expect(shown.value).toBe(`Hi ${first.name}, sorry for the trouble. We are on it.`);
    // Another member's thread: the greeting follows (it said the first member's name before the fix).
    view = await pick(actionIds.pickTarget, other.value);
    expect(shown.value).toBe(`Hi ${other.name}, sorry for the trouble. We are on it.`);
    expect(JSON.stringify(view.blocks)).not.toContain(':warning:');

    // Text edited by hand is never overwritten; the modal says whom it was written for and where it goes now.
    shown.value = `Hi ${other.name}, sorry! Your refund is on its way.`;
    view = await pick(actionIds.pickTarget, first.value);
    expect(shown.value).toBe(`Hi ${other.name}, sorry! Your refund is on its way.`);
    const warning = JSON.stringify(view.blocks.filter((block) => (block as { type: string }).type === 'context'));
    expect(warning).toContain(t('en', 'ui.modal.draft.kept_text', { from: t('en', 'ui.modal.draft.for_thread', { author: other.name }), to: t('en', 'ui.modal.draft.for_thread', { author: first.name }) }));
    // Back to the thread it was written for: nothing to warn about.
    view = await pick(actionIds.pickTarget, other.value);
    expect(shown.value).toBe(`Hi ${other.name}, sorry! Your refund is on its way.`);
    expect(JSON.stringify(view.blocks)).not.toContain(':warning:');
    workspace.closeView(view.id);
    expect(await harness.app.database.prisma.replyDraft.count()).toBe(0);
  });

  it('a slow Slack (users.info held for 10 s) does not keep the draft modal shut: it opens while its trigger is good, threads unnamed', async () => {
    const { nina } = harness.people;
    harness.fake.api.faults.delay('users.info', 10_000, { forMs: 4_000 });
    try {
      await harness.click(nina, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
      // The loopback Slack refuses views.open with a trigger older than 3 s, as Slack does.
      const view = await harness.waitFor('the draft modal', () => harness.openModal(nina));
      const labels = JSON.stringify(view.blocks.filter((block) => isDraftTargetBlockId((block as { block_id?: string }).block_id ?? '')));
      expect(labels).toContain('Reply in thread to a member');
      harness.fake.workspace.closeView(view.id);
    } finally {
      harness.fake.api.faults.clear();
    }
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
    // (The lead and severity races above are refused on purpose.)
    const audit = await harness.app.database.prisma.auditLog.findMany({ where: { outcome: 'refused', action: { notIn: ['acknowledge', 'change_severity'] } } });
    expect(audit.map((entry) => entry.userId).sort()).toEqual([harness.people.cleo, harness.people.nina].sort());
    expect(audit.map((entry) => (entry.data as { refusalCode?: string }).refusalCode).sort()).toEqual(['four_eyes', 'not_an_approver']);
    expect(audit.every((entry) => entry.text?.includes('We know the app is failing'))).toBe(true);
  });

  it('App Home takes an approver to the draft waiting for them and to the alert in one click', async () => {
    const { ben } = harness.people;
    const card = draftCards()[0]!;
    const root = harness.rootMessage()!;
    await harness.event({ type: 'app_home_opened', user: ben, channel: 'D0HOME', tab: 'home' });
    const home = JSON.stringify((await harness.waitFor('App Home', () => harness.fake.workspace.homeView(ben))).blocks);
    expect(home).toContain('Waiting for your approval (1)');
    // Slack's own links: the card in the alert's thread, and the alert.
    const link = (ts: string) => `/archives/${harness.alerts}/p${ts.replace('.', '')}`;
    expect(home).toContain(`${link(card.ts)}?thread_ts=${root.ts}&cid=${harness.alerts}|`);
    expect(home).toContain(`${link(root.ts)}|`);
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
    // A copy of the alert as it was while open: a stale client keeps showing these buttons.
    staleRoot = structuredClone(root);
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

  it('a stale Draft reply, Resolve or Change severity button on the resolved incident answers at once and opens no modal', async () => {
    const stale = staleRoot!;
    for (const [user, actionId] of [
      [harness.people.cleo, actionIds.draftReply],
      [harness.people.ben, actionIds.resolve],
      [harness.people.sam, actionIds.changeSeverity],
    ] as const) {
      const button = findButtons(stale.blocks).find((candidate) => candidate.action_id === actionId)!;
      expect(button, actionId).toBeDefined();
      const opened = harness.fake.api.calls('views.open').length;
      const response = await harness.clickSeen(user, harness.alerts, stale, actionId);
      expect(response.status).toBe(200);
      // The words a submission would have been refused with, to the person who clicked only.
      const told = await harness.waitFor(`the refusal of ${actionId}`, () => harness.ephemeralTexts(user).find((text) => text.includes(t('en', 'refusal.incident_resolved', { number: 1 }))));
      expect(told).toBeDefined();
      expect(harness.fake.api.calls('views.open')).toHaveLength(opened);
      expect(harness.openModal(user)).toBeUndefined();
    }
    expect((await harness.app.database.prisma.incident.findFirstOrThrow()).status).toBe('resolved');
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
