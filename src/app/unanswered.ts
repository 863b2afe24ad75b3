// Nobody is left unanswered: a negative member message with no staff reply in its thread within the
// playbook's window is brought to the people the playbook names, once, in the alerts channel (in the
// incident's thread when the channel has an open incident).
import type { Clock } from '../domain/clock.js';
import type { Playbook } from '../domain/playbooks/index.js';
import { escapeSlackText, truncateSlackText } from '../slack/text.js';
import { enqueueSlackWrite } from '../slack/outbox/index.js';
import type { PrismaDb } from '../store/database.js';

export interface UnansweredOptions {
  prisma: PrismaDb;
  clock: Clock;
  alertsChannel?: string;
  /** The playbook that covers a channel (its `escalation.unansweredNegative` sets the window and who is told). */
  playbookFor(channelId: string, channelName: string | null): Playbook | undefined;
  /** The people an audience (role names, users, groups) stands for. */
  recipients(playbook: Playbook, audience: readonly string[]): Promise<string[]>;
  /** When the channel has an open incident, the outbox key of its root message. */
  openIncidentRoot(channelId: string): Promise<{ incidentId: string; rootKey: string; alertChannelId: string } | null>;
}

const MAX_LISTED = 10;

/** Finds negative messages past their window, reminds once per channel per run, marks them reminded. */
export async function remindUnanswered(options: UnansweredOptions): Promise<number> {
  const { prisma, clock } = options;
  const now = clock.now();
  let reminded = 0;
  for (const channel of await prisma.watchedChannel.findMany({ where: { active: true } })) {
    const playbook = options.playbookFor(channel.channelId, channel.name);
    const rule = playbook?.escalation.unansweredNegative;
    if (!playbook || !rule) continue;
    const cutoff = new Date(now - rule.afterMinutes * 60_000);
    const waiting = await prisma.scoredMessage.findMany({
      where: { channelRef: channel.id, label: 'negative', answeredAt: null, remindedAt: null, deletedAt: null, threadTs: null, postedAt: { lt: cutoff } },
      orderBy: { postedAt: 'asc' },
      take: 50,
    });
    if (waiting.length === 0) continue;
    const incident = await options.openIncidentRoot(channel.channelId);
    const target = incident?.alertChannelId ?? options.alertsChannel;
    if (!target) continue;
    const people = await options.recipients(playbook, rule.remind);
    const who = people.length ? people.map((id) => `<@${id}>`).join(' ') : '';
    const listed = waiting.slice(0, MAX_LISTED).map((message) => {
      const quote = truncateSlackText(escapeSlackText(message.text ?? ''), 200);
      return `• ${message.permalink ? `<${message.permalink}|${quote || '…'}>` : quote}`;
    });
    const more = waiting.length > MAX_LISTED ? `\n…+${waiting.length - MAX_LISTED}` : '';
    const es = (playbook.locale ?? 'en') === 'es';
    const text = es
      ? `:speech_balloon: ${who} ${waiting.length} mensaje(s) negativo(s) en #${channel.name ?? channel.channelId} llevan más de ${rule.afterMinutes} min sin respuesta:\n${listed.join('\n')}${more}`
      : `:speech_balloon: ${who} ${waiting.length} negative message(s) in #${channel.name ?? channel.channelId} have had no answer for over ${rule.afterMinutes} min:\n${listed.join('\n')}${more}`;
    await prisma.$transaction(async (tx) => {
      await tx.scoredMessage.updateMany({ where: { id: { in: waiting.map((message) => message.id) } }, data: { remindedAt: new Date(now) } });
      await enqueueSlackWrite(tx, {
        key: `unanswered:${channel.id}:${waiting[0]!.ts}:${now}`,
        method: 'chat.postMessage',
        payload: { channel: target, text: truncateSlackText(text, 3000) },
        ...(incident ? { threadOf: incident.rootKey, incidentId: incident.incidentId } : {}),
        now,
      });
    });
    reminded += waiting.length;
  }
  return reminded;
}
