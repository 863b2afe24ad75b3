import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/domain/playbooks/index.js';
import {
  actionIds,
  callbackIds,
  decodeRef,
  draftModalRef,
  draftRef,
  draftTargetValue,
  draftTextValue,
  incidentRef,
  inputIds,
  messageRef,
  stepRef,
} from '../../../src/slack/blocks/ids.js';
import {
  addToTimelineModal,
  draftReplyModal,
  editDraftModal,
  noteModal,
  refusalFieldErrors,
  rejectDraftModal,
  requestChangesModal,
  resolveModal,
  severityModal,
  skipStepModal,
} from '../../../src/slack/blocks/index.js';
import { type AnyJson, expectViewWithinLimits, inputsOf, outagePlaybook, visibleText } from './fixtures.js';

type Json = AnyJson;

const targets = [
  { ts: '1700000000.000200', text: 'Worst update ever, I want a refund', authorName: 'Bob' },
  { ts: '1700000000.000300', text: 'Still nothing from the team' },
];

function draftModal(overrides: Partial<Parameters<typeof draftReplyModal>[0]> = {}) {
  const playbook = outagePlaybook();
  const template = playbook.replies[0]!;
  return draftReplyModal({
    incidentId: 'inc-1',
    incidentNumber: 7,
    channelId: 'CCOMMUNITY',
    channelName: 'community',
    locale: 'en',
    templates: playbook.replies,
    text: renderTemplate(template.text.en, { member: 'Bob', channel: 'community', eta: '18:30', status_page: 'https://status.acme.com', brand: 'Acme', support_contact: 'help@acme.com' }),
    targets,
    ...overrides,
  });
}

