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
  /**
   * The language of a workspace's messages to its staff (OAuth installs: its App Home choice, else
   * LOCALE): the reminder's, unless the playbook names its own.
   */
  languageOf(workspaceId: string): Promise<Locale>;
  alertsChannel?: string;
  /** A workspace's own alerts channel (chosen after an OAuth install), before ALERTS_CHANNEL. */
  alertsChannelOf?(workspaceId: string): Promise<string | null>;
  /** Runs one workspace's share (OAuth installs: with that workspace's Slack token). */
  inWorkspace?<T>(workspaceId: string, work: () => Promise<T>): Promise<T>;
  /** The playbook that covers a channel (its `escalation.unansweredNegative` sets the window and who is told). */
  playbookFor(channelId: string, channelName: string | null): Playbook | undefined;
  /** The people an audience (role names, users, groups) stands for. */
  recipients(playbook: Playbook, audience: readonly string[]): Promise<string[]>;
}

const MAX_LISTED = 10;
const MAX_WAITING = 50;
/**
 * How long past its window a message is still brought up. Older ones are history Firebreak first saw
 * late (a member editing a message from before the channel was watched, a source sending its past
 * posts to /ingest): nobody could have answered them in time, and each would ping the leads.
 */
export const UNANSWERED_LOOKBACK_MS = 24 * 3_600_000;

/** Finds negative messages past their window, reminds once per channel per run, marks them reminded. */
export async function remindUnanswered(options: UnansweredOptions): Promise<number> {
  const { store, clock } = options;
  const now = clock.now();
  let reminded = 0;
  for (const channel of await store.direct.channels.active()) {
    const remind = () => remindChannel(options, channel, now);
    reminded += options.inWorkspace ? await options.inWorkspace(channel.workspaceId, remind) : await remind();
  }
  return reminded;
}

/** One channel: its unanswered messages reminded once; returns how many. */
async function remindChannel(options: UnansweredOptions, channel: Awaited<ReturnType<UnansweredOptions['store']['direct']['channels']['active']>>[number], now: number): Promise<number> {
  const { store } = options;
  const playbook = options.playbookFor(channel.channelId, channel.name);
  const rule = playbook?.escalation.unansweredNegative;
  if (!playbook || !rule) return 0;
  const windowEnd = now - rule.afterMinutes * 60_000;
  const waiting = await store.direct.unanswered.waiting(channel.ref, { from: windowEnd - UNANSWERED_LOOKBACK_MS, before: windowEnd }, MAX_WAITING);
  if (waiting.length === 0) return 0;
  const incident = await store.direct.incidents.openAlertOn(channel.workspaceId, channel.channelId);
  const target = incident?.alertChannelId ?? (await options.alertsChannelOf?.(channel.workspaceId)) ?? options.alertsChannel;
  if (!target) return 0;
  const message = options.views.reminder({
    // A playbook that names its language speaks it everywhere, as its incidents do (app/incidents.ts).
    locale: playbook.locale ?? (await options.languageOf(channel.workspaceId)),
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
      workspaceId: channel.workspaceId,
      now,
    });
  });
  return waiting.length;
}
