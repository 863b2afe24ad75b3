import { describe, expect, it } from 'vitest';
import { acknowledge, resolve, skipStep, tickStep, type TimelineEvent } from '../../../src/domain/incidents/index.js';
import { actionIds, decodeRef, stepRef } from '../../../src/slack/blocks/ids.js';
import { checklistMessage, threadEventMessage } from '../../../src/slack/blocks/index.js';
import { MINUTE, T0, accepted, buttons, expectMessageWithinLimits, incidentWith, visibleText } from './fixtures.js';

const event = (kind: TimelineEvent['kind'], text: string | null, data: TimelineEvent['data'] = {}, actorUserId: string | null = 'ULEAD'): TimelineEvent => ({
  incidentId: 'inc-1',
  at: T0,
  kind,
  actorUserId,
  text,
  data,
});

describe('threadEventMessage', () => {
  it('is one line from describeTimelineEvent, with the actor mentioned', () => {
    const built = threadEventMessage(event('acknowledged', null), 'en');
    expect(built.blocks).toHaveLength(1);
    expect(built.text).toBe('<@ULEAD> acknowledged the incident and took the lead');
    expectMessageWithinLimits(built);
  });

  it('quotes the note under the line, inert', () => {
    const built = threadEventMessage(event('note_added', 'Ping <!channel> about <@U999>'), 'en');
    const text = visibleText(built.blocks);
    expect(text).toContain('<@ULEAD> added a note');
    expect(text).toContain('> Ping &lt;!channel&gt; about &lt;@');
    expect(text).not.toMatch(/<!channel>|<@U999>/);
  });

  it('makes staff text inside the line inert (a change-request comment cannot ping)', () => {
    const built = threadEventMessage(event('draft_changes_requested', 'draft', { draftNumber: 2, comment: 'tell <!here> now' }), 'en');
    expect(built.text).toContain('asked for changes to reply #2: tell &lt;!here&gt; now');
    expect(visibleText(built.blocks)).not.toContain('<!here>');
  });

  it('uses the names given (exports or display names) and the locale', () => {
    const built = threadEventMessage(event('resolved', 'Fixed'), 'es', { formatUser: () => 'Marta' });
    expect(built.text).toBe('Marta resolvió el incidente');
    expect(visibleText(built.blocks)).toContain('> Fixed');
  });

  it('keeps a very long note within the limits', () => {
    expectMessageWithinLimits(threadEventMessage(event('note_added', 'ñ'.repeat(3000) + '\n'.repeat(500)), 'en'));
  });
});

describe('checklistMessage', () => {
  it('lists each step with owner, due time, and Done and Skip… buttons carrying its stepRef', () => {
    const { state, clock } = incidentWith();
    const built = checklistMessage(state, 'en', clock);
    const text = visibleText(built.blocks);
    expect(text).toContain('0/2 done');
    expect(text).toContain('*Update the status page* _(optional)_\n<@UOPS> · due <!date^');
    expect(text).toContain('*Pin the official answer* _(optional)_\nlead');
    const found = buttons(built.blocks);
    expect(found.map((b) => [b.actionId, b.text])).toEqual([
      [actionIds.toggleStep, 'Done'],
      [actionIds.skipStep, 'Skip…'],
      [actionIds.toggleStep, 'Done'],
      [actionIds.skipStep, 'Skip…'],
    ]);
    expect(decodeRef(stepRef, found[0]?.value, 'button')).toEqual({ i: state.incident.id, s: 'status-page', done: false });
    expect(decodeRef(stepRef, found[3]?.value, 'button')).toEqual({ i: state.incident.id, s: 'pin', done: false });
    expectMessageWithinLimits(built);
  });

  it('highlights overdue steps and counts them', () => {
    const { state, clock } = incidentWith();
    clock.advance(16 * MINUTE);
    const text = visibleText(checklistMessage(state, 'en', clock).blocks);
    expect(text).toContain('0/2 done · :warning: 1 overdue');
    expect(text).toContain(':warning: *Update the status page*');
    expect(text).toContain('*overdue*');
  });

  it('shows who did or skipped a step, with Undo (done: true)', () => {
    const { state: opened, policy, clock } = incidentWith();
    let state = accepted(acknowledge(opened, { actorUserId: 'ULEAD' }, policy, clock));
    state = accepted(tickStep(state, { actorUserId: 'UOPS', stepId: 'status-page' }, policy, clock));
    state = accepted(skipStep(state, { actorUserId: 'ULEAD', stepId: 'pin', reason: 'nothing to pin <!here>' }, policy, clock));
    const built = checklistMessage(state, 'en', clock);
    const text = visibleText(built.blocks);
    expect(text).toContain('2/2 done');
    expect(text).toContain(':white_check_mark: ~Update the status page~\nDone by <@UOPS>');
    expect(text).toContain('Skipped by <@ULEAD>: nothing to pin &lt;!here&gt;');
    const found = buttons(built.blocks);
    expect(found.map((b) => b.text)).toEqual(['Undo', 'Undo']);
    expect(decodeRef(stepRef, found[1]?.value, 'button')).toEqual({ i: state.incident.id, s: 'pin', done: true });
  });

  it('shortens a long skip reason without cutting an escape or a character in half', () => {
    const { state: opened, policy, clock } = incidentWith();
    let state = accepted(acknowledge(opened, { actorUserId: 'ULEAD' }, policy, clock));
    // Escaped, each & takes five characters: a cut at 500 would fall inside one.
    state = accepted(skipStep(state, { actorUserId: 'ULEAD', stepId: 'pin', reason: `${'a'.repeat(497)}&&😡` }, policy, clock));
    const text = visibleText(checklistMessage(state, 'en', clock).blocks);
    const reason = text.slice(text.indexOf('Skipped by <@ULEAD>: ') + 'Skipped by <@ULEAD>: '.length).split('\n')[0]!;
    expect(reason.length).toBeLessThanOrEqual(500);
    expect(reason).toMatch(/^a{497}…$/);
  });

  it('has no buttons once the incident is resolved', () => {
    const { state: opened, policy, clock } = incidentWith();
    const state = accepted(resolve(accepted(acknowledge(opened, { actorUserId: 'ULEAD' }, policy, clock)), { actorUserId: 'ULEAD', summary: 'ok' }, policy, clock));
    const built = checklistMessage(state, 'en', clock);
    expect(buttons(built.blocks)).toEqual([]);
    expect(visibleText(built.blocks)).toContain('reopen it to change the checklist');
  });

  it('stays within 50 blocks for a very long checklist', () => {
    const { state, clock } = incidentWith();
    const steps = (text: (i: number) => string) =>
      Array.from({ length: 80 }, (_, i) => ({ ...state.checklist[0]!, stepId: `s${i}`, text: text(i) }));
    const short = checklistMessage({ ...state, checklist: steps((i) => `Step ${i}`) }, 'es', clock);
    expectMessageWithinLimits(short);
    expect(short.blocks.length).toBeLessThanOrEqual(50);
    expect(visibleText(short.blocks)).toContain(':white_large_square: Step 79');
    expect(buttons(short.blocks)).toHaveLength(46);
    expectMessageWithinLimits(checklistMessage({ ...state, checklist: steps((i) => `Step ${i} ${'w'.repeat(3000)}`) }, 'es', clock));
  });
});
