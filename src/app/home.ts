// App Home as a read model: what needs the viewer now (open incidents, replies waiting for their
// approval), how the watched channels feel today, recent post-mortems and delivery problems. Open
// incidents are read together (one read-model query), not one by one.
import type { Clock } from '../domain/clock.js';
import type { DetectorSettings } from '../domain/detection/settings.js';
import { learningStatus } from '../domain/detection/detector.js';
import { approverUserIds } from '../domain/approvals/policy.js';
import { awaitsApproval, quorumProgress, type IncidentPolicy, type IncidentState, type MetricsAggregate, type Severity } from '../domain/incidents/index.js';
import { t, type Locale } from '../i18n/index.js';
import type { PublishedPostMortem, QuarantinedMessage, Store } from './ports/index.js';
import { UNFINISHED_REASON, UNFINISHED_TOLD_REASON } from './ports/unfinished.js';
import { DIGEST_DROPPED, MOVED_TO_ANOTHER_ALERTS_CHANNEL, REDRAWN_AFTER_REINSTALL, WAITING_FOR_CHANNEL } from './ports/outbox.js';
import { outboxKeys } from './incidents.js';
import { postMortemOutboxKeys } from './postmortems.js';

/** Closed on purpose, not refused: said where it happened (a late line, a dropped-digest note), nothing to fix. */
const CLOSED_ON_PURPOSE: ReadonlySet<string> = new Set([MOVED_TO_ANOTHER_ALERTS_CHANNEL, DIGEST_DROPPED, REDRAWN_AFTER_REINSTALL]);

/** An incident as App Home lists it (the slash commands' overview adds progress to it). */
export interface HomeIncidentLine {
  incidentId: string;
  number: number;
  severity: Severity;
  status: IncidentState['incident']['status'];
  channelId: string;
  channelName: string;
  leadUserId: string | null;
  openedAt: number;
  drill: boolean;
  /** Link to its alert, when Slack gave one. */
  permalink?: string;
  /** Numbers of its replies waiting for approval that fewer people may approve than the quorum needs. */
  unapprovableDrafts?: number[];
}

export interface HomeApprovalLine {
  incidentNumber: number;
  channelId: string;
  channelName: string;
  draftNumber: number;
  revision: number;
  approvals: number;
  required: number;
  /** False when fewer people may approve it than the quorum needs (said on the line). */
  reachable: boolean;
  /** Link to the draft's card in the incident thread, when Slack gave one. */
  permalink?: string;
}

export interface HomeChannelLine {
  channelId: string;
  channelName: string;
  messagesToday: number;
  negativeShareToday: number | null;
  usualNegativeShare: number | null;
  learningUntil: number | null;
}

/** Everything App Home shows one viewer (what the Block Kit view draws). */
export interface HomeModel {
  locale: Locale;
  viewerUserId: string;
  now: number;
  openIncidents: HomeIncidentLine[];
  approvalsWaiting: HomeApprovalLine[];
  channels: HomeChannelLine[];
  metrics: { days: number; aggregate: MetricsAggregate };
  recentPostMortems: { incidentNumber: number; channelName: string; publishedAt: number; summary: string; permalink?: string }[];
  deliveryProblems: { at: number; what: string; error: string }[];
}

export interface AppHomeOptions {
  store: Store;
  clock: Clock;
  locale: Locale;
  policyFor(playbookId: string): Promise<{ policy: IncidentPolicy }>;
  channelName(channelId: string): Promise<string | null>;
  settingsFor(channelId: string, channelName: string | null): DetectorSettings;
  recentPostMortems(limit: number, workspaceId?: string): Promise<PublishedPostMortem[]>;
  /** The reputation metrics over the last `HOME_METRICS_DAYS` days (cached by the caller), of one workspace when given. */
  metrics(workspaceId?: string): Promise<MetricsAggregate>;
}

/** A link to a posted message, asked of the viewer's workspace (chat.getPermalink); null when Slack gave none. */
export type PermalinkOf = (channelId: string, ts: string) => Promise<string | null>;

export const HOME_METRICS_DAYS = 30;
const OPEN_INCIDENTS = 30;
const CHANNELS = 20;
const DELIVERY_PROBLEMS = 10;
const DAY_MS = 86_400_000;

export class AppHome {
  constructor(private readonly options: AppHomeOptions) {}