describe('draftReplyModal', () => {
  it('carries the incident ref, offers the playbook templates and both languages, dispatching changes', () => {
    const view = draftModal();
    expect(view.callback_id).toBe(callbackIds.draftReplyModal);
    expect(decodeRef(incidentRef, view.private_metadata, 'metadata')).toEqual({ i: 'inc-1' });
    const inputs = inputsOf(view);
    const template = inputs.get(inputIds.draftTemplate)!;
    expect(template['dispatch_action']).toBe(true);
    expect(template['element'].action_id).toBe(actionIds.pickTemplate);
    expect(template['element'].options.map((o: Json) => o.value)).toEqual(outagePlaybook().replies.map((r) => r.id));
    expect(template['element'].initial_option.value).toBe(outagePlaybook().replies[0]!.id);
    const language = inputs.get(inputIds.draftLanguage)!;
    expect(language['element'].action_id).toBe(actionIds.pickLanguage);
    expect(language['element'].options.map((o: Json) => o.value)).toEqual(['en', 'es']);
    expect(language['element'].initial_option.value).toBe('en');
    expectViewWithinLimits(view);
  });

  it('prefills the rendered template and shows the template guidance beside it', () => {
    const view = draftModal();
    const text = inputsOf(view).get(inputIds.draftText)!;
    expect(text['element'].multiline).toBe(true);
    expect(text['element'].action_id).toBe(inputIds.draftText);
    expect(text['element'].initial_value).toContain('18:30');
    expect(visibleText(view.blocks)).toContain(outagePlaybook().replies[0]!.guidance.en);
  });

  it('offers the channel or a thread reply to each sample message, preselecting per the template target', () => {
    const view = draftModal();
    const target = inputsOf(view).get(inputIds.draftTarget)!;
    expect(target['element'].type).toBe('radio_buttons');
    expect(target['element'].options.map((o: Json) => o.value)).toEqual([
      draftTargetValue.channel,
      'thread:1700000000.000200',
      'thread:1700000000.000300',
    ]);
    expect(target['element'].options[1].text.text).toBe('Reply in thread to Bob');
    expect(target['element'].options[1].description.text).toBe('Worst update ever, I want a refund');
    const expected = outagePlaybook().replies[0]!.target === 'thread' ? 'thread:1700000000.000200' : 'channel';
    expect(target['element'].initial_option.value).toBe(expected);
    const chosen = draftModal({ target: { kind: 'thread', ts: '1700000000.000300' } });
    expect(inputsOf(chosen).get(inputIds.draftTarget)!['element'].initial_option.value).toBe('thread:1700000000.000300');
  });

  it('shows the chosen template and language, in Spanish', () => {
    const second = outagePlaybook().replies[1]!;
    const view = draftModal({ templateId: second.id, language: 'es', locale: 'es', text: 'Hola' });
    const inputs = inputsOf(view);
    expect(inputs.get(inputIds.draftTemplate)!['element'].initial_option.value).toBe(second.id);
    expect(inputs.get(inputIds.draftLanguage)!['element'].initial_option.value).toBe('es');
    expect(visibleText(view.blocks)).toContain(second.guidance.es);
    expect(view.title.text).toBe('Respuesta · #7');
  });

  it('gives the text box a new block_id when template or language change, so Slack shows the re-rendered text', () => {
    const [first, second] = outagePlaybook().replies;
    const textBlockOf = (view: ReturnType<typeof draftModal>) => [...inputsOf(view).keys()].find((id) => id.startsWith(inputIds.draftText));
    // The first template in the incident's language keeps the plain block_id.
    expect(textBlockOf(draftModal())).toBe(inputIds.draftText);
    const ids = new Set([
      textBlockOf(draftModal()),
      textBlockOf(draftModal({ templateId: second!.id })),
      textBlockOf(draftModal({ language: 'es' })),
      textBlockOf(draftModal({ templateId: second!.id, language: 'es' })),
      textBlockOf(draftModal({ templateId: first!.id, language: 'en' })),
    ]);
    expect(ids.size).toBe(4);
    // The listener reads the text whichever block it is in, and puts errors under that block.
    const blockId = textBlockOf(draftModal({ templateId: second!.id }))!;
    expect(draftTextValue({ [blockId]: { [blockId]: { value: 'Hola' } }, other: { other: { value: 'x' } } })).toBe('Hola');
    expect(draftTextValue({ [inputIds.draftText]: { [inputIds.draftText]: { value: 'Hi' } } })).toBe('Hi');
    expect(refusalFieldErrors(callbackIds.draftReplyModal, 'text', 'required', ['draft_template', blockId])).toEqual({ [blockId]: 'required' });
  });

  it('re-renders when staff pick another target, and names each thread by its author, as typed and short', () => {
    const view = draftModal({ targets: [...targets, { ts: '1700000000.000400', text: 'Hi', authorName: '<!channel> Eve &\n co' + 'e'.repeat(100) }] });
    const target = inputsOf(view).get(inputIds.draftTarget)!;
    expect(target['dispatch_action']).toBe(true);
    expect(target['element'].action_id).toBe(actionIds.pickTarget);
    const labels = target['element'].options.map((o: Json) => o.text.text as string);
    expect(labels[2]).toBe('Reply in thread to a member');
    // plain_text: shown as typed (Slack parses no mention or link there), not as `&lt;!channel&gt;`.
    expect(labels[3]).toMatch(/^Reply in thread to <!channel> Eve & coe+…$/);
    expect(labels[3].length).toBeLessThanOrEqual(75);
    expectViewWithinLimits(view);
  });

  it('keeps text written for another target under its block_id, and warns whom it was written for', () => {
    const textBlockOf = (view: ReturnType<typeof draftModal>) => [...inputsOf(view).keys()].find((id) => id.startsWith(inputIds.draftText));
    const bob = { kind: 'thread' as const, ts: '1700000000.000200' };
    const other = { kind: 'thread' as const, ts: '1700000000.000300' };
    const refilled = draftModal({ target: other });
    const kept = draftModal({ target: other, textTarget: bob });
    // A new target re-fills the box (new block_id); text kept for the old one keeps the old block_id.
    expect(textBlockOf(refilled)).not.toBe(textBlockOf(kept));
    expect(textBlockOf(kept)).toBe(textBlockOf(draftModal({ target: bob })));
    expect(decodeRef(draftModalRef, kept.private_metadata, 'metadata')).toEqual({ i: 'inc-1', w: 'thread:1700000000.000200' });
    expect(decodeRef(draftModalRef, refilled.private_metadata, 'metadata').w).toBe('thread:1700000000.000300');
    expect(visibleText(refilled.blocks)).not.toContain(':warning:');
    expect(visibleText(kept.blocks)).toContain('It was prefilled for Bob’s message, but the reply now goes to a member’s message');
    const toChannel = draftModal({ target: { kind: 'channel' }, textTarget: bob, locale: 'es' });
    expect(visibleText(toChannel.blocks)).toContain('Se rellenó para el mensaje de Bob, pero la respuesta va ahora a un mensaje nuevo en #community');
    expectViewWithinLimits(kept);
  });

  it('stays within limits with many long sample messages and a 3000-character text', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ts: `${i}.0`, text: 'ü'.repeat(2000), authorName: 'n'.repeat(200) }));
    const view = draftModal({ targets: many, text: 'x'.repeat(3000), channelName: 'c'.repeat(200) });
    expectViewWithinLimits(view);
    expect(inputsOf(view).get(inputIds.draftTarget)!['element'].options).toHaveLength(10);
  });
});

