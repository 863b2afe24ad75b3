// messageChanged for an edit: a member edited a message the incident quotes (as a sample, or staff added it
// to the timeline); the copies quote the latest words, marked edited, the sample keeping its score. Pure:
// the clock is the only time it reads.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { addMessage, messageChanged, resolve, type IncidentState, type JsonValue, type TimelineEvent } from '../../../src/domain/incidents/index.js';
import { describeTimelineEvent } from '../../../src/domain/incidents/describe.js';
import { accepted, incidentPolicy, MINUTE, openState, T0 } from './helpers.js';

const CHANNEL = 'C0COMMUNITY';
const QUOTED = '1763733600.000100';
const samples = [
  { id: QUOTED, authorId: 'UANA', score: -9, text: 'Worst update ever, call me on 600111222', permalink: 'https://acme.slack.com/archives/C1/p1763733600000100' },
  { id: '1763733600.000200', authorId: 'UBOB', score: -4, text: 'Still nothing from the team' },
];
const edited = (text: string, editedTs?: string) => ({ type: 'edited' as const, text, ...(editedTs ? { editedTs } : {}) });

/** An incident on CHANNEL quoting `samples`, with QUOTED also added to its timeline by staff. */
function quotingAndAdded(clock: ManualClock): { state: IncidentState; entries: TimelineEvent[] } {
  const state = openState(clock, { channelId: CHANNEL, detection: { source: 'detector', observed: 12, samples } as JsonValue });
  const decision = accepted(addMessage(state, { actorUserId: 'USTAFF', message: { channelId: CHANNEL, messageTs: QUOTED, authorUserId: 'UANA', authorName: 'ana', text: samples[0]!.text, postedAt: T0, permalink: null } }, incidentPolicy(), clock));
  return { state: decision.state, entries: [...decision.events] };
}

const sampleOf = (state: IncidentState) => (state.incident.detection as { samples: Record<string, JsonValue>[] }).samples[0];

describe('a quoted message edited by its author', () => {
  it('quotes the latest words in the sample (score, author and link kept) and the timeline entry, in one decision audited without the text', () => {
    const clock = new ManualClock(T0);
    const { state, entries } = quotingAndAdded(clock);
    clock.advance(MINUTE);
    const decision = accepted(messageChanged(state, { channelId: CHANNEL, messageTs: QUOTED, entries, change: edited('Worst update ever', '1763733700.000100') }, clock));
    expect(sampleOf(decision.state)).toEqual({ ...samples[0], text: 'Worst update ever', edited: true, editedAt: T0 + MINUTE, editedTs: '1763733700.000100' });
    expect((decision.state.incident.detection as { samples: unknown[] }).samples[1]).toEqual(samples[1]);
    expect(decision.events).toEqual([]);
    expect(decision.effects.map((effect) => effect.type)).toEqual(['update_root_message', 'update_thread_message']);
    const line = (decision.effects[1] as { event: TimelineEvent }).event;
    expect(line).toMatchObject({ kind: 'message_added', text: 'Worst update ever', actorUserId: 'USTAFF', data: { messageTs: QUOTED, edited: true, editedAt: T0 + MINUTE } });
    expect(describeTimelineEvent(line, 'en')).toContain('its author has since edited it');
    expect(describeTimelineEvent(line, 'es')).toContain('su autor lo ha editado');
    expect(decision.audit).toMatchObject({ action: 'redraw_sample_edited', outcome: 'accepted', actorUserId: null, text: null, details: { messageTs: QUOTED, timelineEntries: 1 } });
    expect(JSON.stringify(decision)).not.toContain('600111222');
  });

  it('cuts the sample as a bucket does (280 characters), the timeline entry keeping the words whole', () => {
    const clock = new ManualClock(T0);
    const { state, entries } = quotingAndAdded(clock);
    const long = `Worst update ever ${'x'.repeat(400)}`;
    const decision = accepted(messageChanged(state, { channelId: CHANNEL, messageTs: QUOTED, entries, change: edited(long) }, clock));
    expect(sampleOf(decision.state)?.['text']).toBe(long.slice(0, 280));
    expect((decision.effects[1] as { event: TimelineEvent }).event.text).toBe(long);
  });

  it('changes nothing for the same words (a replay), an older edit committed after a newer one, another channel, or a deleted message', () => {
    const clock = new ManualClock(T0);
    const { state, entries } = quotingAndAdded(clock);
    const noOp = { ok: true, audit: { outcome: 'no_op' }, effects: [] };
    expect(messageChanged(state, { channelId: CHANNEL, messageTs: QUOTED, entries, change: edited(samples[0]!.text) }, clock)).toMatchObject(noOp);
    expect(messageChanged(state, { channelId: 'C0OTHER', messageTs: QUOTED, entries, change: edited('Other words') }, clock)).toMatchObject(noOp);

    const newer = accepted(messageChanged(state, { channelId: CHANNEL, messageTs: QUOTED, entries, change: edited('Newer words', '1763733700.000300') }, clock));
    const newerEntries = [(newer.effects[1] as { event: TimelineEvent }).event];
    expect(messageChanged(newer.state, { channelId: CHANNEL, messageTs: QUOTED, entries: newerEntries, change: edited('Older words', '1763733700.000200') }, clock)).toMatchObject(noOp);
    // A later edit still applies.
    expect(sampleOf(accepted(messageChanged(newer.state, { channelId: CHANNEL, messageTs: QUOTED, entries: newerEntries, change: edited('Latest words', '1763733700.000400') }, clock)).state)?.['text']).toBe('Latest words');

    const deleted = accepted(messageChanged(state, { channelId: CHANNEL, messageTs: QUOTED, entries, change: { type: 'deleted' } }, clock));
    const deletedEntries = [(deleted.effects[1] as { event: TimelineEvent }).event];
    expect(messageChanged(deleted.state, { channelId: CHANNEL, messageTs: QUOTED, entries: deletedEntries, change: edited('Words again', '1763733700.000500') }, clock)).toMatchObject(noOp);
  });

  it('a message only on the timeline edits its line (rewrite_edited_message); a resolved incident still follows the edit', () => {
    const clock = new ManualClock(T0);
    const { state, entries } = quotingAndAdded(clock);
    const other = { ...state, incident: { ...state.incident, detection: { source: 'declared' } as JsonValue } };
    const decision = accepted(messageChanged(other, { channelId: CHANNEL, messageTs: QUOTED, entries, change: edited('Kinder words') }, clock));
    expect(decision.audit).toMatchObject({ action: 'rewrite_edited_message', text: null, details: { channelId: CHANNEL, messageTs: QUOTED, timelineEntries: 1 } });
    expect(decision.effects.map((effect) => effect.type)).toEqual(['update_thread_message']);

    const resolved = accepted(resolve(state, { actorUserId: 'UAPPROVER1', summary: 'Fixed.' }, incidentPolicy(), clock)).state;
    const redrawn = accepted(messageChanged(resolved, { channelId: CHANNEL, messageTs: QUOTED, entries, change: edited('Kinder words') }, clock));
    expect(redrawn.state.incident.status).toBe('resolved');
    expect(sampleOf(redrawn.state)?.['text']).toBe('Kinder words');
  });
});
