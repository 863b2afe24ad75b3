// Buttons, modals, commands and shortcuts act only for the workspace Firebreak is installed in, on
// that workspace's incidents, with a real acting user: one test per action sends it from another
// team about this team's incident, and nothing changes; the refusal is ephemeral and audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, encodeRef, inputIds } from '../../src/slack/blocks/ids.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { messageBlockActions, messageShortcut, slashCommand, viewBlockActions, viewSubmission, type AppIdentity, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

const STRANGER = { id: 'U0STRANGER', name: 'stranger' };

describe.each(availableProviders)('requests from another team (%s)', (provider) => {
  let h: Harness;
  let other: AppIdentity;
  let incidentId: string;
  let draft: { d: string; r: number };
  let stepId: string;
  let eventsUrl: string;

  /** What must not change: the incident's header, timeline, drafts, approvals and checklist. */
  async function snapshot() {
    const { prisma } = h.app.database;
    const incident = await prisma.incident.findUniqueOrThrow({ where: { id: incidentId } });
    return {
      version: incident.version,
      status: incident.status,
      lead: incident.leadUserId,
      severity: incident.severity,
      timeline: await prisma.timelineEvent.count({ where: { incidentId } }),
      drafts: await prisma.replyDraft.count({ where: { incidentId } }),
      approvals: await prisma.approval.count(),
      ticked: await prisma.checklistItem.count({ where: { incidentId, doneAt: { not: null } } }),
      postMortems: await prisma.postMortem.count(),
    };
  }

  beforeAll(async () => {
    h = await startHarness({ provider });
    eventsUrl = `${h.app.url}/slack/events`;
    other = { ...h.fake.workspace.appIdentity(), teamId: 'T0OTHERTEAM', teamDomain: 'elsewhere' };
    expect((await h.command(h.people.ann, `declare <#${h.support}|support> sev2 Login failing for many members`)).status).toBe(200);
    const row = await h.waitFor('incident declared', async () => (await h.app.database.prisma.incident.findFirst()) ?? undefined);
    incidentId = row.id;
    const root = await h.waitFor('root message', () => h.rootMessage());
    await h.click(h.people.ann, h.alerts, root.ts, actionIds.draftReply);
    await h.waitFor('draft modal', () => h.openModal(h.people.ann));
    await h.submit(h.people.ann, draftValues('We are on it.'));
    const stored = await h.waitFor('draft stored', async () => (await h.app.database.prisma.replyDraft.findFirst({ where: { incidentId } })) ?? undefined);
    draft = { d: stored.id, r: stored.revision };
    stepId = (await h.app.database.prisma.checklistItem.findFirstOrThrow({ where: { incidentId } })).stepId;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const incidentValue = () => encodeRef({ i: incidentId });
  const draftValue = () => encodeRef({ i: incidentId, ...draft });
  const buttonValues: Record<string, () => string> = {
    [actionIds.acknowledge]: incidentValue,
    [actionIds.changeSeverity]: incidentValue,
    [actionIds.draftReply]: incidentValue,
    [actionIds.addNote]: incidentValue,
    [actionIds.resolve]: incidentValue,
    [actionIds.reopen]: incidentValue,
    [actionIds.approveDraft]: draftValue,
    [actionIds.requestChanges]: draftValue,
    [actionIds.rejectDraft]: draftValue,
    [actionIds.editDraft]: draftValue,
    [actionIds.toggleStep]: () => encodeRef({ i: incidentId, s: stepId, done: false }),
    [actionIds.openPostMortem]: incidentValue,
    [actionIds.approvePostMortem]: incidentValue,
    [actionIds.requestPostMortemChanges]: incidentValue,
    [actionIds.actionItemDone]: () => encodeRef({ i: incidentId, a: `${incidentId}/action-1` }),
  };
  const text = (value: string) => ({ type: 'plain_text_input', value });
  const modals: Record<string, { metadata: () => string; values: () => Record<string, Record<string, unknown>> }> = {
    [callbackIds.draftReplyModal]: { metadata: incidentValue, values: () => draftValues('Posted by a stranger') },
    [callbackIds.editDraftModal]: { metadata: draftValue, values: () => ({ [inputIds.draftText]: { [inputIds.draftText]: text('Rewritten by a stranger') } }) },
    [callbackIds.requestChangesModal]: { metadata: draftValue, values: () => ({ [inputIds.comment]: { [inputIds.comment]: text('change it') } }) },
    [callbackIds.rejectDraftModal]: { metadata: draftValue, values: () => ({ [inputIds.reason]: { [inputIds.reason]: text('no') } }) },
    [callbackIds.severityModal]: {
      metadata: incidentValue,
      values: () => ({ [inputIds.severity]: { [inputIds.severity]: { type: 'static_select', selected_option: { value: 'sev1' } } }, [inputIds.reason]: { [inputIds.reason]: text('worse') } }),
    },
    [callbackIds.resolveModal]: { metadata: incidentValue, values: () => ({ [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text('done') } }) },
    [callbackIds.noteModal]: { metadata: incidentValue, values: () => ({ [inputIds.note]: { [inputIds.note]: text('a stranger was here') } }) },
    [callbackIds.postMortemModal]: { metadata: () => encodeRef({ i: incidentId, a: [] }), values: () => ({}) },
    [callbackIds.postMortemChangesModal]: { metadata: incidentValue, values: () => ({ [inputIds.comment]: { [inputIds.comment]: text('redo') } }) },
    [callbackIds.addToTimelineModal]: {
      metadata: () => encodeRef({ c: h.support, ts: '1700000000.000100', text: 'hello' }),
      values: () => ({ [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incidentId } } } }),
    },
  };

  function modalView(callbackId: string, metadata: string, values: Record<string, Record<string, unknown>>): ViewPayload {
    return { id: 'V0STRANGER', type: 'modal', callback_id: callbackId, private_metadata: metadata, hash: '1.abc', blocks: Object.keys(values).map((blockId) => ({ type: 'input', block_id: blockId })) };
  }

  async function refusedAudits(action: string): Promise<number> {
    return h.app.database.prisma.auditLog.count({ where: { action, outcome: { startsWith: 'refused:' } } });
  }

  async function expectRefused(send: () => Promise<{ status: number }>, audited: string, reason = 'not_installed') {
    const before = await snapshot();
    const auditedBefore = await refusedAudits(audited);
    const response = await send();
    expect(response.status).toBe(200);
    await h.waitFor(`audit of ${audited}`, async () => (await refusedAudits(audited)) > auditedBefore);
    expect((await h.app.database.prisma.auditLog.findFirstOrThrow({ where: { action: audited }, orderBy: { at: 'desc' } })).outcome).toBe(`refused:${reason}`);
    // Give a listener that wrongly ran the time to commit, then check that nothing changed.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await snapshot()).toEqual(before);
  }

  it.each(Object.keys(buttonValues))('button %s from another team changes nothing', async (actionId) => {
    const root = h.rootMessage();
    await expectRefused(
      () =>
        sendToApp(
          eventsUrl,
          SIGNING_SECRET,
          'interaction',
          messageBlockActions(other, {
            user: STRANGER,
            channel: { id: h.alerts, name: 'alerts' },
            message: root ?? { ts: '1700000000.000100' },
            actions: [{ action_id: actionId, block_id: 'actions', value: (buttonValues[actionId] as () => string)() }],
            triggerId: '1.2.3',
            responseUrl: h.fake.issueResponseUrl(h.people.ann, h.alerts),
            nowMs: Date.now(),
          }),
        ),
      `action:${actionId}`,
    );
  });

  it.each([actionIds.pickTemplate, actionIds.pickLanguage])('menu %s inside another team’s draft modal changes nothing', async (actionId) => {
    await expectRefused(
      () =>
        sendToApp(
          eventsUrl,
          SIGNING_SECRET,
          'interaction',
          viewBlockActions(other, {
            user: STRANGER,
            view: modalView(callbackIds.draftReplyModal, incidentValue(), {}),
            actions: [{ action_id: actionId, block_id: inputIds.draftLanguage, type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'es' }, value: 'es' } }],
            triggerId: '1.2.3',
            nowMs: Date.now(),
          }),
        ),
      `action:${actionId}`,
    );
  });

  it.each(Object.keys(modals))('modal %s submitted from another team changes nothing', async (callbackId) => {
    const modal = modals[callbackId] as (typeof modals)[string];
    const values = modal.values();
    await expectRefused(
      () => sendToApp(eventsUrl, SIGNING_SECRET, 'interaction', viewSubmission(other, { user: STRANGER, view: modalView(callbackId, modal.metadata(), values), values, triggerId: '1.2.3' })),
      `view:${callbackId}`,
    );
  });

  it.each(['list', 'resolve 1', `declare <#${'C0SUPPORT'}|support> sev1 from a stranger`])('/firebreak %s from another team is refused in its answer', async (commandText) => {
    const before = await h.app.database.prisma.incident.count();
    const auditedBefore = await refusedAudits('command:/firebreak');
    const response = await sendToApp(
      eventsUrl,
      SIGNING_SECRET,
      'command',
      slashCommand(other, { command: '/firebreak', text: commandText, user: STRANGER, channel: { id: h.alerts, name: 'alerts' }, triggerId: '1.2.3', responseUrl: h.fake.issueResponseUrl(h.people.ann, h.alerts) }),
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('another Slack workspace') });
    await h.waitFor('the audit of the refusal', async () => (await refusedAudits('command:/firebreak')) > auditedBefore);
    expect(await h.app.database.prisma.incident.count()).toBe(before);
  });

  it('the add-to-timeline shortcut from another team is refused', async () => {
    await expectRefused(
      () =>
        sendToApp(
          eventsUrl,
          SIGNING_SECRET,
          'interaction',
          messageShortcut(other, { callbackId: callbackIds.addToTimelineShortcut, user: STRANGER, channel: { id: h.support, name: 'support' }, message: { ts: '1700000000.000100', text: 'x', user: STRANGER.id }, triggerId: '1.2.3', responseUrl: h.fake.issueResponseUrl(h.people.ann, h.support), nowMs: Date.now() }),
        ),
      `shortcut:${callbackIds.addToTimelineShortcut}`,
    );
  });

  it('an incident of another workspace is refused to this workspace’s staff (the rule multi-workspace installs rely on)', async () => {
    const { prisma } = h.app.database;
    const elsewhere = await prisma.workspace.create({ data: { teamId: 'T0ELSEWHERE' } });
    const home = (await prisma.incident.findUniqueOrThrow({ where: { id: incidentId } })).workspaceId;
    await prisma.incident.update({ where: { id: incidentId }, data: { workspaceId: elsewhere.id } });
    try {
      const root = h.rootMessage();
      await expectRefused(() => h.click(h.people.ann, h.alerts, root?.ts ?? '', actionIds.acknowledge), `action:${actionIds.acknowledge}`, 'foreign_team');
    } finally {
      await prisma.incident.update({ where: { id: incidentId }, data: { workspaceId: home } });
    }
  });

  it('a click without a user id, or with an empty one, changes nothing', async () => {
    const root = h.rootMessage();
    for (const user of [{ id: '', name: 'nobody' }, { id: null as unknown as string, name: 'nobody' }]) {
      const before = await snapshot();
      const payload = messageBlockActions(h.fake.workspace.appIdentity(), {
        user,
        channel: { id: h.alerts, name: 'alerts' },
        message: root ?? { ts: '1700000000.000100' },
        actions: [{ action_id: actionIds.acknowledge, block_id: 'actions', value: incidentValue() }],
        triggerId: '1.2.3',
        responseUrl: h.fake.issueResponseUrl(h.people.ann, h.alerts),
        nowMs: Date.now(),
      });
      const response = await sendToApp(eventsUrl, SIGNING_SECRET, 'interaction', payload);
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await snapshot()).toEqual(before);
    }
  });
});