describe('draft decision modals', () => {
  const ref = { i: 'inc-1', d: 'inc-1/draft-2', r: 3 };

  it('edit: prefilled text, the draftRef of the revision edited, a warning that approvals restart', () => {
    const view = editDraftModal({ draft: ref, draftNumber: 2, text: 'Current text', locale: 'en', guidance: 'Be brief' });
    expect(view.callback_id).toBe(callbackIds.editDraftModal);
    expect(decodeRef(draftRef, view.private_metadata, 'metadata')).toEqual(ref);
    expect(inputsOf(view).get(inputIds.draftText)!['element'].initial_value).toBe('Current text');
    expect(visibleText(view.blocks)).toContain('approvals given so far stop counting');
    expect(visibleText(view.blocks)).toContain('Be brief');
    expectViewWithinLimits(view);
  });

  it('request changes asks for a comment and quotes the revision inert', () => {
    const view = requestChangesModal({ draft: ref, draftNumber: 2, text: 'Hi <!channel>', locale: 'en' });
    expect(view.callback_id).toBe(callbackIds.requestChangesModal);
    expect(decodeRef(draftRef, view.private_metadata, 'metadata')).toEqual(ref);
    expect([...inputsOf(view).keys()]).toEqual([inputIds.comment]);
    expect(visibleText(view.blocks)).toContain('&lt;!channel&gt;');
    expectViewWithinLimits(view);
  });

  it('reject asks for a reason and says it is final', () => {
    const view = rejectDraftModal({ draft: ref, draftNumber: 2, text: 'x'.repeat(3000), locale: 'es' });
    expect(view.callback_id).toBe(callbackIds.rejectDraftModal);
    expect([...inputsOf(view).keys()]).toEqual([inputIds.reason]);
    expect(view.title.text).toBe('Rechazar respuesta');
    expectViewWithinLimits(view);
  });
});

