/**
 * App Home: what needs the viewer now (open incidents, replies waiting for their approval), how the
 * watched channels feel today, recent post-mortems, and delivery problems staff must know about.
 */
import type { HomeView, KnownBlock } from '@slack/types';
import { t, type Locale } from '../../i18n/index.js';
import type { MetricsAggregate } from '../../domain/incidents/index.js';
import { formatDuration } from '../../domain/postmortems/index.js';
import { escapeSlackText } from '../text.js';
import { unapprovableText, type IncidentSummary } from './commands.js';
import { SEVERITY_EMOJI, channelLink, channelNameText, context, divider, fit, header, homeView, link, mention, option, percent, section, severityName, slackDate } from './kit.js';
import { actionIds } from './ids.js';
import { LOCALES } from '../../i18n/index.js';

export interface HomeIncident extends IncidentSummary {
  readonly incidentId: string;
}

export interface HomeApproval {
  readonly incidentNumber: number;
  readonly channelId: string;
  readonly channelName: string;
  readonly draftNumber: number;
  readonly revision: number;
  readonly approvals: number;
  readonly required: number;
  /** False when fewer people may approve it than the quorum needs. */
  readonly reachable?: boolean;
  /** Permalink of the draft card. */
  readonly permalink?: string;
}

export interface HomeChannelHealth {
  readonly channelId: string;
  readonly channelName: string;
  readonly messagesToday: number;
  /** Share of today's messages that were negative; null before any message today. */
  readonly negativeShareToday: number | null;
  /** The channel's usual share (detection's baseline); null while it is still learning. */
  readonly usualNegativeShare: number | null;
  /** While detection is still learning the channel's baseline (no alerts yet): when it should be done. */
  readonly learningUntil?: number | null;
}

export interface HomePostMortem {
  readonly incidentNumber: number;
  readonly channelName: string;
  readonly publishedAt: number;
  readonly summary: string;
  readonly permalink?: string;
}

/** An outbox entry that failed for good (Slack refused it): staff must act, Firebreak will not retry. */
export interface HomeDeliveryProblem {
  readonly at: number;
  /** What was being done: "post reply #2 of incident #7", "update root message". */
  readonly what: string;
  /** Slack's error code (channel_not_found, not_in_channel…). */
  readonly error: string;
  readonly incidentNumber?: number | null;
}

export interface AppHomeInput {
  readonly locale: Locale;
  readonly viewerUserId: string;
  readonly now: number;
  readonly openIncidents: readonly HomeIncident[];
  /** Drafts the viewer may approve and has not decided on yet. */
  readonly approvalsWaiting: readonly HomeApproval[];
  readonly channels: readonly HomeChannelHealth[];
  readonly recentPostMortems: readonly HomePostMortem[];
  readonly deliveryProblems: readonly HomeDeliveryProblem[];
  /** Median and p90 of the reputation metrics over the last `days` days. */
  readonly metrics?: { readonly days: number; readonly aggregate: MetricsAggregate };
  /** OAuth installs: the workspace's own settings, and whether the viewer may change them. */
  readonly settings?: HomeSettings;
  /** Alerts channels (IDs) that are watched community channels: incidents are not posted there. */
  readonly watchedAlertsChannels?: readonly string[];
  /** Playbooks giving their alerts channel by a name Slack renamed: incidents still go there (followed by ID). */
  readonly renamedAlertsChannels?: readonly { readonly playbookId: string; readonly name: string; readonly channelId: string; readonly currentName: string; readonly deleted?: boolean }[];
}

export interface HomeSettings {
  readonly alertsChannel: string | null;
  readonly locale: Locale | null;
  readonly timeZone: string | null;
  /** What applies when a setting is unset (ALERTS_CHANNEL, LOCALE, TEAM_TIMEZONE). */
  readonly defaults: { readonly alertsChannel: string | null; readonly locale: Locale; readonly timeZone: string };
  readonly editable: boolean;
  /** A channel just picked as the alerts channel and refused: a watched community channel. */
  readonly refusedAlertsChannel?: string;
}