  /**
   * What `viewerUserId` sees. With `workspaceId` (OAuth installs: several workspaces share one
   * Firebreak) only that workspace's incidents, channels, post-mortems, metrics and problems.
   */
  async modelFor(viewerUserId: string, workspaceId?: string, language?: Locale, permalinkOf?: PermalinkOf): Promise<HomeModel> {
    const { clock } = this.options;
    // The workspace's language (OAuth installs: its App Home choice), else LOCALE.
    const locale = language ?? this.options.locale;
    const linkTo = linker(permalinkOf);
    const { openIncidents, approvalsWaiting } = await this.incidentsFor(viewerUserId, workspaceId, linkTo);
    return {
      locale,
      viewerUserId,
      now: clock.now(),
      openIncidents,
      approvalsWaiting,
      channels: await this.channelsToday(workspaceId),
      metrics: { days: HOME_METRICS_DAYS, aggregate: await this.options.metrics(workspaceId) },
      recentPostMortems: await this.recentPostMortems(workspaceId, linkTo),
      deliveryProblems: await this.deliveryProblems(workspaceId, locale),
    };
  }

  private async recentPostMortems(workspaceId: string | undefined, linkTo: LinkTo): Promise<HomeModel['recentPostMortems']> {
    const recent = await this.options.recentPostMortems(5, workspaceId);
    const posted = await this.options.store.direct.outbox.postedMessages(recent.map((published) => postMortemOutboxKeys.published(published.incidentId)));
    return Promise.all(
      recent.map(async (published) => ({
        incidentNumber: published.incidentNumber,
        channelName: (await this.options.channelName(published.channelId)) ?? published.channelId,
        publishedAt: published.publishedAt,
        summary: published.summary,
        ...(await linkTo(posted.get(postMortemOutboxKeys.published(published.incidentId)))),
      })),
    );
  }

  /** Open incidents, and the drafts among them the viewer may approve and has not decided on. */
  private async incidentsFor(viewerUserId: string, workspaceId: string | undefined, linkTo: LinkTo): Promise<{ openIncidents: HomeIncidentLine[]; approvalsWaiting: HomeApprovalLine[] }> {
    const openIncidents: HomeIncidentLine[] = [];
    const approvalsWaiting: HomeApprovalLine[] = [];
    const records = await this.options.store.direct.incidents.list({ onlyOpen: true, limit: OPEN_INCIDENTS, ...(workspaceId ? { workspaceId } : {}) });
    const cards = await this.options.store.direct.outbox.postedMessages(records.flatMap(({ state }) => state.drafts.filter((draft) => draft.status === 'pending').map((draft) => outboxKeys.draftCard(draft.id))));
    for (const { state, alertChannelId, rootTs } of records) {
      const { incident } = state;
      const channelName = (await this.options.channelName(incident.channelId)) ?? incident.channelId;
      const { policy } = await this.options.policyFor(incident.playbookId);
      // Asked with the approvers as Slack says now (deactivated accounts left out), as the cards are drawn.
      const unapprovableDrafts = state.drafts
        .filter((draft) => awaitsApproval(draft) && !quorumProgress(state, draft, policy.approvals).reachable)
        .map((draft) => draft.number);
      openIncidents.push({
        incidentId: incident.id,
        number: incident.number,
        severity: incident.severity,
        status: incident.status,
        channelId: incident.channelId,
        channelName,
        leadUserId: incident.leadUserId,
        openedAt: incident.openedAt,
        drill: incident.drill,
        ...(unapprovableDrafts.length > 0 ? { unapprovableDrafts } : {}),
        ...(await linkTo(rootTs ? { channel: alertChannelId, ts: rootTs } : null)),
      });
      if (!approverUserIds(policy.approvals).includes(viewerUserId)) continue;
      for (const draft of state.drafts.filter((candidate) => candidate.status === 'pending')) {
        const decided = state.approvals.some((approval) => approval.draftId === draft.id && approval.draftRevision === draft.revision && approval.approverUserId === viewerUserId);
        if (decided || draft.contributorUserIds.includes(viewerUserId)) continue;
        const progress = quorumProgress(state, draft, policy.approvals);
        approvalsWaiting.push({
          incidentNumber: incident.number,
          channelId: incident.channelId,
          channelName,
          draftNumber: draft.number,
          revision: draft.revision,
          approvals: progress.approvedBy.length,
          required: progress.required,
          reachable: progress.reachable,
          ...(await linkTo(cards.get(outboxKeys.draftCard(draft.id)))),
        });
      }
    }
    return { openIncidents, approvalsWaiting };
  }

