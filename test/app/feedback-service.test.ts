// FeedbackService's rules against in-memory ports (no database): only staff give feedback, undoing
// unlearns it, and alert feedback moves a channel's threshold within its bounds.
import { beforeEach, describe, expect, it } from 'vitest';
import { FeedbackService } from '../../src/app/feedback.js';
import type { IncidentRecord } from '../../src/app/ports/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { resolveDetectorSettings } from '../../src/domain/detection/settings.js';
import { CALIBRATION } from '../../src/domain/feedback/index.js';
import { buildSampleIncident } from '../fixtures/postmortems/sample-incident.js';
import { memoryPostMortemStore, type MemoryPostMortemStore } from '../support/memory-postmortems.js';

const NOW = Date.UTC(2026, 11, 1, 10);

/** An open incident on #community, numbered `number`, detected `lagMinutes` after the first abnormal bucket. */
function openIncident(id: string, number: number, lagMinutes = 5): IncidentRecord {
  const { state } = buildSampleIncident('en');
  const incident = { ...state.incident, id, number, status: 'open' as const, resolvedAt: null, firstAbnormalAt: NOW - lagMinutes * 60_000, detectedAt: NOW };
  return { state: { ...state, incident }, version: 1, workspaceId: 'W1', title: '#community', alertChannelId: 'C0ALERTS', rootTs: '1.1' };
}

