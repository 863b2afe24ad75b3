import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { createDraft, decideDraft, editDraft, preflightReply, REPLY_TEXT_MAX, type CreateDraftCommand } from '../../../src/domain/incidents/index.js';
import { accepted, incidentPolicy, openState, refused, T0 } from './helpers.js';

const OK = 'We know the app is failing for some of you and we are on it. Next update here within the hour.';
const codes = (text: string, context = {}) => preflightReply(text, 'en', context).refusals.map((refusal) => refusal.code);

describe('reply preflight: refusals', () => {
  it('passes an ordinary reply with nothing to flag', () => {
    expect(preflightReply(OK, 'en', { targetLanguage: 'en' })).toEqual({ refusals: [], warnings: [] });
  });

  it('refuses the draft modal’s marker for a value nobody could fill, for every template variable', () => {
    expect(preflightReply('Hi [member], thanks for asking.', 'en').refusals).toEqual([{ code: 'unfilled_variable', found: '[member]' }]);
    expect(codes('Reach us at [support_contact].')).toEqual(['unfilled_variable']);
    expect(codes('News from [Brand] soon.')).toEqual(['unfilled_variable']);
    // Square brackets that are not a variable are ordinary text.
    expect(codes('See the FAQ [section 2] for details.')).toEqual([]);
  });

  it('refuses raw Mustache tags', () => {
    expect(preflightReply('Hi {{member}}, sorry.', 'en').refusals).toEqual([{ code: 'unfilled_variable', found: '{{member}}' }]);
    expect(codes('Update by {{#eta}}{{eta}}{{/eta}}')).toEqual(['unfilled_variable']);
  });

  it('refuses mass mentions in every form Slack notifies with', () => {
    for (const mention of ['<!channel>', '<!here>', '<!everyone>', '<!group>', '<!here|here>', '<!subteam^S0123ABC>', '<!subteam^S0123ABC|@team>', '@channel', '@here', '@everyone']) {
      expect(codes(`${mention} we are on it`), mention).toEqual(['mass_mention']);
    }
    // An address that happens to contain "here" is not a mention.
    expect(codes('Write to help@here.example.com')).toEqual([]);
  });

  it('refuses an empty text and one over the limit', () => {
    expect(codes('   \n ')).toEqual(['empty']);
    expect(preflightReply('a'.repeat(REPLY_TEXT_MAX + 1), 'en').refusals).toEqual([{ code: 'too_long', length: REPLY_TEXT_MAX + 1, max: REPLY_TEXT_MAX }]);
    expect(codes('a'.repeat(REPLY_TEXT_MAX))).toEqual([]);
  });

  it('reports every problem at once', () => {
    expect(codes('<!here> Hi [member]')).toEqual(['unfilled_variable', 'mass_mention']);
  });
});