  /** Each watched channel's messages and negative share since midnight (UTC), beside its usual share. */
  private async channelsToday(workspaceId: string | undefined): Promise<HomeChannelLine[]> {
    const { store, clock } = this.options;
    const dayStart = clock.now() - (clock.now() % DAY_MS);
    const channels: HomeChannelLine[] = [];
    const active = workspaceId ? (await store.direct.channels.active()).filter((channel) => channel.workspaceId === workspaceId).slice(0, CHANNELS) : await store.direct.channels.active(CHANNELS);
    for (const channel of active) {
      const buckets = await store.direct.buckets.countsSince(channel.ref, dayStart);
      const messages = buckets.reduce((sum, bucket) => sum + bucket.messages, 0);
      const negatives = buckets.reduce((sum, bucket) => sum + bucket.negatives, 0);
      const detector = channel.detectorState;
      channels.push({
        channelId: channel.channelId,
        channelName: channel.name ?? channel.channelId,
        messagesToday: messages,
        negativeShareToday: messages ? negatives / messages : null,
        usualNegativeShare: detector && detector.bucketsSeen > 0 ? detector.negativeShare : null,
        learningUntil: learningStatus(detector, this.options.settingsFor(channel.channelId, channel.name), clock.now()).until,
      });
    }
    return channels;
  }

  /** Writes Slack refused for good and messages that could not be stored, newest first. */
  private async deliveryProblems(workspaceId: string | undefined, locale: Locale): Promise<HomeModel['deliveryProblems']> {
    const { store } = this.options;
    const failed = (await store.direct.failedWrites.recent(DELIVERY_PROBLEMS * 5, workspaceId)).filter((item) => !CLOSED_ON_PURPOSE.has(item.lastError ?? '')).slice(0, DELIVERY_PROBLEMS);
    const quarantined = (await store.direct.quarantine.recent(workspaceId ? DELIVERY_PROBLEMS * 5 : DELIVERY_PROBLEMS)).filter((item) => !workspaceId || item.workspaceId === workspaceId).slice(0, DELIVERY_PROBLEMS);
    return [
      ...failed.map((item) => {
        const what = `${item.method} (${item.key})`;
        // Not refused for good: it is posted once its channel can be used again (app/channel-lifecycle.ts).
        // Not found: deleted (it never comes back: another alerts channel is the fix) or private without the bot.
        const key = item.lastError === `${WAITING_FOR_CHANNEL}channel_not_found` ? 'ui.home.waiting_for_missing_channel' : 'ui.home.waiting_for_channel';
        const waiting = item.lastError?.startsWith(WAITING_FOR_CHANNEL) ? t(locale, key, { what, channel: item.channelId ?? '?' }) : null;
        return { at: item.createdAt, what: waiting ?? what, error: item.lastError ?? 'failed' };
      }),
      ...quarantined.map((item) => ({ at: item.at, what: quarantinedWhat(item, locale), error: `${item.reason}: ${item.error}` })),
    ].sort((a, b) => b.at - a.at);
  }
}

type LinkTo = (message: { channel: string; ts: string } | null | undefined) => Promise<{ permalink?: string }>;

/**
 * Links to what a line names (the alert, the draft's card, the published post-mortem), so the viewer
 * goes there in one click. A link Slack does not give (message gone, Slack unavailable) leaves the
 * line as plain text: App Home is still drawn.
 */
function linker(permalinkOf: PermalinkOf | undefined): LinkTo {
  return async (message) => {
    if (!message || !permalinkOf) return {};
    const permalink = await permalinkOf(message.channel, message.ts).catch(() => null);
    return permalink ? { permalink } : {};
  };
}

/** A quarantined message, or a request acknowledged but never finished (app/unfinished-requests.ts): who did what. */
function quarantinedWhat(item: QuarantinedMessage, locale: Locale): string {
  if (item.reason !== UNFINISHED_REASON && item.reason !== UNFINISHED_TOLD_REASON) return t(locale, 'ui.home.quarantined', { channel: item.channelId ?? '?' });
  let kept: { userId?: unknown; kind?: unknown; action?: unknown } = {};
  try {
    kept = JSON.parse(item.payload) as typeof kept;
  } catch {
    // Told with what the columns say.
  }
  // Its line is escaped (no mention): the Slack user id, as the error column names ids.
  const user = typeof kept.userId === 'string' ? kept.userId : '?';
  const action = `${typeof kept.kind === 'string' ? kept.kind : '?'} ${typeof kept.action === 'string' ? kept.action : '?'}`;
  return t(locale, 'ui.home.unfinished', { user, action, told: item.reason === UNFINISHED_TOLD_REASON });
}
