import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/domain/incidents/index.js';
import { decodeRef, actionIds } from '../../../src/slack/blocks/ids.js';
import { alertFeedbackRef, feedbackRecordedMessage, markSentimentModal, sampleFeedbackRef } from '../../../src/slack/blocks/feedback.js';
import { incidentRootMessage } from '../../../src/slack/blocks/index.js';
import { buttons, expectMessageWithinLimits, incidentWith, spike, visibleText } from './fixtures.js';

function root(detection: JsonValue = spike, options: { drill?: boolean; locale?: 'en' | 'es' } = {}) {
  const { state, overview } = incidentWith({ detection, ...(options.locale ? { locale: options.locale } : {}) });
  const withDrill = options.drill ? { ...state, incident: { ...state.incident, drill: true } } : state;
  return incidentRootMessage({ state: withDrill, overview: overview(), playbookName: 'P', channelName: 'community', locale: options.locale ?? 'en' });
}

describe('feedback on the alert', () => {
  it('offers Real crisis / False alarm, and Not negative / Negative for each quoted sample, within Slack limits', () => {
    const built = root();
    expectMessageWithinLimits(built);
    const found = buttons(built.blocks).filter((b) => b.actionId.startsWith('feedback.'));
    const alert = found.filter((b) => b.actionId === actionIds.realCrisis || b.actionId === actionIds.falseAlarm);
    expect(alert.map((b) => [b.text, decodeRef(alertFeedbackRef, b.value, 'alert').v])).toEqual([['Real crisis', 'real_crisis'], ['False alarm', 'false_alarm']]);
    const samples = found.filter((b) => b.actionId === actionIds.sampleNotNegative || b.actionId === actionIds.sampleNegative).map((b) => decodeRef(sampleFeedbackRef, b.value, 'sample'));
    expect(samples).toHaveLength(6);
    expect(new Set(samples.map((s) => s.s)).size).toBe(3);
  });

  it('quotes each sample once, with its two buttons right under it', () => {
    const built = root();
    const text = visibleText(built.blocks);
    const shown = ['> Still nothing from the team', '> Worst update ever, I want a refund', '> meh'];
    for (const quote of shown) expect(text.split(quote).length - 1).toBe(1);
    // Each sample's buttons follow the section that quotes it, and name that sample.
    const samples = (spike as { samples: { id: string; text: string }[] }).samples;
    built.blocks.forEach((block, i) => {
      if (block.type !== 'actions' || !block.elements.some((element) => 'action_id' in element && element.action_id === actionIds.sampleNegative)) return;
      const id = decodeRef(sampleFeedbackRef, (block.elements[0] as { value: string }).value, 'sample').s;
      const quoted = built.blocks[i - 1] as { type: string; text?: { text: string } };
      expect(quoted.type).toBe('section');
      expect(quoted.text?.text).toContain(samples.find((sample) => sample.id === id)?.text.slice(0, 12));
    });
    // A drill quotes them the same way, in one section and without buttons.
    const drill = visibleText(root(spike, { drill: true }).blocks);
    for (const quote of shown) expect(drill.split(quote).length - 1).toBe(1);
  });

  it('speaks Spanish, and never asks for feedback on a drill', () => {
    expect(buttons(root(spike, { locale: 'es' }).blocks).map((b) => b.text)).toEqual(expect.arrayContaining(['Crisis real', 'Falsa alarma', 'No es negativo', 'Negativo']));
    expect(buttons(root(spike, { drill: true }).blocks).filter((b) => b.actionId.startsWith('feedback.'))).toEqual([]);
  });

  it('says when feedback moved the threshold, and when it decided the alert', () => {
    const raised = root({ ...(spike as Record<string, never>), feedback: { falseAlarms: 2, lateCrises: 0, thresholdBefore: 6.5, thresholdAfter: 8.45, decided: false } });
    expect(visibleText(raised.blocks)).toContain('2 false alarms on this channel raised its alert threshold from 6.5 to 8.45; this alert still passed it.');
    const lowered = root({ ...(spike as Record<string, never>), feedback: { falseAlarms: 0, lateCrises: 1, thresholdBefore: 6.5, thresholdAfter: 5.85, decided: true } });
    expect(visibleText(lowered.blocks)).toContain('without that feedback this would not have alerted yet');
    expect(visibleText(root().blocks)).not.toContain('Feedback:');
  });

  it('confirms a click with Undo and Add a reason; the shortcut modal asks the verdict and an optional reason', () => {
    const confirmation = feedbackRecordedMessage('fb1', 'not_negative', 'message', 'en');
    expect(confirmation.text).toContain('*not negative*');
    expect(buttons(confirmation.blocks).map((b) => b.actionId)).toEqual([actionIds.undoFeedback, actionIds.feedbackReason]);
    const modal = markSentimentModal({ c: 'C1', ts: '1.2', text: 'x'.repeat(5000) }, 'es');
    expect(JSON.stringify(modal)).toContain('No es negativo');
    expect(JSON.parse(modal.private_metadata ?? '{}').text).toHaveLength(2500);
  });
});
