// A message shortcut is acknowledged before its work (Slack wants the ack within 3 s, its modal needs the
// trigger): when that work then fails, its person is told so, once, in their language, as a button's
// failure is — never a menu item that silently does nothing. A form Slack would not open is told once
// as such, with no second, contradictory "error on our side". Signed requests to the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t, type Locale } from '../../src/i18n/index.js';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';
import { callbackIds } from '../../src/slack/blocks/ids.js';
import type { DatabaseProvider } from '../../src/store/schema-files.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

const cases = availableProviders.flatMap((provider): [DatabaseProvider, Locale, string][] => [
  [provider, 'en', 'en-US'],
  [provider, 'es', 'es-ES'],
]);

describe.each(cases)('a message shortcut that fails after its ack (%s, people in %s)', (provider, language, slackLocale) => {
  let harness: Harness;
  let message: { ts: string; text: string; user: string };
  beforeAll(async () => {
    harness = await startHarness({ provider, slackLocale });
    const member = harness.people.members[0]!;
    const text = 'Nothing loads since the update, this is awful';
    const { ts } = harness.fake.workspace.postMessage({ user_id: member }, harness.support, { text });
    await harness.event(messageEvent({ channel: harness.support, user: member, text, ts }));
    await harness.waitFor('the stored message', () => harness.app.database.prisma.scoredMessage.findFirst({ where: { ts } }).then((row) => row ?? undefined));
    message = { ts, text, user: member };
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const told = (user: string, key: 'ui.guard.failed' | 'ui.modal.not_opened') => harness.ephemeralTexts(user).filter((text) => text.includes(t(language, key, {})));

  /**
   * The database refuses what the shortcut reads after its ack (a table it needs cannot be read: it stands
   * for any database error mid-request) while `work` runs; then answers again.
   */
  async function withTableUnreadable(table: string, work: () => Promise<void>): Promise<void> {
    const prisma = harness.app.database.prisma;
    await prisma.$executeRawUnsafe(`ALTER TABLE "${table}" RENAME TO "${table}_away"`);
    try {
      await work();
    } finally {
      await prisma.$executeRawUnsafe(`ALTER TABLE "${table}_away" RENAME TO "${table}"`);
    }
  }

  it('"Firebreak: mark sentiment" failing on the database is told to its person once; used again, it opens its form', async () => {
    const { ann } = harness.people;
    await withTableUnreadable('WatchedChannel', async () => {
      expect((await harness.shortcut(ann, callbackIds.markSentimentShortcut, message)).status).toBe(200);
      const explanation = await harness.waitFor('the explanation to Ann', () => told(ann, 'ui.guard.failed')[0]);
      expect(explanation).toContain(t(language, 'ui.guard.failed', {}));
    });
    expect(harness.openModal(ann)).toBeUndefined();
    await harness.shortcut(ann, callbackIds.markSentimentShortcut, message);
    await harness.waitFor('the mark sentiment form', () => harness.openModal(ann)?.callback_id === callbackIds.markSentimentModal);
    expect(told(ann, 'ui.guard.failed')).toHaveLength(1);
    expect(harness.ephemeralTexts(harness.people.ben).some((text) => text.includes(t(language, 'ui.guard.failed', {})))).toBe(false);
  });

  it('"Add to incident timeline" failing on the database is told to its person once; used again, it opens its form', async () => {
    const { ben } = harness.people;
    await withTableUnreadable('Incident', async () => {
      expect((await harness.shortcut(ben, callbackIds.addToTimelineShortcut, message)).status).toBe(200);
      await harness.waitFor('the explanation to Ben', () => told(ben, 'ui.guard.failed')[0]);
    });
    expect(harness.openModal(ben)).toBeUndefined();
    await harness.shortcut(ben, callbackIds.addToTimelineShortcut, message);
    await harness.waitFor('the timeline form', () => harness.openModal(ben)?.callback_id === callbackIds.addToTimelineModal);
    expect(told(ben, 'ui.guard.failed')).toHaveLength(1);
  });

  it('a shortcut’s form Slack will not open is told once as such, never also as an error on Firebreak’s side', async () => {
    const { cleo } = harness.people;
    harness.fake.api.faults.failWith('views.open', 'internal_error', { times: 1 });
    await harness.shortcut(cleo, callbackIds.markSentimentShortcut, message);
    await harness.waitFor('Cleo told the form did not open', () => told(cleo, 'ui.modal.not_opened')[0]);
    harness.fake.api.faults.failWith('views.open', 'internal_error', { times: 1 });
    await harness.shortcut(cleo, callbackIds.addToTimelineShortcut, message);
    await harness.waitFor('Cleo told again', () => told(cleo, 'ui.modal.not_opened')[1]);
    // Slack answers again: the form opens, and by then every explanation of the two failures has come.
    await harness.shortcut(cleo, callbackIds.markSentimentShortcut, message);
    await harness.waitFor('the mark sentiment form', () => harness.openModal(cleo)?.callback_id === callbackIds.markSentimentModal);
    expect(told(cleo, 'ui.modal.not_opened')).toHaveLength(2);
    expect(told(cleo, 'ui.guard.failed')).toHaveLength(0);
  });
});