/** Time zones offered in App Home (a static select holds at most 100): the current one is always added. */
export const HOME_TIME_ZONES = [
  'UTC', 'Europe/London', 'Europe/Lisbon', 'Europe/Madrid', 'Europe/Paris', 'Europe/Berlin', 'Europe/Rome', 'Europe/Amsterdam', 'Europe/Warsaw', 'Europe/Athens', 'Europe/Istanbul', 'Europe/Moscow',
  'Africa/Lagos', 'Africa/Johannesburg', 'Africa/Cairo', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Singapore', 'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Sydney', 'Pacific/Auckland',
  'America/Sao_Paulo', 'America/Argentina/Buenos_Aires', 'America/Santiago', 'America/Bogota', 'America/Lima', 'America/Mexico_City', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles',
] as const;

function settingsBlocks(settings: HomeSettings, locale: Locale): KnownBlock[] {
  const blocks: KnownBlock[] = [section(`*${t(locale, 'ui.home.settings_heading', {})}*`)];
  const defaults = t(locale, 'ui.home.settings_defaults', {
    alerts: settings.defaults.alertsChannel ? `<#${settings.defaults.alertsChannel}>` : '—',
    locale: t(settings.defaults.locale, 'ui.language.self', {}),
    timeZone: settings.defaults.timeZone,
  });
  if (!settings.editable) {
    const current = [settings.alertsChannel ? `<#${settings.alertsChannel}>` : '—', settings.locale ? t(settings.locale, 'ui.language.self', {}) : '—', settings.timeZone ?? '—'].join(' · ');
    blocks.push(section(current), context(defaults, t(locale, 'ui.home.settings_readonly', {})));
    return blocks;
  }
  const placeholder = (text: string) => ({ type: 'plain_text' as const, text });
  const locales = LOCALES.map((code) => option(t(code, 'ui.language.self', {}), code));
  const zones = [...new Set([...(settings.timeZone ? [settings.timeZone] : []), ...HOME_TIME_ZONES])].map((zone) => option(zone, zone));
  blocks.push({
    type: 'actions',
    block_id: 'workspace_settings',
    elements: [
      { type: 'channels_select', action_id: actionIds.settingsAlertsChannel, placeholder: placeholder(t(locale, 'ui.home.settings_alerts_placeholder', {})), ...(settings.alertsChannel ? { initial_channel: settings.alertsChannel } : {}) },
      { type: 'static_select', action_id: actionIds.settingsLocale, placeholder: placeholder(t(locale, 'ui.home.settings_locale_placeholder', {})), options: locales, ...(settings.locale ? { initial_option: locales.find((o) => o.value === settings.locale) } : {}) },
      { type: 'static_select', action_id: actionIds.settingsTimeZone, placeholder: placeholder(t(locale, 'ui.home.settings_tz_placeholder', {})), options: zones, ...(settings.timeZone ? { initial_option: zones.find((o) => o.value === settings.timeZone) } : {}) },
    ],
  } as KnownBlock);
  if (settings.refusedAlertsChannel) blocks.push(context(`:no_entry: ${t(locale, 'ui.alerts.refused_watched', { channel: `<#${settings.refusedAlertsChannel}>` })}`));
  blocks.push(context(defaults));
  return blocks;
}

/** Lines per list: each list is one section, so the view stays far from 100 blocks whatever the data. */
const MAX_LINES = 15;

function list(lines: readonly string[], more: (n: number) => string): string {
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > MAX_LINES) shown.push(more(lines.length - MAX_LINES));
  // Each line is bounded, but fit the whole as well so the section never passes 3000 characters.
  return fit(shown.join('\n'), 3000);
}

export function appHomeView(input: AppHomeInput): HomeView {
  const { locale, now } = input;
  const more = (n: number) => `_${t(locale, 'ui.home.more', { count: n })}_`;
  const blocks: KnownBlock[] = [header(t(locale, 'ui.home.title', {}))];
  // Said first: until it is fixed no incident thread is posted anywhere staff would see it.
  // A playbook may name its alerts channel by name rather than by ID.
  for (const channel of input.watchedAlertsChannels ?? []) blocks.push(section(`:no_entry: ${t(locale, 'ui.home.alerts_channel_watched', { channel: /^[CG][A-Z0-9]{2,}$/.test(channel) ? `<#${channel}>` : `#${channelNameText(channel)}` })}`));

  for (const renamed of input.renamedAlertsChannels ?? []) {
    const text = renamed.deleted
      ? t(locale, 'ui.home.alerts_channel_deleted', { playbook: escapeSlackText(renamed.playbookId), name: escapeSlackText(renamed.name) })
      : t(locale, 'ui.home.alerts_channel_renamed', { playbook: escapeSlackText(renamed.playbookId), name: escapeSlackText(renamed.name), channel: `<#${renamed.channelId}>`, currentName: escapeSlackText(renamed.currentName) });
    blocks.push(section(`:warning: ${fit(text, 2900)}`));
  }

  if (input.deliveryProblems.length > 0) {
    const lines = input.deliveryProblems.map(
      (p) => `• ${slackDate(p.at)} — ${fit(escapeSlackText(p.what), 200)}: \`${fit(escapeSlackText(p.error.replace(/`/g, '')), 100)}\``,
    );
    blocks.push(section(`:warning: *${t(locale, 'ui.home.delivery_heading', { count: input.deliveryProblems.length })}*\n${list(lines, more)}`));
    blocks.push(context(t(locale, 'ui.home.delivery_hint', {})));
    blocks.push(divider());
  }

  blocks.push(section(`*${t(locale, 'ui.home.approvals_heading', { count: input.approvalsWaiting.length })}*`));
  if (input.approvalsWaiting.length === 0) blocks.push(context(t(locale, 'ui.home.approvals_none', {})));
  else {
    const lines = input.approvalsWaiting.map((a) => {
      const label = t(locale, 'ui.home.approval_line', {
        draftNumber: a.draftNumber,
        revision: a.revision,
        incidentNumber: a.incidentNumber,
        approvals: a.approvals,
        required: a.required,
      });
      const stuck = a.reachable === false ? ` · ${t(locale, 'ui.home.approval_unreachable', {})}` : '';
      return `• ${link(a.permalink, label) || label} · ${channelLink(a.channelId, a.channelName)}${stuck}`;
    });
    blocks.push(section(list(lines, more)));
  }
  blocks.push(divider());

  blocks.push(section(`*${t(locale, 'ui.home.incidents_heading', { count: input.openIncidents.length })}*`));
  if (input.openIncidents.length === 0) blocks.push(context(t(locale, 'ui.home.incidents_none', {})));
  else {
    const sorted = [...input.openIncidents].sort((a, b) => a.severity.localeCompare(b.severity) || a.openedAt - b.openedAt);
    const lines = sorted.map((incident) => {
      const label = t(locale, 'ui.home.incident_label', { number: incident.number, severity: severityName(incident.severity), drill: incident.drill });
      const lead = incident.leadUserId ? mention(incident.leadUserId) : `*${t(locale, 'ui.root.no_lead', {})}*`;
      return `${SEVERITY_EMOJI[incident.severity]} ${link(incident.permalink, label) || label} · ${channelLink(incident.channelId, incident.channelName)} · ${t(
        locale,
        'ui.home.lead',
        { lead },
      )} · ${t(locale, 'ui.home.age', { age: formatDuration(Math.max(0, now - incident.openedAt)) })}${unapprovableText(incident.unapprovableDrafts ?? [], locale)}`;
    });
    blocks.push(section(list(lines, more)));
  }
  blocks.push(divider());

  blocks.push(section(`*${t(locale, 'ui.home.health_heading', {})}*`));
  if (input.channels.length === 0) blocks.push(context(t(locale, 'ui.home.health_none', {})));
  else blocks.push(section(list(input.channels.map((c) => healthLine(c, locale)), more)));
  blocks.push(divider());

  if (input.metrics) {
    blocks.push(section(`*${t(locale, 'ui.home.metrics_heading', { days: input.metrics.days, count: input.metrics.aggregate.incidents })}*`));
    const lines = metricsLines(input.metrics.aggregate, locale);
    blocks.push(lines.length === 0 ? context(t(locale, 'ui.home.metrics_none', {})) : section(lines.join('\n')));
    blocks.push(divider());
  }

  blocks.push(section(`*${t(locale, 'ui.home.postmortems_heading', {})}*`));
  if (input.recentPostMortems.length === 0) blocks.push(context(t(locale, 'ui.home.postmortems_none', {})));
  else {
    const lines = input.recentPostMortems.map((pm) => {
      const label = t(locale, 'export.title', { number: pm.incidentNumber });
      const summary = fit(escapeSlackText(pm.summary.replace(/\s+/g, ' ')), 160);
      return `• ${link(pm.permalink, label) || label} · #${fit(escapeSlackText(pm.channelName.replace(/^#/, '')), 80)} · ${slackDate(pm.publishedAt, '{date_short}')}\n   _${summary}_`;
    });
    blocks.push(section(list(lines, more)));
  }
  if (input.settings) blocks.push(divider(), ...settingsBlocks(input.settings, locale));
  blocks.push(context(t(locale, 'ui.home.viewer', { user: mention(input.viewerUserId) })));
  return homeView(blocks);
}

