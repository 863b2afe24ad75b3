/** Ephemeral replies: refusals, `/firebreak help`, status and list of incidents, usage errors. */
import type { KnownBlock } from '@slack/types';
import { t, type Locale } from '../../i18n/index.js';
import type { IncidentStatus, Severity } from '../../domain/incidents/index.js';
import { formatDuration } from '../../domain/postmortems/index.js';
import { escapeSlackText } from '../text.js';
import { commandWord, type CommandName } from '../command-words.js';
import { SEVERITY_EMOJI, channelLink, context, draftNumbers, fit, link, mention, message, section, severityName, type SlackMessage } from './kit.js';

/** The domain's refusal (already in the actor's language), as an ephemeral reply. */
export function refusalMessage(refusal: { readonly message: string }, locale: Locale): SlackMessage {
  return message(refusal.message, [section(`:no_entry: ${refusal.message}`), context(t(locale, 'ui.refusal.footer', {}))], 'refusal');
}

export const SUBCOMMANDS = ['help', 'status', 'declare', 'list', 'watch', 'unwatch', 'alerts', 'resolve'] as const satisfies readonly CommandName[];
export type Subcommand = (typeof SUBCOMMANDS)[number];

/**
 * "/firebreak declare #channel […]" ("/firebreak declarar #canal […]" in Spanish): the subcommand word
 * is the person's language's (both are accepted), its arguments are translated.
 * Escaped for mrkdwn, so `<incident number>` shows as typed instead of becoming a link.
 */
export function usageOf(sub: Subcommand, locale: Locale, command = '/firebreak'): string {
  const args =
    sub === 'declare' || sub === 'watch' || sub === 'unwatch' || sub === 'alerts' || sub === 'resolve' ? ` ${t(locale, `ui.help.args.${sub}`, {})}` : '';
  return escapeSlackText(`${command} ${commandWord(sub, locale)}${args}`);
}

/** `/firebreak help`: every subcommand with its usage and what it does (in Spanish, also its English word). */
export function helpMessage(locale: Locale, command = '/firebreak'): SlackMessage {
  const lines = SUBCOMMANDS.map((sub) => {
    const also = commandWord(sub, locale) === sub ? '' : ` · ${t(locale, 'ui.help.also', { word: sub })}`;
    return `\`${usageOf(sub, locale, command)}\`${also}\n${t(locale, `ui.help.about.${sub}`, {})}`;
  });
  const blocks: KnownBlock[] = [
    section(`*${t(locale, 'ui.help.heading', {})}*`),
    section(lines.join('\n\n')),
    context(t(locale, 'ui.help.footer', {})),
  ];
  return message(t(locale, 'ui.help.heading', {}), blocks, 'help');
}

/** What a list of incidents (the status command, the App Home) shows of each. */
export interface IncidentSummary {
  readonly number: number;
  readonly severity: Severity;
  readonly status: IncidentStatus;
  readonly channelId: string;
  readonly channelName: string;
  readonly leadUserId: string | null;
  readonly openedAt: number;
  readonly drill: boolean;
  /** Permalink of the root message in the alerts channel. */
  readonly permalink?: string;
  /** Its replies waiting for approval that fewer people may approve than the quorum needs (deactivated approvers). */
  readonly unapprovableDrafts?: readonly number[];
}

export interface IncidentListItem extends IncidentSummary {
  readonly checklistDone: number;
  readonly checklistTotal: number;
  readonly overdueSteps: number;
  readonly draftsInReview: number;
}

/**
 * `/firebreak status` (scope `open`: every open incident, most severe first) and `/firebreak list`
 * (scope `recent`: the latest incidents, open and resolved, newest first).
 */
