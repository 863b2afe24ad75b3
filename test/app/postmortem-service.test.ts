// PostMortemService's rules against in-memory ports (no database): a post-mortem created on resolve,
// questions answered, submitted for review, reviewed, exported, and its reminders fired.
import { beforeEach, describe, expect, it } from 'vitest';
import { PostMortemService, type PostMortemViews } from '../../src/app/postmortems.js';
import type { IncidentRecord } from '../../src/app/ports/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Store } from '../../src/app/ports/index.js';
import { createPostMortem, postMortemReminderKeys, renderPostMortemMarkdown, shownPostMortem, type PostMortemSubmission } from '../../src/domain/postmortems/index.js';
import { SAMPLE_START, buildSampleIncident, sampleBuckets, sampleExportInput } from '../fixtures/postmortems/sample-incident.js';
import { memoryPostMortemStore, type MemoryPostMortemStore, type MemoryRepositories } from '../support/memory-postmortems.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TEN_MINUTES = 10 * MINUTE;
const INCIDENT = 'inc-2026-0042';
const at = (minutes: number) => SAMPLE_START + minutes * MINUTE;

const views: PostMortemViews = {
  invite: (pm, c) => ({ text: `invite ${pm.ownerUserId} #${c.incidentNumber}` }),
  reviewRequest: (pm, c) => ({ text: `review #${c.incidentNumber} round ${pm.round}: ${pm.reviews.filter((r) => r.round === pm.round).length} approved` }),
  changesRequested: (_pm, c, change) => ({ text: `changes #${c.incidentNumber} by ${change.reviewerUserId}: ${change.comment}` }),
  published: (_pm, c) => ({ text: `published #${c.incidentNumber}` }),
  reviewerDeactivated: (_pm, c, change) => ({ text: `reviewer ${change.userId} deactivated #${c.incidentNumber}` }),
  reviewClosed: (pm, c) => ({ text: `review #${c.incidentNumber} round ${pm.round} closed` }),
  reminder: (_pm, c, r) => ({ text: `${r.reason} #${c.incidentNumber} ${r.subject}${r.late ? ' (late)' : ''}` }),
};

const submission: PostMortemSubmission = {
  fields: { summary: 'Logins failed for 85 minutes.', impact: 'Members could not log in.', whatHappened: 'A certificate expired.', whatToImprove: 'Alert on expiry.' },
  answers: { 'status-page': 'Updated at 13:45.' },
  actionItems: [{ text: 'Alert 14 days before a certificate expires', ownerUserId: 'UOPS', dueAt: at(60 * 24) + 7 * DAY }],
};

function sampleRecord(): IncidentRecord {
  const { state } = buildSampleIncident('en');
  return { state, version: 1, workspaceId: 'W1', title: '#community', alertChannelId: 'C0ALERTS', rootTs: '1763732550.000100' };
}

