// sampleDeleted: a member deleted a message the incident quotes; the sample keeps who and how it scored,
// never the words, and the alert is redrawn in place. Pure: the clock is the only time it reads.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { detectionWithoutSample, quotesSample, resolve, sampleDeleted, sampleWasDeleted, type IncidentState, type JsonValue } from '../../../src/domain/incidents/index.js';
import { accepted, incidentPolicy, MINUTE, openState, T0 } from './helpers.js';

const samples: { id: string; authorId: string; score: number; text: string; permalink?: string }[] = [
  { id: '1763733600.000100', authorId: 'UANA', score: -9, text: 'Worst update ever, I want a refund', permalink: 'https://acme.slack.com/archives/C1/p1763733600000100' },
  { id: '1763733600.000200', authorId: 'UBOB', score: -4, text: 'Still nothing from the team' },
];

function quoting(clock: ManualClock): IncidentState {
  return openState(clock, { detection: { source: 'detector', observed: 12, samples } as JsonValue });
}

describe('a quoted sample deleted by its author', () => {
  it('loses its words (author, score and link kept), is marked deleted, redraws the alert, and says nothing in the thread', () => {
    const clock = new ManualClock(T0);
    const state = quoting(clock);
    clock.advance(MINUTE);
    const decision = accepted(sampleDeleted(state, { messageTs: samples[0]!.id }, clock));
    const stored = (decision.state.incident.detection as { samples: unknown[]; observed: number });
    expect(stored.samples[0]).toEqual({ id: samples[0]!.id, authorId: 'UANA', score: -9, permalink: samples[0]!.permalink, text: '', deleted: true, deletedAt: T0 + MINUTE });
    expect(stored.samples[1]).toEqual(samples[1]);
    expect(stored.observed).toBe(12);
    expect(JSON.stringify(decision.state)).not.toContain('Worst update');
    expect(decision.events).toEqual([]);
    expect(decision.effects).toEqual([{ type: 'update_root_message', incidentId: state.incident.id }]);
    expect(decision.audit).toMatchObject({ action: 'redraw_sample_deleted', outcome: 'accepted', actorUserId: null, text: null, details: { messageTs: samples[0]!.id } });
    expect(quotesSample(decision.state, samples[0]!.id)).toBe(false);
    expect(sampleWasDeleted(decision.state.incident.detection, samples[0]!.id)).toBe(true);
  });

  it('changes nothing when the message is not quoted or already shown deleted (a replay)', () => {
    const clock = new ManualClock(T0);
    const state = quoting(clock);
    expect(sampleDeleted(state, { messageTs: '1763733600.000999' }, clock)).toMatchObject({ ok: true, audit: { outcome: 'no_op' }, effects: [] });
    const once = accepted(sampleDeleted(state, { messageTs: samples[1]!.id }, clock)).state;
    expect(sampleDeleted(once, { messageTs: samples[1]!.id }, clock)).toMatchObject({ ok: true, audit: { outcome: 'no_op' }, effects: [] });
    // A detection without samples (declared by hand, foreign) is read defensively.
    expect(detectionWithoutSample({ source: 'declared' }, samples[0]!.id, T0)).toEqual({ source: 'declared' });
    expect(detectionWithoutSample(null, samples[0]!.id, T0)).toBeNull();
  });

  it('applies to a resolved incident too: its alert still quotes the sample', () => {
    const clock = new ManualClock(T0);
    const resolved = accepted(resolve(quoting(clock), { actorUserId: 'UAPPROVER1', summary: 'Fixed.' }, incidentPolicy(), clock)).state;
    const decision = accepted(sampleDeleted(resolved, { messageTs: samples[0]!.id }, clock));
    expect(decision.state.incident.status).toBe('resolved');
    expect(JSON.stringify(decision.state.incident.detection)).not.toContain('Worst update');
  });
});