const AGGREGATE_ROWS = [
  ['timeToDetectMs', 'export.metric.time_to_detect', 'duration'],
  ['timeToAcknowledgeMs', 'export.metric.time_to_acknowledge', 'duration'],
  ['timeToFirstReplyMs', 'export.metric.time_to_first_reply', 'duration'],
  ['timeToResolveMs', 'export.metric.time_to_resolve', 'duration'],
  ['timeToRecoveryMs', 'export.metric.time_to_recovery', 'duration'],
  ['peakNegativeRatio', 'export.metric.peak_negative_ratio', 'ratio'],
  ['membersAffected', 'export.metric.members_affected', 'count'],
] as const;

/** One line per metric some incident reached: "Time to acknowledge: median 6 min, p90 14 min (9)". */
function metricsLines(aggregate: MetricsAggregate, locale: Locale): string[] {
  const format = (value: number | null, kind: 'duration' | 'ratio' | 'count') =>
    value === null ? '—' : kind === 'duration' ? formatDuration(value) : kind === 'ratio' ? percent(value, locale) : String(Math.round(value));
  return AGGREGATE_ROWS.filter(([key]) => aggregate[key].count > 0).map(([key, label, kind]) =>
    `• ${t(locale, 'ui.home.metrics_line', { label: t(locale, label, {}), median: format(aggregate[key].median, kind), p90: format(aggregate[key].p90, kind), count: aggregate[key].count })}`,
  );
}

