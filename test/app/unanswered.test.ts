import { describe, expect, it } from 'vitest';
import type { SlackWrite, Store, UnansweredReminder, WaitingMessage } from '../../src/app/ports/index.js';
import { remindUnanswered } from '../../src/app/unanswered.js';
import type { Playbook } from '../../src/domain/playbooks/index.js';
import type { Locale } from '../../src/i18n/index.js';
import { slackUnansweredViews } from '../../src/slack/blocks/unanswered.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');
const waiting: WaitingMessage[] = [{ id: 'm1', ts: '1763630000.000100', text: 'Nobody answers me', permalink: null }];

/** One watched channel with one message past the window; the store parts the reminder reads and writes. */
function fakeStore(writes: SlackWrite[]): Store {
  const channel = { ref: 'ch1', workspaceId: 'w1', channelId: 'C1', name: 'support', active: true, watchedBy: 'command' };
  const repositories = {
    channels: { active: async () => [channel] },
    unanswered: { waiting: async () => waiting, markReminded: async () => undefined },
    incidents: { openAlertOn: async () => null },
    outbox: {
      enqueue: async (write: SlackWrite) => {
        writes.push(write);
        return true;
      },
    },
  };
  // Only what remindUnanswered touches; anything else would throw, which is the point of a fake.
  return { direct: repositories, transaction: async (work: (tx: typeof repositories) => Promise<unknown>) => work(repositories) } as unknown as Store;
}

async function reminderLocale(playbookLocale: Locale | undefined, workspaceLocale: Locale): Promise<{ locale: Locale; text: string }> {
  const writes: SlackWrite[] = [];
  const reminders: UnansweredReminder[] = [];
  const playbook = { locale: playbookLocale, escalation: { unansweredNegative: { afterMinutes: 30, remind: ['lead'] } } } as unknown as Playbook;
  await remindUnanswered({
    store: fakeStore(writes),
    clock: { now: () => NOW },
    views: {
      reminder: (reminder) => {
        reminders.push(reminder);
        return slackUnansweredViews.reminder(reminder);
      },
    },
    languageOf: async (workspaceId) => {
      expect(workspaceId).toBe('w1');
      return workspaceLocale;
    },
    alertsChannel: 'CALERTS',
    playbookFor: () => playbook,
    recipients: async () => ['ULEAD'],
  });
  expect(writes).toHaveLength(1);
  return { locale: reminders[0]!.locale, text: String((writes[0]!.payload as { text?: unknown }).text) };
}

describe('the unanswered-message reminder', () => {
  it('speaks the workspace language when the playbook names none', async () => {
    const spanish = await reminderLocale(undefined, 'es');
    expect(spanish.locale).toBe('es');
    expect(spanish.text).toContain('sin respuesta');
    expect((await reminderLocale(undefined, 'en')).locale).toBe('en');
  });

  it('speaks the playbook language when it names one', async () => {
    expect((await reminderLocale('en', 'es')).locale).toBe('en');
    expect((await reminderLocale('es', 'en')).locale).toBe('es');
  });
});