describe('FeedbackService (in-memory ports)', () => {
  let store: MemoryPostMortemStore;
  let clock: ManualClock;
  let service: FeedbackService;
  let commits: number;

  beforeEach(() => {
    store = memoryPostMortemStore();
    clock = new ManualClock(NOW);
    commits = 0;
    service = new FeedbackService({
      store,
      clock,
      views: { threadEvent: (event, locale) => ({ text: `${locale}: ${event.kind} by ${event.actorUserId}` }) },
      onCommitted: () => commits++,
    });
    store.addIncident(openIncident('inc-1', 1));
    store.watch({ workspaceId: 'W1', channelId: 'C0COMMUNITY', name: 'community' });
  });

  it('a drill teaches nothing: verdicts on its alert or samples are refused, audited, and never stored', async () => {
    const drill = openIncident('inc-drill', 2);
    store.addIncident({ ...drill, state: { ...drill.state, incident: { ...drill.state.incident, drill: true } } });
    const alert = await service.give({ workspaceId: 'W1', userId: 'UANA', channelId: 'C0COMMUNITY', incidentId: 'inc-drill', via: 'alert_button', verdict: { target: 'alert', value: 'false_alarm' } });
    const sample = await service.give({ workspaceId: 'W1', userId: 'UANA', channelId: 'C0COMMUNITY', incidentId: 'inc-drill', via: 'sample_button', messageTs: '7.7', text: 'this is staged', verdict: { target: 'message', value: 'not_negative' } });
    expect([alert, sample]).toEqual([{ ok: false, refusal: 'drill' }, { ok: false, refusal: 'drill' }]);
    expect(store.feedback()).toEqual([]);
    expect(store.calibration('W1', 'C0COMMUNITY')).toBeUndefined();
    expect(store.audit().map((entry) => [entry.outcome, entry.incidentId, entry.data['refusal']])).toEqual([
      ['refused', 'inc-drill', 'drill'],
      ['refused', 'inc-drill', 'drill'],
    ]);
  });

  it('marking a message needs a watched channel and some text, and lands on the open incident of that channel', async () => {
    expect(await service.mayMarkMessage({ workspaceId: 'W1', channelId: 'C0ELSEWHERE', ts: '9.9', text: 'fine' })).toBe('not_watched');
    expect(await service.mayMarkMessage({ workspaceId: 'W1', channelId: 'C0COMMUNITY', ts: '9.9', text: '  ' })).toBe('no_text');
    expect(await service.mayMarkMessage({ workspaceId: 'W1', channelId: 'C0COMMUNITY', ts: '9.9', text: 'kill it tonight' })).toBeNull();
    const outcome = await service.markMessage({ workspaceId: 'W1', channelId: 'C0COMMUNITY', userId: 'UANA', messageTs: '9.9', text: 'kill it tonight', reason: ' gaming ', verdict: 'not_negative' });
    expect(outcome).toMatchObject({ ok: true, feedback: { incidentId: 'inc-1', via: 'shortcut', target: 'message', verdict: 'not_negative', reason: 'gaming' } });
    expect(store.timeline('inc-1').map((event) => [event.kind, event.actorUserId, event.text, event.data['excerpt']])).toEqual([['feedback_given', 'UANA', 'gaming', 'kill it tonight']]);
    expect(store.outbox()).toMatchObject([{ key: `feedback:${outcome.ok ? outcome.feedback.id : ''}:feedback_given`, threadOf: 'incident:inc-1:root', payload: { channel: 'C0ALERTS', text: 'en: feedback_given by UANA' } }]);
    expect(commits).toBe(1);
  });

  it('marks given at the same moment are all learnt: the workspace learns once at a time, the last run with every mark', async () => {
    const texts = ['kill it tonight', 'we will kill the boss', 'kill them all in the raid', 'time to kill some time'];
    await Promise.all(texts.map((text, index) => service.markMessage({ workspaceId: 'W1', channelId: 'C0COMMUNITY', userId: 'UANA', messageTs: `9.${index}`, text, reason: null, verdict: 'not_negative' })));
    const { learnt } = await service.lexicon('W1');
    expect(learnt.corrections).toBe(texts.length);
    expect(learnt.terms.find((term) => term.term === 'kill')?.evidence.notNegative).toBe(texts.length);
  });

  it('undo: once; the timeline says so and what it taught is unlearnt', async () => {
    const given = await service.give({ workspaceId: 'W1', userId: 'UANA', channelId: 'C0COMMUNITY', incidentId: 'inc-1', via: 'alert_button', verdict: { target: 'alert', value: 'false_alarm' } });
    if (!given.ok) throw new Error('feedback refused');
    expect(store.calibration('W1', 'C0COMMUNITY')).toEqual({ thresholdOffset: CALIBRATION.falseAlarmStep, falseAlarms: 1, lateCrises: 0 });

    clock.advance(60_000);
    const undone = await service.undo(given.feedback.id, 'ULUIS');
    expect(undone).toMatchObject({ ok: true, feedback: { undoneAt: clock.now(), undoneBy: 'ULUIS' } });
    expect(await service.undo(given.feedback.id, 'UANA')).toEqual({ ok: false, refusal: 'already_undone' });
    expect(await service.undo('fb-unknown', 'UANA')).toEqual({ ok: false, refusal: 'not_found' });

    expect(store.calibration('W1', 'C0COMMUNITY')).toEqual({ thresholdOffset: 0, falseAlarms: 0, lateCrises: 0 });
    expect(store.timeline('inc-1').map((event) => [event.kind, event.actorUserId])).toEqual([
      ['feedback_given', 'UANA'],
      ['feedback_undone', 'ULUIS'],
    ]);
    expect(store.audit().map((entry) => [entry.userId, entry.action, entry.outcome])).toEqual([
      ['UANA', 'feedback_given', 'accepted'],
      ['ULUIS', 'feedback_undone', 'accepted'],
    ]);
  });

  it('false alarms raise the threshold step by step up to its bound; late real crises lower it, bounded too', async () => {
    const settings = resolveDetectorSettings();
    for (let n = 1; n <= 6; n++) {
      store.addIncident(openIncident(`inc-fa-${n}`, 10 + n));
      await service.give({ workspaceId: 'W1', userId: 'UANA', channelId: 'C0COMMUNITY', incidentId: `inc-fa-${n}`, via: 'alert_button', verdict: { target: 'alert', value: 'false_alarm' } });
      clock.advance(1000);
    }
    expect(store.calibration('W1', 'C0COMMUNITY')).toEqual({ thresholdOffset: CALIBRATION.maxRaise, falseAlarms: 6, lateCrises: 0 });
    const raised = await service.calibrate('W1', 'C0COMMUNITY', settings);
    expect(raised.settings.threshold).toBeCloseTo(settings.threshold * (1 + CALIBRATION.maxRaise), 9);

    // The same incidents turn out to be real crises detected late: the latest verdict per incident counts.
    for (let n = 1; n <= 6; n++) {
      store.addIncident(openIncident(`inc-fa-${n}`, 10 + n, 30));
      await service.give({ workspaceId: 'W1', userId: 'ULUIS', channelId: 'C0COMMUNITY', incidentId: `inc-fa-${n}`, via: 'alert_button', verdict: { target: 'alert', value: 'real_crisis' } });
      clock.advance(1000);
    }
    expect(store.calibration('W1', 'C0COMMUNITY')).toEqual({ thresholdOffset: -CALIBRATION.maxLower, falseAlarms: 0, lateCrises: 6 });
    expect((await service.calibrate('W1', 'C0COMMUNITY', settings)).settings.threshold).toBeCloseTo(settings.threshold * (1 - CALIBRATION.maxLower), 9);
  });
});