/** Today's negative share against the usual one: red at twice the usual or more, yellow at 1.5×. */
function healthLine(c: HomeChannelHealth, locale: Locale): string {
  const channel = c.learningUntil != null ? `${channelLink(c.channelId, c.channelName)} · ${t(locale, 'ui.home.health_learning', { until: slackDate(c.learningUntil) })}` : channelLink(c.channelId, c.channelName);
  if (c.negativeShareToday === null) return `:white_circle: ${channel} · ${t(locale, 'ui.home.health_quiet', {})}`;
  const usual = c.usualNegativeShare;
  const ratio = usual !== null && usual > 0 ? c.negativeShareToday / usual : null;
  const icon = ratio === null ? ':white_circle:' : ratio >= 2 ? ':red_circle:' : ratio >= 1.5 ? ':large_yellow_circle:' : ':large_green_circle:';
  return `${icon} ${channel} · ${t(locale, 'ui.home.health_line', {
    share: percent(c.negativeShareToday, locale),
    usual: usual !== null ? percent(usual, locale) : '',
    messages: c.messagesToday,
  })}`;
}

/** App Home for someone who does not operate Firebreak here: what it is, and nothing of its incidents or channels. */
/**
 * What App Home shows someone it shows nothing internal to: what Firebreak is (not of the community team),
 * or, when Slack did not confirm who they are, to reopen it in a moment (an admin is not told they may not).
 */
export function appHomeNoticeView(locale: Locale, reason: 'not_staff' | 'slack_unavailable' | 'groups_unavailable' = 'not_staff'): HomeView {
  return homeView([header(t(locale, 'ui.home.title', {})), section(t(locale, reason === 'not_staff' ? 'ui.home.not_operator' : 'ui.home.unconfirmed', {}))]);
}
