// IncidentService's rules against in-memory ports (no database, no Slack): a spike opens one incident,
// acknowledging takes the lead, a draft needs another approver (four-eyes) and reaches the community
// exactly once, reminders fire into the alert thread, and resolving creates the post-mortem.
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { IncidentContextNeeded, IncidentService, outboxKeys, outboxRecords, type DetectionInput } from '../../src/app/incidents.js';
import type { IncidentViews, SentOutboxItem } from '../../src/app/ports/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { acknowledge, createDraft, decideDraft, resolve, tickStep } from '../../src/domain/incidents/index.js';
import { parsePlaybookSource, type Playbook } from '../../src/domain/playbooks/index.js';
import { memoryIncidentStore, type MemoryIncidentStore } from '../support/memory-incidents.js';
import { playbookYaml } from '../support/playbook-yaml.js';

const ANN = 'UANN00001';
const CLEO = 'UCLEO0001';
const NINA = 'UNINA0001';
const ALERTS = 'CALERTS01';
const SUPPORT = 'CSUPPORT1';
const START = Date.parse('2026-11-20T10:00:00Z');
const MINUTE = 60_000;

/** One approver needed, four-eyes on: Ann and Cleo approve, Nina may not. */
const PLAYBOOK = playbookYaml({
  id: 'unit-support',
  roles: [`lead: ${ANN}`, `approvers: [${ANN}, ${CLEO}]`, 'quorum: 1', 'fourEyes: true', 'canResolve: [lead, approvers]'],
  checklist: [{ id: 'acknowledge', title: { es: 'Confirmar el incidente', en: 'Acknowledge the incident' }, dueAfterMinutes: 5 }],
  reply: { es: 'Estamos en ello.', en: 'We are on it.' },
  unacknowledged: { afterMinutes: 10, notify: '[lead]', repeatEveryMinutes: 10, maxRepeats: 1 },
});

function playbook(): Playbook {
  const parsed = parsePlaybookSource(PLAYBOOK, 'unit-support.yaml');
  if (!parsed.playbook) throw new Error(parsed.problems.map((problem) => problem.message).join('; '));
  return parsed.playbook;
}

/** Views that only say what they draw, so a test reads the outbox as a list of intents. */
const views: IncidentViews = {
  rootMessage: (view) => ({ text: `root #${view.state.incident.number} ${view.state.incident.status}` }),
  threadEvent: (event) => ({ text: `event ${event.kind}` }),
  draftCard: (view, draftId) => ({ text: `card ${draftId} ${view.state.drafts.find((draft) => draft.id === draftId)?.status}` }),
  checklist: () => ({ text: 'checklist' }),
  reminder: (_view, reminder) => ({ text: `reminder ${reminder.reason}${reminder.late ? ' late' : ''}` }),
  drillReply: (_view, reply) => ({ text: `drill ${reply.text}` }),
};

const spike: DetectionInput = {
  workspaceId: 'W1',
  channelId: SUPPORT,
  channelName: 'support',
  detectedAt: START,
  firstAbnormalAt: START - 10 * MINUTE,
  explanation: { kind: 'spike', observed: 12, negativeShare: 0.8, distinctAuthors: 6, dominantTerms: [{ term: 'down' }] },
};

