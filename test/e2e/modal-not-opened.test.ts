// A button that opens a form (Draft reply, Resolve…) is acknowledged before the form is asked of Slack:
// when Slack will not open it (a 500, internal_error, a 429), the person who clicked is told, in their
// language (once: never also as an error on Firebreak's side), instead of seeing nothing happen; the next
// click opens it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { startHarness, type Harness } from './harness.js';

describe.each([
  ['en', 'en-US'],
  ['es', 'es-ES'],
] as const)('Slack will not open a form during an incident (people in %s)', (language, slackLocale) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ slackLocale });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('Draft reply on a 500 and Resolve on internal_error are said to the person who clicked; clicked again, they open', async () => {
    const { ann, cleo, ben } = harness.people;
    const told = t(language, 'ui.modal.not_opened', {});
    await harness.command(ann, `declare <#${harness.support}|support> sev2 Login failing`);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());

    // Every attempt answered 500 (the client retries twice within the trigger's 3 s).
    harness.fake.api.faults.serverError('views.open', { times: 3 });
    await harness.click(cleo, harness.alerts, root.ts, actionIds.draftReply);
    await harness.waitFor('Cleo told', () => harness.ephemeralTexts(cleo).find((text) => text.includes(told)));
    expect(harness.openModal(cleo)).toBeUndefined();

    harness.fake.api.faults.failWith('views.open', 'internal_error', { times: 1 });
    await harness.click(ben, harness.alerts, root.ts, actionIds.resolve);
    await harness.waitFor('Ben told', () => harness.ephemeralTexts(ben).find((text) => text.includes(told)));
    expect(harness.openModal(ben)).toBeUndefined();
    expect(harness.ephemeralTexts(ann).some((text) => text.includes(told))).toBe(false);

    // Slack answers again: the same buttons open their forms, and the incident is unchanged meanwhile.
    await harness.click(cleo, harness.alerts, root.ts, actionIds.draftReply);
    await harness.waitFor('the draft form', () => harness.openModal(cleo));
    await harness.click(ben, harness.alerts, root.ts, actionIds.resolve);
    await harness.waitFor('the resolve form', () => harness.openModal(ben));
    expect((await harness.app.database.prisma.incident.findFirstOrThrow()).status).not.toBe('resolved');
    // Told once, as what it was: never also "an error on Firebreak's side" (the forms have opened since,
    // so every explanation of the failed clicks has come).
    const failed = t(language, 'ui.guard.failed', {});
    for (const person of [cleo, ben]) {
      expect(harness.ephemeralTexts(person).filter((text) => text.includes(told))).toHaveLength(1);
      expect(harness.ephemeralTexts(person).filter((text) => text.includes(failed))).toEqual([]);
    }
  }, 60_000);
});