describe('reply preflight: warnings', () => {
  it('warns when the reply is written in another language than its readers’', () => {
    expect(preflightReply('Sabemos que la app falla y estamos en ello. Te contamos algo en una hora.', 'es', { targetLanguage: 'en' }).warnings).toEqual([
      { code: 'language', language: 'es', expected: 'en' },
    ]);
    // The text's own words count: a Spanish text labelled English is still Spanish.
    expect(preflightReply('Sabemos que la app falla y estamos en ello, lo siento mucho.', 'en', { targetLanguage: 'en' }).warnings[0]).toMatchObject({ language: 'es' });
    expect(preflightReply(OK, 'en', { targetLanguage: 'en' }).warnings).toEqual([]);
    // Unknown readers' language: nothing to compare.
    expect(preflightReply(OK, 'es').warnings).toEqual([]);
  });

  it('warns about e-mail addresses, phone numbers and links that the templates and playbook do not contain', () => {
    const text = 'Write to refunds@acme.test or call +34 600 123 456, details at https://evil.example/x and <https://status.acme.test/incidents|status>.';
    const { warnings, refusals } = preflightReply(text, 'en', { knownTexts: ['Reach us at help@acme.test'], allowedLinkDomains: ['acme.test'] });
    expect(refusals).toEqual([]);
    expect(warnings).toEqual([
      { code: 'unknown_contact', kind: 'url', found: 'https://evil.example/x' },
      { code: 'unknown_contact', kind: 'phone', found: '+34 600 123 456' },
    ]);
  });

  it('reads a link’s host as a browser does: a user name before the `@` does not make it an allowed domain', () => {
    const allowed = { allowedLinkDomains: ['acme.test'] };
    expect(preflightReply('See <https://status.acme.test:443@evil.example/x|status.acme.test>.', 'en', allowed).warnings).toEqual([
      { code: 'unknown_contact', kind: 'url', found: 'https://status.acme.test:443@evil.example/x' },
    ]);
    expect(preflightReply('See <https://evil.example@status.acme.test/x|status>.', 'en', allowed).warnings).toEqual([]);
  });

  it('checks every address a mailto link writes to, and only addresses', () => {
    const allowed = { allowedLinkDomains: ['acme.test'] };
    const flagged = (text: string) => preflightReply(text, 'en', allowed).warnings.map((warning) => (warning.code === 'unknown_contact' ? warning.found : warning.code));
    expect(flagged('Write to <mailto:evil@evil.example?subject=@acme.test|help@acme.test>.')).toEqual(['evil@evil.example']);
    expect(flagged('Write to <mailto:evil@evil.example,help@acme.test|help@acme.test>.')).toEqual(['evil@evil.example']);
    expect(flagged('Write to <mailto:help@acme.test?cc=evil%40evil.example|help@acme.test>.')).toEqual(['evil@evil.example']);
    expect(flagged('Write to <mailto:help@acme.test?subject=Refund|help@acme.test>.')).toEqual([]);
  });

  it('accepts contacts the templates or configured values contain, in any case or spacing', () => {
    const known = { knownTexts: ['Reach us at Help@Acme.test or +34 600 123 456', 'https://status.acme.test'] };
    expect(preflightReply('Mail help@acme.test, call +34600123456, see https://status.acme.test.', 'en', known).warnings).toEqual([]);
    // Dates, times and short numbers are not phone numbers.
    expect(preflightReply('Fixed on 2026-11-21 at 14:30, ticket 4521.', 'en', known).warnings).toEqual([]);
  });
});

describe('reply preflight at the domain gates', () => {
  const command = (overrides: Partial<CreateDraftCommand> = {}): CreateDraftCommand => ({
    actorUserId: 'UWRITER',
    text: OK,
    language: 'en',
    templateId: null,
    target: { kind: 'channel', channelId: 'CCOMMUNITY' },
    ...overrides,
  });

  it('refuses to send a draft with a hole for approval, as an error on the text field', () => {
    const clock = new ManualClock(T0);
    const { refusal } = refused(createDraft(openState(clock), command({ text: 'Hi [member], thanks for asking.' }), incidentPolicy(), clock));
    expect(refusal.code).toBe('preflight');
    expect(refusal.params).toMatchObject({ field: 'text', unfilled: '[member]' });
    expect(refusal.message).toMatch(/\[member\].*no member message/);
  });

  it('asks the drafter to confirm a language change, then records it as a warning for the approvers', () => {
    const clock = new ManualClock(T0);
    const spanish = command({ text: 'Sabemos que la app falla y estamos en ello. Te contamos algo en una hora.', language: 'es', preflight: { targetLanguage: 'en' } });
    const { refusal } = refused(createDraft(openState(clock), spanish, incidentPolicy(), clock));
    expect(refusal).toMatchObject({ code: 'preflight_language', params: { field: 'language', language: 'es', expected: 'en' } });
    const draft = accepted(createDraft(openState(clock), { ...spanish, languageConfirmed: true }, incidentPolicy(), clock)).state.drafts[0]!;
    expect(draft.preflightWarnings).toEqual([{ code: 'language', language: 'es', expected: 'en', confirmed: true }]);
  });

  it('refuses an edit that adds a mass mention, and an approval of a text the preflight refuses', () => {
    const clock = new ManualClock(T0);
    const state = accepted(createDraft(openState(clock), command(), incidentPolicy(), clock)).state;
    const { refusal: edit } = refused(editDraft(state, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: `<!channel> ${OK}` }, incidentPolicy(), clock));
    expect(edit.params).toMatchObject({ mention: '<!channel>' });
    // A draft stored before the preflight existed (or by any other path) still cannot be approved.
    const holed = { ...state, drafts: state.drafts.map((draft) => ({ ...draft, text: 'Hi [member], hello' })) };
    const decision = decideDraft(holed, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, incidentPolicy(), clock);
    expect(refused(decision).refusal.code).toBe('preflight');
    expect(decision.audit.outcome).toBe('refused');
  });
});