describe('IncidentService (in-memory ports)', () => {
  let store: MemoryIncidentStore;
  let clock: ManualClock;
  let service: IncidentService;
  const texts = () => store.outbox().map((write) => String(write.payload['text']));
  const sent = (key: string, result: SentOutboxItem['result']): SentOutboxItem => {
    const write = store.outbox().find((item) => item.key === key)!;
    return { key, method: write.method, channelId: ALERTS, incidentId: write.incidentId ?? null, args: write.payload, result, record: write.record };
  };

  beforeEach(() => {
    store = memoryIncidentStore();
    clock = new ManualClock(START);
    const support = playbook();
    service = new IncidentService({
      store,
      clock,
      logger: pino({ level: 'silent' }),
      directory: { group: async () => null, channelExists: async () => true, userExists: async () => true },
      views,
      playbook: (id) => (id === support.id ? support : undefined),
      selectPlaybook: () => support,
      alertsChannel: ALERTS,
      locale: 'en',
      channelName: async () => 'support',
    });
  });

  async function openIncident(): Promise<string> {
    const { incidentId } = await service.openFromDetection(spike);
    return incidentId;
  }

  it('a real spike on a channel with an open drill opens a real incident beside it (a drill’s replies never reach the community); a drill spike continues in what is open', async () => {
    const drill = await service.declare({ workspaceId: 'W1', channelId: SUPPORT, channelName: 'support', severity: 'sev3', summary: 'Practice run', actorUserId: 'ULEAD', drill: true });
    clock.set(START + MINUTE);
    const real = await service.openFromDetection(spike);
    expect(real.opened).toBe(true);
    expect(real.incidentId).not.toBe(drill.incidentId);
    expect((await service.find(real.incidentId))?.state.incident.drill).toBe(false);
    // Later spikes continue in the real incident, never in the drill.
    expect((await service.openFromDetection({ ...spike, detectedAt: START + MINUTE })).incidentId).toBe(real.incidentId);
    expect((await service.openFromDetection({ ...spike, drill: true, detectedAt: START + 2 * MINUTE })).incidentId).toBe(real.incidentId);
  });

  it('a spike opens one incident: its alert and checklist are enqueued and the acknowledgement ladder scheduled; a second spike changes nothing', async () => {
    const first = await service.openFromDetection(spike);
    const second = await service.openFromDetection({ ...spike, detectedAt: START + MINUTE });
    expect(first.opened).toBe(true);
    // Both carry the incident's severity (what /metrics counts the alert under).
    expect(second).toEqual({ incidentId: first.incidentId, opened: false, severity: first.severity });
    expect(first.severity).toMatch(/^sev[1-4]$/);
    expect(store.outbox().map((write) => write.key)).toEqual([outboxKeys.root(first.incidentId), outboxKeys.checklist(first.incidentId)]);
    expect(store.outbox()[0]).toMatchObject({ method: 'chat.postMessage', payload: { channel: ALERTS, text: 'root #1 open' }, record: { kind: outboxRecords.root, incidentId: first.incidentId } });
    expect(store.outbox()[1]).toMatchObject({ threadOf: outboxKeys.root(first.incidentId) });
    expect(store.reminders().filter((reminder) => reminder.status === 'pending').map((reminder) => reminder.dueAt)).toEqual(expect.arrayContaining([START + 10 * MINUTE, START + 20 * MINUTE]));
    expect(store.incident(first.incidentId)?.state.incident).toMatchObject({ number: 1, status: 'open', channelId: SUPPORT, playbookId: 'unit-support' });
  });

  it('the root message posted: its ts is kept and the alert is on the timeline', async () => {
    const incidentId = await openIncident();
    const root = sent(outboxKeys.root(incidentId), { ok: true, ts: '1763632800.000100', channel: ALERTS });
    const posted = await service.onRootPosted(store.direct, root, await service.contextForWrite({ ...root, outcome: 'sent' }));
    expect(posted).toEqual({ incidentId, channelId: ALERTS, ts: '1763632800.000100' });
    expect(store.incident(incidentId)?.rootTs).toBe('1763632800.000100');
    expect(store.timeline(incidentId).map((event) => event.kind)).toContain('alert_posted');
  });

  it('recording Slack’s answer or a reminder without its incident’s context (asked before the transaction) records nothing: retried after asking', async () => {
    const incidentId = await openIncident();
    const other = (await service.openFromDetection({ ...spike, channelId: 'COTHER001', channelName: 'other' })).incidentId;
    const root = sent(outboxKeys.root(incidentId), { ok: true, ts: '1763632800.000100', channel: ALERTS });
    await expect(store.transaction((tx) => service.onRootPosted(tx, root, null))).rejects.toBeInstanceOf(IncidentContextNeeded);
    await expect(store.transaction(async (tx) => service.onRootPosted(tx, root, await service.contextOf(other)))).rejects.toBeInstanceOf(IncidentContextNeeded);
    const firing = { key: `incident:${incidentId}:acknowledge:0`, payload: { incidentId, reason: 'acknowledge', recipientUserIds: [ANN], subject: '' }, late: false };
    const before = store.outbox().length;
    await expect(store.transaction((tx) => service.fireReminder(tx, firing, undefined))).rejects.toBeInstanceOf(IncidentContextNeeded);
    expect(store.outbox()).toHaveLength(before);
    expect(store.timeline(incidentId).map((event) => event.kind)).not.toContain('alert_posted');
  });

  it('acknowledging takes the lead, edits the alert in place and cancels the acknowledgement reminders', async () => {
    const incidentId = await openIncident();
    clock.advance(2 * MINUTE);
    const outcome = await service.decide(incidentId, (state, policy, now) => acknowledge(state, { actorUserId: ANN }, policy, now));
    expect(outcome).toEqual({ ok: true, incidentId });
    expect(store.incident(incidentId)?.state.incident).toMatchObject({ status: 'acknowledged', leadUserId: ANN, acknowledgedAt: START + 2 * MINUTE });
    expect(store.outbox().find((write) => write.key === `${outboxKeys.root(incidentId)}:v1`)).toMatchObject({ method: 'chat.update', messageOf: outboxKeys.root(incidentId), payload: { text: 'root #1 acknowledged' } });
    expect(store.reminders().filter((reminder) => reminder.key.includes(':acknowledge:')).every((reminder) => reminder.status === 'cancelled')).toBe(true);
    expect(store.audit().at(-1)).toMatchObject({ action: 'acknowledge', outcome: 'accepted', actorUserId: ANN });
  });

  it("the drafter cannot approve their own draft (four-eyes), nor can a non-approver; another approver's approval posts the reply exactly once", async () => {
    const incidentId = await openIncident();
    const drafted = await service.decide(incidentId, (state, policy, now) =>
      createDraft(state, { actorUserId: CLEO, text: 'We know the app is failing and we are on it.', language: 'en', templateId: 'holding', target: { kind: 'channel', channelId: SUPPORT } }, policy, now),
    );
    expect(drafted.ok).toBe(true);
    const draft = store.incident(incidentId)!.state.drafts[0]!;
    expect(store.outbox().find((write) => write.key === outboxKeys.draftCard(draft.id))?.payload['text']).toBe(`card ${draft.id} pending`);

    const approve = (actorUserId: string) => service.decide(incidentId, (state, policy, now) => decideDraft(state, { actorUserId, draftId: draft.id, revision: draft.revision, decision: 'approve' }, policy, now));
    const own = await approve(CLEO);
    const stranger = await approve(NINA);
    expect(own.ok || own.refusal.code).toBe('four_eyes');
    expect(stranger.ok || stranger.refusal.code).toBe('not_an_approver');
    // A refusal says where to tell it: the alert thread, in the incident's language.
    expect(own.ok || own.incident).toEqual({ alertChannelId: ALERTS, rootTs: null, locale: 'en' });
    expect(store.audit().filter((entry) => entry.outcome === 'refused').map((entry) => entry.actorUserId)).toEqual([CLEO, NINA]);
    expect(store.outbox().some((write) => write.record?.kind === outboxRecords.replyPosted)).toBe(false);

    expect((await approve(ANN)).ok).toBe(true);
    await approve(ANN);
    const replies = store.outbox().filter((write) => write.record?.kind === outboxRecords.replyPosted);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ method: 'chat.postMessage', payload: { channel: SUPPORT, text: 'We know the app is failing and we are on it.' } });
    // The outbox's last gate agrees, and once Slack has it the draft is posted.
    expect(await service.replyHoldReason(store.direct.incidents, { args: replies[0]!.payload, record: replies[0]!.record })).toBeNull();
    const reply = sent(replies[0]!.key, { ok: true, ts: '1763632900.000200' });
    await service.onReplyPosted(store.direct, reply, await service.contextForWrite({ ...reply, outcome: 'sent' }));
    expect(store.incident(incidentId)?.state.drafts[0]).toMatchObject({ status: 'posted', postedMessageTs: '1763632900.000200' });
  });

  it('a reply whose text is not the approved one is held by the last gate', async () => {
    const incidentId = await openIncident();
    await service.decide(incidentId, (state, policy, now) =>
      createDraft(state, { actorUserId: CLEO, text: 'We are on it.', language: 'en', templateId: null, target: { kind: 'channel', channelId: SUPPORT } }, policy, now),
    );
    const draft = store.incident(incidentId)!.state.drafts[0]!;
    await service.decide(incidentId, (state, policy, now) => decideDraft(state, { actorUserId: ANN, draftId: draft.id, revision: draft.revision, decision: 'approve' }, policy, now));
    const reply = store.outbox().find((write) => write.record?.kind === outboxRecords.replyPosted)!;
    expect(await service.replyHoldReason(store.direct.incidents, { args: { ...reply.payload, text: 'Something else.' }, record: reply.record })).toBe('text_not_approved');
  });

  it('an overdue acknowledgement reminder fires into the alert thread, marked late, and is on the timeline', async () => {
    const incidentId = await openIncident();
    const reminder = store.reminders().find((candidate) => candidate.key.endsWith(':acknowledge:0'))!;
    clock.advance(15 * MINUTE);
    const firing = { key: reminder.key, payload: reminder.payload ?? {}, late: true };
    const context = await service.contextForReminder(firing);
    await store.transaction((tx) => service.fireReminder(tx, firing, context));
    const write = store.outbox().at(-1)!;
    expect(write).toMatchObject({ key: `reminder:${reminder.key}:${START + 15 * MINUTE}`, threadOf: outboxKeys.root(incidentId), payload: { channel: ALERTS, text: 'reminder acknowledge late' } });
    expect(store.timeline(incidentId).map((event) => event.kind)).toContain('reminder_sent');
  });

  it('a reminder of a resolved incident fires nothing', async () => {
    const incidentId = await openIncident();
    await service.decide(incidentId, (state, policy, now) => tickStep(state, { actorUserId: ANN, stepId: 'acknowledge' }, policy, now));
    await service.decide(incidentId, (state, policy, now) => resolve(state, { actorUserId: ANN, summary: 'Fixed.' }, policy, now));
    const before = store.outbox().length;
    const firing = { key: `incident:${incidentId}:acknowledge:0`, payload: { incidentId, reason: 'acknowledge', recipientUserIds: [ANN], subject: '' }, late: false };
    const context = await service.contextForReminder(firing);
    await store.transaction((tx) => service.fireReminder(tx, firing, context));
    expect(store.outbox()).toHaveLength(before);
  });

  it('resolving creates the post-mortem once, owned by the lead, with the resolution summary', async () => {
    const incidentId = await openIncident();
    await service.decide(incidentId, (state, policy, now) => acknowledge(state, { actorUserId: ANN }, policy, now));
    await service.decide(incidentId, (state, policy, now) => tickStep(state, { actorUserId: ANN, stepId: 'acknowledge' }, policy, now));
    const resolved = await service.decide(incidentId, (state, policy, now) => resolve(state, { actorUserId: CLEO, summary: 'A bad deploy, rolled back.' }, policy, now));
    expect(resolved.ok).toBe(true);
    expect(store.incident(incidentId)?.state.incident.status).toBe('resolved');
    expect(store.postMortem(incidentId)?.postMortem).toMatchObject({ incidentId, ownerUserId: ANN, fields: expect.objectContaining({ summary: 'A bad deploy, rolled back.' }) });
    expect(await service.openIncidentOn('W1', SUPPORT)).toBeNull();
  });

  it('a resolve asks Slack for its post-mortem reviewers before the transaction, also when the incident changed meanwhile', async () => {
    const incidentId = await openIncident();
    const support = parsePlaybookSource(PLAYBOOK.replace('reviewers: [approvers]', 'reviewers: ["@leads"]'), 'unit-support.yaml').playbook!;
    let open = 0;
    const asked: { inTransaction: boolean }[] = [];
    // Another instance ticks the required step between this resolve's first look (refused) and its transaction.
    let race: (() => Promise<unknown>) | null = () => service.decide(incidentId, (state, policy, now) => tickStep(state, { actorUserId: ANN, stepId: 'acknowledge' }, policy, now));
    const watched: typeof store = Object.assign(Object.create(store) as typeof store, {
      async transaction(work: Parameters<typeof store.transaction>[0], options?: Parameters<typeof store.transaction>[1]) {
        const racing = race;
        race = null;
        if (racing) await racing();
        open += 1;
        try {
          return await store.transaction(work, options);
        } finally {
          open -= 1;
        }
      },
    });
    const resolving = new IncidentService({
      store: watched,
      clock,
      logger: pino({ level: 'silent' }),
      directory: {
        group: async () => {
          asked.push({ inTransaction: open > 0 });
          return { groupId: 'SLEADS001', handle: 'leads', memberUserIds: [CLEO] };
        },
        channelExists: async () => true,
        userExists: async () => true,
      },
      views,
      playbook: (id) => (id === support.id ? support : undefined),
      selectPlaybook: () => support,
      alertsChannel: ALERTS,
      locale: 'en',
      channelName: async () => 'support',
    });
    const resolved = await resolving.decide(incidentId, (state, policy, now) => resolve(state, { actorUserId: CLEO, summary: 'Rolled back.' }, policy, now));
    expect(resolved.ok).toBe(true);
    expect(store.postMortem(incidentId)?.postMortem.reviewerUserIds).toEqual([CLEO]);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((call) => call.inTransaction)).toEqual([]);
  });

  it('a write Slack refused for good is said once in the incident thread', async () => {
    const incidentId = await openIncident();
    const failure = { key: outboxKeys.checklist(incidentId), method: 'chat.postMessage', channelId: ALERTS, incidentId, error: 'not_in_channel', record: undefined };
    await store.transaction((tx) => service.onWriteRefused(tx, failure));
    await store.transaction((tx) => service.onWriteRefused(tx, { ...failure, key: `delivery-failed:${failure.key}` }));
    expect(texts().filter((text) => text.includes('not_in_channel'))).toHaveLength(1);
    expect(store.outbox().at(-1)).toMatchObject({ key: `delivery-failed:${failure.key}`, threadOf: outboxKeys.root(incidentId) });
  });

  it('a card deleted in Slack is said as deleted, not as a matter of the channel or the bot\'s access', async () => {
    const incidentId = await openIncident();
    const failure = { key: outboxKeys.checklist(incidentId), method: 'chat.update', channelId: ALERTS, incidentId, error: 'message_not_found', record: undefined };
    await store.transaction((tx) => service.onWriteRefused(tx, failure));
    const notice = texts().find((text) => text.includes('message_not_found'));
    expect(notice).toContain('was deleted in Slack');
    expect(notice).not.toContain("bot's access");
  });
});