describe('incident modals', () => {
  it('severity: sev1..sev4 with the playbook meaning, the current one selected, and a reason', () => {
    const playbook = outagePlaybook();
    const view = severityModal({ incidentId: 'inc-1', incidentNumber: 7, current: 'sev3', severities: playbook.severities, locale: 'en' });
    expect(view.callback_id).toBe(callbackIds.severityModal);
    expect(decodeRef(incidentRef, view.private_metadata, 'metadata')).toEqual({ i: 'inc-1' });
    const select = inputsOf(view).get(inputIds.severity)!['element'];
    expect(select.options.map((o: Json) => o.value)).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
    expect(select.initial_option.value).toBe('sev3');
    expect(select.options[0].description.text.length).toBeLessThanOrEqual(75);
    expect(visibleText(view.blocks)).toContain(playbook.severities.sev1.meaning.en);
    expect(inputsOf(view).has(inputIds.reason)).toBe(true);
    expectViewWithinLimits(view);
  });

  it('resolve: a summary, and a warning listing required steps still open', () => {
    const view = resolveModal({ incidentId: 'inc-1', incidentNumber: 7, openRequiredSteps: [{ stepId: 'status-page', text: 'Update the status page' }], locale: 'en' });
    expect(view.callback_id).toBe(callbackIds.resolveModal);
    // Each open required step can be skipped with a reason right here (optional), so resolving never dead-ends.
    expect([...inputsOf(view).keys()]).toEqual([inputIds.resolutionSummary, inputIds.skipReason('status-page')]);
    expect(inputsOf(view).get(inputIds.skipReason('status-page'))!['optional']).toBe(true);
    expect(visibleText(view.blocks)).toContain('1 required step is still open');
    expect(visibleText(view.blocks)).toContain('Skip “Update the status page” because…');
    expectViewWithinLimits(view);
    expect(visibleText(resolveModal({ incidentId: 'inc-1', incidentNumber: 7, openRequiredSteps: [], locale: 'en' }).blocks)).not.toContain('still open');
  });

  it('skip step: the step named, one reason input, the step ref in the metadata', () => {
    const view = skipStepModal({ step: { i: 'inc-1', s: 'pin', done: false }, incidentNumber: 7, stepText: 'Pin <!here> the answer', locale: 'es' });
    expect(view.callback_id).toBe(callbackIds.skipStepModal);
    expect(decodeRef(stepRef, view.private_metadata, 'metadata')).toEqual({ i: 'inc-1', s: 'pin', done: false });
    expect([...inputsOf(view).keys()]).toEqual([inputIds.reason]);
    expect(visibleText(view.blocks)).toContain('Incidente #7: *Pin &lt;!here&gt; the answer*');
    expectViewWithinLimits(view);
  });

  it('note: one multiline input, the incident ref', () => {
    const view = noteModal('inc-1', 7, 'es');
    expect(view.callback_id).toBe(callbackIds.noteModal);
    expect(decodeRef(incidentRef, view.private_metadata, 'metadata')).toEqual({ i: 'inc-1' });
    expect(inputsOf(view).get(inputIds.note)!['element'].multiline).toBe(true);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
  });

  it('add to timeline: choose among open incidents; the message ref rides in the metadata', () => {
    const message = { c: 'CCOMMUNITY', ts: '1.2', u: 'UMEMBER1', text: 'y'.repeat(2500) + ' <!here>' };
    const view = addToTimelineModal({
      message,
      incidents: [
        { incidentId: 'inc-1', number: 7, severity: 'sev2', channelName: 'community' },
        { incidentId: 'inc-2', number: 8, severity: 'sev4', channelName: 'help', drill: true },
      ],
      locale: 'en',
    });
    expect(view.callback_id).toBe(callbackIds.addToTimelineModal);
    const ref = decodeRef(messageRef, view.private_metadata, 'metadata');
    expect(ref).toMatchObject({ c: 'CCOMMUNITY', ts: '1.2', u: 'UMEMBER1' });
    expect(ref.text.length).toBeLessThanOrEqual(2000);
    const select = inputsOf(view).get(inputIds.incident)!['element'];
    expect(select.options.map((o: Json) => [o.value, o.text.text])).toEqual([
      ['inc-1', 'Incident #7 · SEV2 · #community'],
      ['inc-2', 'Incident #8 · SEV4 · #help (drill)'],
    ]);
    expect(visibleText(view.blocks)).not.toContain('<!here>');
    expectViewWithinLimits(view);
  });

  it('add to timeline without open incidents informs, with no submit', () => {
    const view = addToTimelineModal({ message: { c: 'C1', ts: '1.2', text: 'hi' }, incidents: [], locale: 'en' });
    expect(view.submit).toBeUndefined();
    expect(visibleText(view.blocks)).toContain('no open incident');
    expectViewWithinLimits(view);
  });
});

describe('refusalFieldErrors', () => {
  it('puts a text refusal under the input of the modal it came from', () => {
    expect(refusalFieldErrors(callbackIds.noteModal, 'note', 'The note is required.')).toEqual({ [inputIds.note]: 'The note is required.' });
    expect(refusalFieldErrors(callbackIds.draftReplyModal, 'text', 'too long')).toEqual({ [inputIds.draftText]: 'too long' });
    expect(refusalFieldErrors(callbackIds.rejectDraftModal, 'comment', 'required')).toEqual({ [inputIds.reason]: 'required' });
    expect(refusalFieldErrors(callbackIds.resolveModal, 'summary', 'required')).toEqual({ [inputIds.resolutionSummary]: 'required' });
  });

  it('returns null when the refusal is not about one of the modal inputs', () => {
    expect(refusalFieldErrors(callbackIds.resolveModal, undefined, 'Only the lead…')).toBeNull();
    expect(refusalFieldErrors(callbackIds.noteModal, 'reason', 'x')).toBeNull();
  });
});
