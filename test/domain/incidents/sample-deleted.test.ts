// messageChanged for a deletion: a member deleted a message the incident quotes; the sample keeps who and how it scored,
// never the words, and the alert is redrawn in place. Pure: the clock is the only time it reads.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { addedMessageChanged, addMessage, detectionChanged, messageChanged, quotesSample, resolve, sampleWasDeleted, type IncidentState, type JsonValue, type MemberChange, type TimelineEvent } from '../../../src/domain/incidents/index.js';
import { describeTimelineEvent } from '../../../src/domain/incidents/describe.js';
import { accepted, incidentPolicy, MINUTE, openState, refused, T0 } from './helpers.js';

const samples: { id: string; authorId: string; score: number; text: string; permalink?: string }[] = [
  { id: '1763733600.000100', authorId: 'UANA', score: -9, text: 'Worst update ever, I want a refund', permalink: 'https://acme.slack.com/archives/C1/p1763733600000100' },
  { id: '1763733600.000200', authorId: 'UBOB', score: -4, text: 'Still nothing from the team' },
];

const DELETED: MemberChange = { type: 'deleted' };
/** The member deleted message `messageTs` of the incident's channel, which no timeline entry adds. */
const sampleDeleted = (state: IncidentState, messageTs: string, clock: ManualClock) => messageChanged(state, { channelId: state.incident.channelId, messageTs, entries: [], change: DELETED }, clock);

function quoting(clock: ManualClock): IncidentState {
  return openState(clock, { detection: { source: 'detector', observed: 12, samples } as JsonValue });
}

describe('a quoted sample deleted by its author', () => {
  it('loses its words (author, score and link kept), is marked deleted, redraws the alert, and says nothing in the thread', () => {
    const clock = new ManualClock(T0);
    const state = quoting(clock);
    clock.advance(MINUTE);
    const decision = accepted(sampleDeleted(state, samples[0]!.id, clock));
    const stored = (decision.state.incident.detection as { samples: unknown[]; observed: number });
    expect(stored.samples[0]).toEqual({ id: samples[0]!.id, authorId: 'UANA', score: -9, permalink: samples[0]!.permalink, text: '', deleted: true, deletedAt: T0 + MINUTE });
    expect(stored.samples[1]).toEqual(samples[1]);
    expect(stored.observed).toBe(12);
    expect(JSON.stringify(decision.state)).not.toContain('Worst update');
    expect(decision.events).toEqual([]);
    expect(decision.effects).toEqual([{ type: 'update_root_message', incidentId: state.incident.id, rewriteEarlierCopies: true }]);
    expect(decision.audit).toMatchObject({ action: 'redraw_sample_deleted', outcome: 'accepted', actorUserId: null, text: null, details: { messageTs: samples[0]!.id } });
    expect(quotesSample(decision.state, samples[0]!.id)).toBe(false);
    expect(sampleWasDeleted(decision.state.incident.detection, samples[0]!.id)).toBe(true);
  });

  it('changes nothing when the message is not quoted or already shown deleted (a replay)', () => {
    const clock = new ManualClock(T0);
    const state = quoting(clock);
    expect(sampleDeleted(state, '1763733600.000999', clock)).toMatchObject({ ok: true, audit: { outcome: 'no_op' }, effects: [] });
    const once = accepted(sampleDeleted(state, samples[1]!.id, clock)).state;
    expect(sampleDeleted(once, samples[1]!.id, clock)).toMatchObject({ ok: true, audit: { outcome: 'no_op' }, effects: [] });
    // A detection without samples (declared by hand, foreign) is read defensively.
    expect(detectionChanged({ source: 'declared' }, samples[0]!.id, DELETED, T0)).toEqual({ source: 'declared' });
    expect(detectionChanged(null, samples[0]!.id, DELETED, T0)).toBeNull();
  });

  it('applies to a resolved incident too: its alert still quotes the sample', () => {
    const clock = new ManualClock(T0);
    const resolved = accepted(resolve(quoting(clock), { actorUserId: 'UAPPROVER1', summary: 'Fixed.' }, incidentPolicy(), clock)).state;
    const decision = accepted(sampleDeleted(resolved, samples[0]!.id, clock));
    expect(decision.state.incident.status).toBe('resolved');
    expect(JSON.stringify(decision.state.incident.detection)).not.toContain('Worst update');
  });
});