describe('PostMortemService (in-memory ports)', () => {
  let store: MemoryPostMortemStore;
  let clock: ManualClock;
  let service: PostMortemService;
  const texts = () => store.outbox().map((write) => String(write.payload['text']));

  /** The incident resolved: its post-mortem is created and its effects carried out, as IncidentService does. */
  async function resolveWithPostMortem(reviewerUserIds = ['ULUIS', 'UMARTA']): Promise<void> {
    const record = sampleRecord();
    store.addIncident(record, buildSampleIncident('en').timeline);
    const created = createPostMortem(
      { incidentId: INCIDENT, ownerUserId: 'UANA' },
      { dueAfterMs: 5 * DAY, reviewerUserIds, requiredFields: ['summary', 'impact'], questions: [{ id: 'status-page', label: 'Was the status page updated?', required: true, answer: 'long_text' }] },
      clock,
    );
    await store.transaction(async (tx) => {
      await tx.postMortems.insert(created.postMortem);
      await service.applyEffects(tx, record, created.postMortem, created.effects);
    });
  }

  beforeEach(() => {
    store = memoryPostMortemStore();
    clock = new ManualClock(at(95));
    // Workspace W1 (the sample incident's) keeps Mexico City's wall clock.
    service = new PostMortemService({ store, clock, views, bucketMs: TEN_MINUTES, timeZoneOf: async (workspaceId) => (workspaceId === 'W1' ? 'America/Mexico_City' : 'UTC') });
  });

  it('on resolve, invites the owner in the incident thread and schedules the due-date reminder', async () => {
    await resolveWithPostMortem();
    expect(store.outbox()).toEqual([
      { key: `postmortem:${INCIDENT}:invite`, method: 'chat.postMessage', payload: { channel: 'C0ALERTS', text: 'invite UANA #42', unfurl_links: false }, threadOf: `incident:${INCIDENT}:root`, incidentId: INCIDENT, now: at(95) },
    ]);
    expect(store.reminder(postMortemReminderKeys.due(INCIDENT))).toMatchObject({
      kind: 'postmortem.reminder',
      at: at(95) + 5 * DAY,
      status: 'pending',
      payload: { incidentId: INCIDENT, reason: 'postmortem_due', recipientUserIds: ['UANA'], actionItemId: null },
    });
  });

  it('saves answers to its questions as a draft, audited, and refuses anyone but the owner and reviewers', async () => {
    await resolveWithPostMortem();
    const saved = await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'save', submission: { fields: { summary: 'Draft.' }, answers: { 'status-page': 'Yes, at 13:45.' }, actionItems: [] } });
    expect(saved.ok).toBe(true);
    expect(store.postMortem(INCIDENT)).toMatchObject({ version: 2, postMortem: { status: 'draft', answers: { 'status-page': 'Yes, at 13:45.' }, fields: { summary: 'Draft.' } } });

    const refused = await service.save(INCIDENT, { actorUserId: 'UMEMBER1', locale: 'en', intent: 'save', submission });
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'not_authorised' }, locale: 'en' });
    expect(store.postMortem(INCIDENT)!.version).toBe(2);
    expect(store.audit().map((entry) => [entry.userId, entry.action, entry.outcome])).toEqual([
      ['UANA', 'save_postmortem', 'accepted'],
      ['UMEMBER1', 'save_postmortem', 'refused'],
    ]);
    expect(store.audit()[1]!.data).toMatchObject({ refusalCode: 'not_authorised' });
  });

  it('a submission missing required fields is refused with one error per field, and nothing changes', async () => {
    await resolveWithPostMortem();
    const outcome = await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: { fields: { summary: 'Only this.' }, answers: {}, actionItems: [] } });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.code).toBe('invalid_submission');
    expect(Object.keys(outcome.fieldErrors).sort()).toEqual(['impact', 'question.status-page']);
    expect(store.postMortem(INCIDENT)!.postMortem.status).toBe('draft');
    expect(texts()).toEqual(['invite UANA #42']);
  });

  it('submitted for review: the reviewers are asked in the thread, once per round', async () => {
    await resolveWithPostMortem();
    clock.set(at(60 * 24));
    const outcome = await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission });
    expect(outcome).toMatchObject({ ok: true, postMortem: { status: 'in_review', round: 1, submittedAt: at(60 * 24) } });
    expect(store.outbox().at(-1)).toMatchObject({ key: `postmortem:${INCIDENT}:review:1`, payload: { text: 'review #42 round 1: 0 approved' } });
  });

  it('reviewed: each approval edits the review request in place; the last publishes, closes the request and schedules action-item reminders', async () => {
    await resolveWithPostMortem();
    await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission });
    clock.advance(MINUTE);
    expect((await service.review(INCIDENT, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' })).ok).toBe(true);
    expect(store.outbox().at(-1)).toMatchObject({ key: `postmortem:${INCIDENT}:review:1:approvals:1`, method: 'chat.update', messageOf: `postmortem:${INCIDENT}:review:1`, payload: { text: 'review #42 round 1: 1 approved' } });
    clock.advance(MINUTE);
    const published = await service.review(INCIDENT, { actorUserId: 'UMARTA', locale: 'en', decision: 'approve' });
    expect(published).toMatchObject({ ok: true, postMortem: { status: 'published', publishedAt: clock.now() } });
    expect(texts().slice(-2)).toEqual(['published #42', 'review #42 round 1 closed']);
    expect(store.reminder(postMortemReminderKeys.due(INCIDENT))!.status).toBe('cancelled');
    const item = store.postMortem(INCIDENT)!.postMortem.actionItems[0]!;
    expect(store.reminder(postMortemReminderKeys.actionItem(item.id))).toMatchObject({ at: item.dueAt, status: 'pending', payload: { reason: 'action_item', actionItemId: item.id, recipientUserIds: ['UOPS'] } });
  });

  it('changes requested: the owner is told with the comment, the round is closed, the post-mortem is a draft again', async () => {
    await resolveWithPostMortem();
    await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission });
    const outcome = await service.review(INCIDENT, { actorUserId: 'ULUIS', locale: 'en', decision: 'request_changes', comment: 'Say when the status page was updated.' });
    expect(outcome).toMatchObject({ ok: true, postMortem: { status: 'draft' } });
    expect(texts().slice(-2)).toEqual(['changes #42 by ULUIS: Say when the status page was updated.', 'review #42 round 1 closed']);
  });

  it('a concurrent save makes the decision start again on the fresh post-mortem', async () => {
    await resolveWithPostMortem();
    let refusals = 1;
    store.failWhen = (write) => write.kind === 'savePostMortem' && refusals-- > 0;
    expect((await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'save', submission })).ok).toBe(true);
    expect(refusals).toBe(-1);
    // The rolled-back attempt left no audit entry behind: one decision, one entry.
    expect(store.audit()).toHaveLength(1);
  });

  it('what the form showed is merged inside the transaction: a save that raced another is decided again on the fresh post-mortem', async () => {
    await resolveWithPostMortem();
    const opened = store.postMortem(INCIDENT)!;
    const sent: PostMortemSubmission = { fields: { ...opened.postMortem.fields }, answers: { ...opened.postMortem.answers }, actionItems: [] };
    const shown = shownPostMortem(opened.postMortem);
    expect((await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'save', submission: { ...sent, fields: { ...sent.fields, summary: 'Ana: logins failed.' } }, shown })).ok).toBe(true);
    // Luis's first attempt reads the post-mortem as it was before Ana's save committed (they raced):
    // its version check fails, and the retry must merge again, on Ana's summary.
    let staleReads = 1;
    const racing: Store<MemoryRepositories> = {
      direct: store.direct,
      transaction: (work, options) =>
        store.transaction((tx) => work({ ...tx, postMortems: { ...tx.postMortems, load: async (id) => (staleReads-- > 0 ? structuredClone(opened) : tx.postMortems.load(id)) } }), options),
    };
    const luis = new PostMortemService({ store: racing, clock, views, bucketMs: TEN_MINUTES });
    const outcome = await luis.save(INCIDENT, { actorUserId: 'ULUIS', locale: 'en', intent: 'save', submission: { ...sent, fields: { ...sent.fields, summary: 'Luis: a certificate expired.' } }, shown });
    expect(staleReads).toBe(-1);
    expect(outcome).toMatchObject({ ok: false, refusal: { code: 'edited_since_opened' }, fieldErrors: { summary: expect.any(String) } });
    expect(store.postMortem(INCIDENT)!.postMortem.fields.summary).toBe('Ana: logins failed.');
  });

  it('the due-date reminder fires while the post-mortem is a draft, and not once it is submitted', async () => {
    await resolveWithPostMortem();
    const due = store.reminder(postMortemReminderKeys.due(INCIDENT))!;
    const firing = { key: due.key, payload: { ...due.payload }, late: true };
    await store.transaction((tx) => service.fireReminder(tx, firing));
    expect(store.outbox().at(-1)).toMatchObject({ key: `reminder:${due.key}:${clock.now()}`, threadOf: `incident:${INCIDENT}:root`, payload: { channel: 'C0ALERTS', text: 'postmortem_due #42 post-mortem (late)' } });
    await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission });
    clock.advance(MINUTE);
    const before = store.outbox().length;
    await store.transaction((tx) => service.fireReminder(tx, firing));
    expect(store.outbox()).toHaveLength(before);
  });

  it('an open action item is reminded and the next reminder scheduled at 17:00 the next day in its workspace’s zone; a done one is not', async () => {
    await resolveWithPostMortem(['ULUIS']);
    await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission });
    expect((await service.review(INCIDENT, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' })).ok).toBe(true);
    const item = store.postMortem(INCIDENT)!.postMortem.actionItems[0]!;
    const key = postMortemReminderKeys.actionItem(item.id);
    const firing = { key, payload: { ...store.reminder(key)!.payload }, late: false };
    clock.set(item.dueAt);
    await store.transaction((tx) => service.fireReminder(tx, firing));
    expect(texts().at(-1)).toBe(`action_item #42 ${item.text}`);
    // Fired 2026-11-29 13:30 UTC; next: 2026-11-30 17:00 in Mexico City (UTC-6).
    expect(item.dueAt).toBe(Date.UTC(2026, 10, 29, 13, 30));
    expect(store.reminder(key)).toMatchObject({ at: Date.UTC(2026, 10, 30, 23), status: 'pending' });

    expect((await service.setActionItemDone(INCIDENT, { actorUserId: 'UOPS', locale: 'en', actionItemId: item.id, done: true })).ok).toBe(true);
    const before = store.outbox().length;
    await store.transaction((tx) => service.fireReminder(tx, firing));
    expect(store.outbox()).toHaveLength(before);
  });

  it('an action item’s reminder for an owner Slack deactivated goes to the lead, or to the approvers when the lead is deactivated too, saying whose account it was', async () => {
    const shown: { recipientUserIds: readonly string[]; deactivatedUserIds?: readonly string[] }[] = [];
    let deactivated = ['UOPS'];
    service = new PostMortemService({
      store,
      clock,
      bucketMs: TEN_MINUTES,
      views: { ...views, reminder: (_pm, _c, r) => (shown.push(r), { text: r.recipientUserIds.join(' ') }) },
      deactivatedAmong: async (userIds) => userIds.filter((userId) => deactivated.includes(userId)),
      approversOf: async () => ['ULUIS', 'UMARTA', 'UANA'],
    });
    await resolveWithPostMortem(['ULUIS']);
    await service.save(INCIDENT, { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission });
    expect((await service.review(INCIDENT, { actorUserId: 'ULUIS', locale: 'en', decision: 'approve' })).ok).toBe(true);
    const item = store.postMortem(INCIDENT)!.postMortem.actionItems[0]!;
    const key = postMortemReminderKeys.actionItem(item.id);
    const lead = sampleRecord().state.incident.leadUserId!;
    expect(lead).toBeTruthy();
    const fire = async () => {
      const firing = { key, payload: { ...store.reminder(key)!.payload }, late: false };
      const context = await service.contextForReminder(firing);
      await store.transaction((tx) => service.fireReminder(tx, firing, context));
    };
    await fire();
    expect(shown.at(-1)).toMatchObject({ recipientUserIds: [lead], deactivatedUserIds: ['UOPS'] });
    // The lead's account deactivated too: the approvers still here.
    deactivated = ['UOPS', lead];
    clock.advance(DAY);
    await fire();
    expect(shown.at(-1)).toMatchObject({ recipientUserIds: ['ULUIS', 'UMARTA', 'UANA'].filter((userId) => userId !== lead), deactivatedUserIds: ['UOPS'] });
  });

  it('a reminder whose payload cannot be read is skipped, not thrown', async () => {
    await resolveWithPostMortem();
    await store.transaction((tx) => service.fireReminder(tx, { key: 'k', payload: { incidentId: INCIDENT, reason: 'someday' }, late: false }));
    expect(texts()).toEqual(['invite UANA #42']);
  });

  it('exports the stored post-mortem like the golden file, found by number, with metrics from the buckets', async () => {
    const { state, timeline, postMortem } = buildSampleIncident('en');
    store.addIncident({ state, version: 1, workspaceId: 'W1', title: '#community', alertChannelId: 'C0ALERTS', rootTs: null }, timeline);
    store.addPostMortem(postMortem);
    // A calm day before (10 % negative) and the episode's buckets, as the database test seeds them.
    const calm = Array.from({ length: 144 }, (_, i) => ({ start: SAMPLE_START - 30 * MINUTE - (144 - i) * TEN_MINUTES, messages: 100, negatives: 10, negativeAuthorIds: [] }));
    const episode = sampleBuckets().map((bucket) => ({ start: bucket.startAt, messages: 100, negatives: Math.round(bucket.negativeRatio * 100), negativeAuthorIds: [...bucket.negativeAuthorIds] }));
    store.watch({ workspaceId: 'W1', channelId: 'C0COMMUNITY', name: 'community' }, [...calm, ...episode]);
    expect(await service.exportMarkdown('#42', { timeZone: 'UTC' })).toBe(renderPostMortemMarkdown({ ...sampleExportInput('en'), userNames: {} }));
    await expect(service.exportMarkdown('#7')).rejects.toThrow(/There is no incident "#7"/);
  });
});
