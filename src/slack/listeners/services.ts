// What the Slack listeners call: use cases and read models. Listeners translate; they hold no rules.
import type { WebClient } from '@slack/web-api';
import type { IncidentService } from '../../app/incidents.js';
import type { Watcher } from '../../app/watcher.js';
import type { Clock } from '../../domain/clock.js';
import { t, type Locale } from '../../i18n/index.js';
import type { Refusal } from '../../domain/incidents/index.js';
import type { Playbook } from '../../domain/playbooks/index.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { refusalMessage } from '../blocks/commands.js';
import { toldToPerson } from '../listener-guard.js';

/**
 * Why someone may not operate Firebreak: not of its community team, or Slack could not confirm that they
 * are (`slack_unavailable`: users.info did not answer; `groups_unavailable`: it did, but the user groups
 * the playbooks name were not listed).
 */
export type OperatorRefusal = 'not_staff' | 'slack_unavailable' | 'groups_unavailable';

/** The one-line answer to a refused operator, in full (an ephemeral message) or short (a modal field error). */
export function operatorRefusalText(locale: Locale, refusal: OperatorRefusal, form: 'full' | 'short' = 'full'): string {
  if (refusal !== 'not_staff') return t(locale, form === 'full' ? 'ui.operator.unconfirmed' : 'ui.operator.unconfirmed_short', {});
  return t(locale, form === 'full' ? 'ui.operator.refused' : 'ui.operator.refused_short', {});
}

/**
 * The language of an answer one person reads: theirs (runtime/person-language.ts), or the workspace's
 * when Slack just failed to say who they are (it is not asked again). With `groups_unavailable` Slack
 * did say who they are (that answer is kept briefly), so their language is at hand.
 */
export function answerLocale(
  services: Pick<SlackServices, 'localeFor' | 'localeOfPerson'>,
  person: { teamId: string | undefined; userId: string; client: WebClient },
  refusal: OperatorRefusal | null,
): Promise<Locale> {
  return refusal === 'slack_unavailable' ? services.localeFor(person.teamId) : services.localeOfPerson(person.teamId, person.userId, person.client);
}

/**
 * The language of what only the person who acted reads (a modal they opened, its field errors, a
 * refusal): theirs (localeOfPerson), not the incident's, which would mix two languages in one answer.
 */
export function personLocale(services: Pick<SlackServices, 'localeOfPerson'>, body: { team?: { id?: string } | null; user: { id: string } }, client: WebClient): Promise<Locale> {
  return services.localeOfPerson(body.team?.id ?? undefined, body.user.id, client);
}

/** The refusal as the refused person reads it, in `answerLocale`. */
export async function operatorRefusalFor(
  services: Pick<SlackServices, 'localeFor' | 'localeOfPerson'>,
  person: { teamId: string | undefined; userId: string; client: WebClient },
  refusal: OperatorRefusal,
  form: 'full' | 'short' = 'full',
): Promise<string> {
  return operatorRefusalText(await answerLocale(services, person, refusal), refusal, form);
}

/**
 * What became of a settings change: stored, or refused and why (`slack_unavailable`: Slack did not say in
 * time whether the person may change settings, so nothing changed).
 */
export type SettingsChangeOutcome = 'accepted' | 'refused:not_admin' | 'refused:slack_unavailable' | 'refused:watched_community_channel' | `refused:${AlertsChannelUnusable}`;
/** What Slack said of a chosen alerts channel before the change: nothing could be posted there. */
export type AlertsChannelUnusable = 'not_visible' | 'archived';