export function incidentListMessage(items: readonly IncidentListItem[], locale: Locale, now: number, scope: 'open' | 'recent' = 'open'): SlackMessage {
  if (items.length === 0) {
    const none = t(locale, scope === 'open' ? 'ui.list.none' : 'ui.list.none_recent', {});
    return message(none, [section(`:white_check_mark: ${none}`)], 'incident list');
  }
  const sorted = [...items].sort(scope === 'open' ? (a, b) => a.severity.localeCompare(b.severity) || a.openedAt - b.openedAt : (a, b) => b.openedAt - a.openedAt || b.number - a.number);
  // One section per incident, within the 50 blocks of a message (heading and the "more" line included).
  const shown = sorted.slice(0, 45);
  const heading =
    scope === 'open'
      ? t(locale, 'ui.list.heading', { count: items.length })
      : t(locale, 'ui.list.heading_recent', { count: items.length, open: items.filter((item) => item.status !== 'resolved').length });
  const blocks: KnownBlock[] = [section(`*${heading}*`)];
  for (const item of shown) {
    const label = t(locale, 'ui.home.incident_label', { number: item.number, severity: severityName(item.severity), drill: item.drill });
    const lead = item.leadUserId ? mention(item.leadUserId) : `*${t(locale, 'ui.root.no_lead', {})}*`;
    const age = formatDuration(Math.max(0, now - item.openedAt));
    blocks.push(
      section(
        `${SEVERITY_EMOJI[item.severity]} *${link(item.permalink, label) || label}* · ${channelLink(item.channelId, item.channelName)} · ${t(locale, `ui.list.status.${item.status}`, {})}\n` +
          `${t(locale, 'ui.home.lead', { lead })} · ${item.status === 'resolved' ? t(locale, 'ui.list.opened_ago', { age }) : t(locale, 'ui.home.age', { age })} · ` +
          `${t(locale, 'ui.checklist.progress', { done: item.checklistDone, total: item.checklistTotal, overdue: item.overdueSteps })} · ` +
          t(locale, 'ui.list.in_review', { count: item.draftsInReview }) +
          unapprovableText(item.unapprovableDrafts ?? [], locale),
      ),
    );
  }
  if (sorted.length > shown.length) blocks.push(context(t(locale, 'ui.home.more', { count: sorted.length - shown.length })));
  return message(heading, blocks, 'incident list');
}

/** A reply of the incident nobody can approve now: said on its line, since its thread is not where staff look first. */
export function unapprovableText(drafts: readonly number[], locale: Locale): string {
  if (drafts.length === 0) return '';
  return `\n   ${t(locale, 'ui.home.unapprovable', { drafts: draftNumbers(drafts.map((number) => `#${number}`), 5), count: drafts.length })}`;
}

/** `/firebreak declare` typed wrong: what was wrong (already in the user's language) and the usage. */
export function declareUsageMessage(locale: Locale, problem?: string, command = '/firebreak'): SlackMessage {
  const usage = `\`${usageOf('declare', locale, command)}\``;
  const lines = [problem ? `:warning: ${fit(problem, 1000)}` : '', `${t(locale, 'ui.declare.usage', {})} ${usage}`, t(locale, 'ui.help.about.declare', {}), t(locale, 'ui.declare.example', { command })].filter(Boolean);
  return message(lines.join('\n'), [section(lines.join('\n'))], 'declare usage');
}

/**
 * An unknown subcommand: say so, then "did you mean `…`?" when a known word is close (`suggestion`,
 * from closestCommandWord), otherwise the help with every subcommand.
 */
export function unknownCommandMessage(locale: Locale, typed: string, command = '/firebreak', suggestion: string | null = null): SlackMessage {
  const intro = t(locale, 'ui.help.unknown', { typed: fit(typed.replace(/[`<>&]/g, ''), 60) });
  if (suggestion) {
    const question = `${intro} ${t(locale, 'ui.help.did_you_mean', { command: `${command} ${suggestion}` })}`;
    return message(question, [section(`:grey_question: ${question}`), context(t(locale, 'ui.help.see_all', { command: `${command} ${commandWord('help', locale)}` }))], 'unknown command');
  }
  const help = helpMessage(locale, command);
  return message(intro, [section(`:grey_question: ${intro}`), ...help.blocks], 'unknown command');
}