describe('a message staff added to the timeline, deleted by its author', () => {
  const CHANNEL = 'C0COMMUNITY';
  function withAdded(clock: ManualClock, messageTs: string): { state: IncidentState; entries: TimelineEvent[] } {
    const state = quoting(clock);
    const decision = accepted(addMessage(state, { actorUserId: 'USTAFF', message: { channelId: CHANNEL, messageTs, authorUserId: 'UANA', authorName: 'ana', text: 'Worst update ever, I want a refund', postedAt: T0, permalink: null } }, incidentPolicy(), clock));
    return { state: decision.state, entries: [...decision.events] };
  }

  it('edits its thread line in place without the words; with the quoted sample, in the same decision as the redraw', () => {
    const clock = new ManualClock(T0);
    const { state, entries } = withAdded(clock, '1763733700.000100');
    clock.advance(MINUTE);
    const decision = accepted(messageChanged(state, { channelId: CHANNEL, messageTs: '1763733700.000100', entries, change: DELETED }, clock));
    expect(decision.audit).toMatchObject({ action: 'erase_deleted_message', outcome: 'accepted', text: null, details: { channelId: CHANNEL, messageTs: '1763733700.000100', timelineEntries: 1 } });
    expect(decision.events).toEqual([]);
    const edit = decision.effects[0] as { type: string; event: TimelineEvent };
    expect(decision.effects).toHaveLength(1);
    expect(edit.type).toBe('update_thread_message');
    expect(edit.event).toMatchObject({ kind: 'message_added', actorUserId: 'USTAFF', text: null, data: { channelId: CHANNEL, messageTs: '1763733700.000100', authorUserId: 'UANA', deleted: true, deletedAt: T0 + MINUTE } });
    expect(describeTimelineEvent(edit.event, 'en')).toContain('its author has since deleted it');
    expect(describeTimelineEvent(edit.event, 'es')).toContain('su autor lo ha borrado');

    // Its own channel's sample and timeline entry at once: one redraw, one edit, one audit line.
    const both = withAdded(clock, samples[0]!.id);
    const bothState = { ...both.state, incident: { ...both.state.incident, channelId: CHANNEL } };
    const once = accepted(messageChanged(bothState, { channelId: CHANNEL, messageTs: samples[0]!.id, entries: both.entries, change: DELETED }, clock));
    expect(once.audit).toMatchObject({ action: 'redraw_sample_deleted', details: { messageTs: samples[0]!.id, timelineEntries: 1 } });
    expect(once.effects.map((effect) => effect.type)).toEqual(['update_root_message', 'update_thread_message']);
    expect(JSON.stringify(once)).not.toContain('Worst update');
  });

  it('changes nothing once its entries show it deleted (a replay), nor for another channel with the same ts', () => {
    const clock = new ManualClock(T0);
    const { state, entries } = withAdded(clock, '1763733700.000100');
    const erased = entries.map((entry) => addedMessageChanged(entry, DELETED, T0));
    expect(messageChanged(state, { channelId: CHANNEL, messageTs: '1763733700.000100', entries: erased, change: DELETED }, clock)).toMatchObject({ ok: true, audit: { outcome: 'no_op' }, effects: [] });
    expect(messageChanged(state, { channelId: 'C0OTHER', messageTs: '1763733700.000100', entries, change: DELETED }, clock)).toMatchObject({ ok: true, audit: { outcome: 'no_op' }, effects: [] });
  });

  it('is refused when staff add it after its author deleted it, with no words in the audit', () => {
    const clock = new ManualClock(T0);
    const decision = refused(addMessage(quoting(clock), { actorUserId: 'USTAFF', deletedByAuthor: true, message: { channelId: CHANNEL, messageTs: '1763733700.000100', authorUserId: 'UANA', authorName: null, text: 'Worst update ever', postedAt: T0, permalink: null } }, incidentPolicy(), clock));
    expect(decision.refusal.code).toBe('message_deleted');
    expect(decision.audit).toMatchObject({ action: 'add_message', outcome: 'refused', text: null });
  });
});