export interface SlackServices {
  clock: Clock;
  logger: Logger;
  /** LOCALE: the language of answers not about one incident, unless the workspace chose one (below). */
  locale: Locale;
  /**
   * The language of answers to a workspace's people (slash commands, ephemeral notices): its own
   * setting with OAuth installs, else LOCALE. Without `teamId`, the team in scope (team-scope.ts).
   */
  localeFor(teamId?: string): Promise<Locale>;
  /**
   * The language of an answer only this person reads (slash command replies, ephemeral answers): the
   * workspace's own choice (OAuth installs), else the language they use Slack in when Firebreak speaks
   * it, else LOCALE.
   */
  localeOfPerson(teamId: string | undefined, userId: string, client: WebClient): Promise<Locale>;
  incidents: IncidentService;
  watcher: Watcher;
  playbook(id: string): Playbook | undefined;
  playbooks(): readonly Playbook[];
  /** The workspace row for a Slack team (created on first sight). */
  workspaceId(teamId: string): Promise<string>;
  /** Values for reply templates that come from configuration (brand, support contact, status page). */
  templateDefaults: Record<string, string>;
  channelName(channelId: string): Promise<string | null>;
  /** The language a workspace's channel's members mostly write in, when it is clear. */
  communityLanguage?(workspaceId: string, channelId: string): Promise<Locale | undefined>;
  /**
   * Whether a user operates Firebreak in a workspace (runtime.ts says who): every command but help,
   * and App Home's incidents and channels, are theirs alone.
   */
  mayOperate(teamId: string | undefined, userId: string, client: WebClient): Promise<boolean>;
  /**
   * Why the user may not operate Firebreak here (the attempt audited as `refused:<reason>` and counted),
   * or null when they may. `action` is `<kind>:<name>` (`command:/firebreak status`, `action:false_alarm`).
   */
  refuseNonOperator(teamId: string | undefined, userId: string, action: string, client: WebClient): Promise<OperatorRefusal | null>;
  /** user_change: what Slack said of this person's role is asked again. */
  userChanged?(teamId: string, userId: string): void;
  /** user_change with `deleted`: their approvals of unposted replies stop counting, incidents they led ask for a new lead. */
  userDeactivated?(teamId: string, userId: string): Promise<void>;
  /** user_change without `deleted`: someone incidents were told was deactivated counts as an approver again. */
  userActive?(teamId: string, userId: string): Promise<void>;
  /**
   * subteam_updated, subteam_members_changed: who is in the team's user groups is asked again, and open
   * incidents' alerts and cards redrawn where approvers come from groups (whether a reply can be approved).
   */
  userGroupChanged?(teamId: string): void | Promise<void>;
  /** Home tab for a user (App Home); `refusedAlertsChannel` shows why that pick of alerts channel was refused. */
  publishHome?(client: WebClient, userId: string, refusedAlertsChannel?: string): Promise<void>;
  onUnknownAction?(actionId: string): void;
  /**
   * `/firebreak alerts #channel` and App Home's settings: the workspace's alerts channel, language and
   * time zone (stored on the workspace, audited). Refused when the user may not change them (only
   * workspace admins and the installer may), and for an alerts channel the community reads (a
   * watched channel: incident threads are internal).
   */
  /**
   * `unusable`: Slack said the chosen alerts channel cannot take posts; refused as that (after the
   * admin check) and audited with the other settings refusals.
   */
  updateWorkspaceSettings?(teamId: string, userId: string, change: { alertsChannel?: string; locale?: Locale; timeZone?: string }, client: WebClient, unusable?: AlertsChannelUnusable): Promise<SettingsChangeOutcome>;
  /** Whether a channel is where this workspace's incidents go (its alerts channel, ALERTS_CHANNEL, a playbook's). */
  isAlertsChannel?(teamId: string, channelId: string): Promise<boolean>;
  /**
   * Whether a channel is a staff-only alerts channel in use: an alerts channel that is not also a watched
   * community channel (one that is, by mistake, is still a community channel where incidents happen).
   */
  isStaffAlertsChannel?(teamId: string, channelId: string): Promise<boolean>;
  /** Slack channels changing under Firebreak (app/channel-lifecycle.ts), for a team's events. */
  channelLifecycle?: {
    renamed(teamId: string, event: unknown): Promise<unknown>;
    usableAgain(teamId: string, event: unknown): Promise<unknown>;
    created(teamId: string, event: unknown): Promise<unknown>;
    deleted(teamId: string, event: unknown): Promise<unknown>;
  };
  metrics?: Metrics;
}

/**
 * One submission of one modal: Slack's view id (the same for every delivery of that modal, whatever
 * its private_metadata says) in its team. A modal sent twice (a double click, a resent request)
 * creates one draft, adds one note, one timeline entry.
 */
export function submissionKey(body: { team?: { id?: string } | null; view: { id: string; team_id: string } }): string {
  return `view_submission:${body.team?.id ?? body.view.team_id}:${body.view.id}`;
}

/** A refusal goes only to the person who clicked, as an ephemeral message where they clicked. */
export async function tellRefusal(
  client: WebClient,
  where: { channel?: string; user: string; threadTs?: string },
  refusal: Refusal,
  locale: Locale,
): Promise<void> {
  await tellPerson(client, where, refusalMessage(refusal, locale));
}

/**
 * Opens the form a click or a shortcut asked for. The click was acknowledged first (views.open must come
 * within 3 s of it), so a form Slack would not open (a 500, a 429, an expired trigger, internal_error) is
 * said to the person who clicked, in their language: they would otherwise see nothing happen. Rethrown,
 * to be logged.
 */
export async function openModal(
  services: Pick<SlackServices, 'localeOfPerson' | 'locale' | 'logger'>,
  body: { trigger_id: string; team?: { id?: string } | null; user: { id: string }; channel?: { id?: string } | null; message?: { ts?: string; thread_ts?: string } | null },
  client: WebClient,
  view: unknown,
): Promise<void> {
  try {
    await client.views.open({ trigger_id: body.trigger_id, view: view as never });
  } catch (error) {
    const locale = await personLocale(services, body, client).catch(() => services.locale);
    const threadTs = body.message?.thread_ts ?? body.message?.ts;
    try {
      await tellPerson(client, { ...(body.channel?.id ? { channel: body.channel.id } : {}), user: body.user.id, ...(threadTs ? { threadTs } : {}) }, { text: t(locale, 'ui.modal.not_opened', {}) });
    } catch (tellError) {
      services.logger.warn({ err: tellError }, 'could not tell the person that Slack did not open their form');
      throw error;
    }
    // Told: the listener guard adds no second explanation.
    throw toldToPerson(error);
  }
}

/**
 * Slack's answers to an ephemeral message the person cannot be shown there: someone may click in a public
 * channel they have not joined (Slack shows ephemerals to members only), or the channel went meanwhile.
 */
const NOT_SHOWN_THERE: ReadonlySet<string> = new Set(['user_not_in_channel', 'channel_not_found', 'is_archived', 'not_in_channel']);

/**
 * A message only the person who clicked sees: ephemeral where they clicked, else (no channel, or one
 * Slack will not show it in) a direct message, so nobody is left seeing nothing happen.
 */
export async function tellPerson(client: WebClient, where: { channel?: string | undefined; user: string; threadTs?: string | undefined }, message: { text: string; blocks?: unknown[] }): Promise<void> {
  const blocks = message.blocks ? { blocks: message.blocks as never } : {};
  if (where.channel) {
    try {
      await client.chat.postEphemeral({ channel: where.channel, user: where.user, text: message.text, ...blocks, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) });
      return;
    } catch (error) {
      if (!NOT_SHOWN_THERE.has(String((error as { data?: { error?: unknown } }).data?.error))) throw error;
    }
  }
  const opened = await client.conversations.open({ users: where.user });
  if (opened.channel?.id) await client.chat.postMessage({ channel: opened.channel.id, text: message.text, ...blocks });
}
