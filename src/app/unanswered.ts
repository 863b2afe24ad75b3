// Nobody is left unanswered: a negative member message with no staff reply in its thread within the
// playbook's window is brought to the people the playbook names, once, in the alerts channel (in the
// incident's thread when the channel has an open incident).
import type { Clock } from '../domain/clock.js';
import type { Playbook } from '../domain/playbooks/index.js';
import type { Locale } from '../i18n/index.js';
import { outboxKeys } from './incidents.js';
import type { Store, UnansweredViews } from './ports/index.js';

export interface UnansweredOptions {
  store: Store;
  clock: Clock;
  views: UnansweredViews;
  /** The workspace's language (LOCALE): the reminder's, unless the playbook names its own. */
  locale: Locale;
  alertsChannel?: string;
  /** The playbook that covers a channel (its `escalation.unansweredNegative` sets the window and who is told). */
  playbookFor(channelId: string, channelName: string | null): Playbook | undefined;
  /** The people an audience (role names, users, groups) stands for. */
  recipients(playbook: Playbook, audience: readonly string[]): Promise<string[]>;
}

const MAX_LISTED = 10;
const MAX_WAITING = 50;

/** Finds negative messages past their window, reminds once per channel per run, marks them reminded. */
export async function remindUnanswered(options: UnansweredOptions): Promise<number> {
  const { store, clock } = options;
  const now = clock.now();
  let reminded = 0;
  for (const channel of await store.direct.channels.active()) {
    const playbook = options.playbookFor(channel.channelId, channel.name);
    const rule = playbook?.escalation.unansweredNegative;
    if (!playbook || !rule) continue;
    const waiting = await store.direct.unanswered.waiting(channel.ref, now - rule.afterMinutes * 60_000, MAX_WAITING);
    if (waiting.length === 0) continue;
    const incident = await store.direct.incidents.openAlertOn(channel.channelId);
    const target = incident?.alertChannelId ?? options.alertsChannel;
    if (!target) continue;
    const message = options.views.reminder({
      locale: playbook.locale ?? options.locale,
      recipientUserIds: await options.recipients(playbook, rule.remind),
      channelName: channel.name ?? channel.channelId,
      afterMinutes: rule.afterMinutes,
      messages: waiting.slice(0, MAX_LISTED),
      total: waiting.length,
    });
    await store.transaction(async (tx) => {
      await tx.unanswered.markReminded(waiting.map((waitingMessage) => waitingMessage.id), now);
      await tx.outbox.enqueue({
        key: `unanswered:${channel.ref}:${waiting[0]!.ts}:${now}`,
        method: 'chat.postMessage',
        payload: { channel: target, ...message },
        ...(incident ? { threadOf: outboxKeys.root(incident.incidentId), incidentId: incident.incidentId } : {}),
        now,
      });
    });
    reminded += waiting.length;
  }
  return reminded;
}
