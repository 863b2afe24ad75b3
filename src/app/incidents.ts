// Incident use cases: open (from a spike or a declaration), run a staff decision, and carry out its
// effects. Every state change, its timeline entries, its audit entry and the Slack writes and
// reminders it causes commit in one transaction (the outbox sends them afterwards).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { isLocale, t, type Locale } from '../i18n/index.js';
import {
  markReplyPosted,
  markReplyNotPosted,
  openIncident,
  overviewOf,
  AWAITING_APPROVAL,
  awaitsApproval,
  closeRepliesLeftWaiting,
  draftsAwaitingApproval,
  personDeactivated,
  personReactivated,
  takeOverUserIds,
  raiseHeldAlert,
  recordAlertPosted,
  recordReminderSent,
  recordDetectionEscalated,
  addedMessageChanged,
  addsMessageWithWords,
  detectionChanged,
  messageChanged,
  quotesSample,
  type MemberChange,
  type DetectionEscalated,
  type Decision,
  type Effect,
  type IncidentPolicy,
  type IncidentState,
  type IncidentStatus,
  type JsonValue,
  type Refusal,
  type ReminderReason,
  type Severity,
  type TimelineEvent,
} from '../domain/incidents/index.js';
import { classifySeverity, type Playbook, type SelectionContext } from '../domain/playbooks/index.js';
import { CHANNEL_ID } from '../domain/playbooks/ref-syntax.js';
import { createPostMortem, type PostMortem, type PostMortemEffect, type PostMortemTemplate } from '../domain/postmortems/index.js';
import { FirebreakError } from '../errors.js';
import type { Logger } from '../logger.js';
import { deactivatedAmong, type Directory, type GroupLookUp } from './directory.js';
import type { HomeIncidentLine } from './home.js';
import { checklistFor, incidentPolicyFor, namesApproverGroups, postMortemTemplateFor } from './playbook-policy.js';
import type {
  AuditLog,
  IncidentRecord,
  IncidentRepository,
  IncidentView,
  IncidentViews,
  OutboxFailure,
  OutboxWriter,
  QueuedSlackWrite,
  PostMortemRepository,
  Reminders,
  SentOutboxItem,
  SlackWrite,
  Store,
} from './ports/index.js';
import { HOLD_PREFIX, replyHoldReason, tellHeldReply, type HoldReason, type ReplyRecord } from './reply-guard.js';
import { MOVED_TO_ANOTHER_ALERTS_CHANNEL, REDRAWN_AFTER_REINSTALL, WAITING_FOR_CHANNEL, WORKSPACE_UNINSTALLED } from './ports/outbox.js';
import type { AlertsChannelRefusal } from './alerts-channel.js';
import type { ProcessedEvents } from './ports/store.js';

/** The outbox's answer for an incident root whose alerts channel is a watched community channel. */
export const ROOT_HOLD_WATCHED = 'alerts_channel_watched';

/** How the outbox records a write it held for that reason. */
const ROOT_HELD_ERROR = `held:${ROOT_HOLD_WATCHED}`;
/** Why an incident's root is raised in another alerts channel after Slack would not take it in its own. */
export const ROOT_WAIT_UNUSABLE = 'alerts_channel_unusable';
/** How its writes left waiting in the old channel are closed: never posted there. */
const MOVED_ELSEWHERE = MOVED_TO_ANOTHER_ALERTS_CHANNEL;
/** Open incidents looked at for held roots: far more than are ever open at once. */
const HELD_SCAN_LIMIT = 500;
/** How much earlier than a message's ts its incident may say it was detected (clock skew between Slack and here). */
const SAMPLE_CLOCK_MARGIN_MS = 60 * 60_000;
/** Resolved incidents read per page when closing replies an older version left waiting. */
const CLOSE_LEFT_WAITING_PAGE = 100;

export const INCIDENT_REMINDER_KIND = 'incident.reminder';
export const outboxRecords = { root: 'incident_root', replyPosted: 'reply_posted', draftCard: 'draft_card' } as const;

export const outboxKeys = {
  root: (incidentId: string) => `incident:${incidentId}:root`,
  draftCard: (draftId: string) => `draft:${draftId}:card`,
  checklist: (incidentId: string) => `incident:${incidentId}:checklist`,
  /**
   * The thread line saying staff added member message `messageTs` of `channelId` (at most once per
   * incident): named by the message, so the line can be edited when its author deletes it. Ends with the
   * event's kind like every timeline line.
   */
  addedMessageLine: (incidentId: string, channelId: string, messageTs: string) => `incident:${incidentId}:message:${channelId}:${messageTs}:event:message_added`,
};

/**
 * How long an incident transaction may run. Prisma's default (5 s) is too short on a loaded machine:
 * an opening writes a dozen rows one round trip at a time, and a transaction cut short loses its spike.
 */
export const INCIDENT_TRANSACTION_TIMEOUT_MS = 15_000;

/** What the incident use cases touch: any Store serves them, a test's in-memory fake implements only this. */
export interface IncidentRepositories {
  readonly incidents: IncidentRepository;
  readonly outbox: OutboxWriter;
  readonly audit: AuditLog;
  readonly reminders: Reminders;
  readonly postMortems: Pick<PostMortemRepository, 'load' | 'insert'>;
  /** Needed only by decisions taken `once` per submission (`decide`'s `once`). */
  readonly processedEvents?: ProcessedEvents;
}

export interface IncidentServiceOptions<R extends IncidentRepositories = IncidentRepositories> {
  store: Store<R>;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  views: IncidentViews;
  playbook(id: string): Playbook | undefined;
  /** The playbook for a conversation in a workspace (the edge adds the workspace's Slack team to the context). */
  selectPlaybook(context: SelectionContext, workspaceId: string): Playbook | Promise<Playbook>;
  /** ALERTS_CHANNEL: where incidents go unless their playbook or their workspace names another channel. */
  alertsChannel?: string;
  /** A workspace's own alerts channel and language (OAuth installs: chosen after install); null falls back. */
  workspaceSettings?(workspaceId: string): Promise<{ alertsChannel: string | null; locale: string | null }>;
  /**
   * The Slack ID a playbook's alerts channel given by name means in the workspace (app/named-channels.ts):
   * resolved once, so a rename in Slack does not strand incidents; null when unknown (the name is used).
   */
  resolveChannel?(workspaceId: string, ref: string): Promise<string | null>;
  /** The trust rule on alerts channels (app/alerts-channel.ts): why a channel may not receive incident threads. */
  alertsChannelRefusal?(channelId: string, workspaceId?: string): Promise<AlertsChannelRefusal | null>;
  locale: Locale;
  /** Called after a transaction that wrote Slack writes or reminders (wakes the workers). */
  onCommitted?: () => void;
  channelName?(channelId: string): Promise<string | null>;
  /** Carries out a new post-mortem's own effects (invite the owner, schedule its due date) in `tx`. */
  onPostMortemCreated?(tx: R, incident: IncidentRecord, postMortem: PostMortem, effects: readonly PostMortemEffect[]): Promise<void>;
}

export interface DetectionInput {
  workspaceId: string;
  channelId: string;
  channelName: string | null;
  detectedAt: number;
  firstAbnormalAt: number | null;
  /** Detection's explanation (SpikeExplanation), stored and shown as it is. */
  explanation: Record<string, unknown>;
  language?: string;
  drill?: boolean;
}

export interface DeclareInput {
  workspaceId: string;
  channelId: string;
  channelName: string | null;
  severity: Severity;
  summary: string;
  actorUserId: string;
  drill?: boolean;
}

/** Where a refusal is told: the incident's alert thread, in the incident's language. */
export interface RefusalPlace {
  alertChannelId: string;
  rootTs: string | null;
  locale: Locale;
}

export type DecisionOutcome = { ok: true; incidentId: string } | { ok: false; refusal: Refusal; incident: RefusalPlace };

/** The replies in review nobody can approve now (named approvers deactivated), as the alert says them. */
function unapprovable(status: IncidentStatus, overview: ReturnType<typeof overviewOf>): { unapprovableDrafts?: number[] } {
  if (status === 'resolved') return {};
  const drafts = overview.draftsInReview.filter((progress) => !progress.reachable).map((progress) => progress.draft.number);
  return drafts.length > 0 ? { unapprovableDrafts: drafts } : {};
}

/** One line of `/firebreak status` and `/firebreak list`: an incident with its checklist and review progress. */
export interface IncidentOverview extends Omit<HomeIncidentLine, 'incidentId'> {
  checklistDone: number;
  checklistTotal: number;
  overdueSteps: number;
  draftsInReview: number;
}

const MAX_ATTEMPTS = 5;
/**
 * An approval asks Slack who is in the approver groups when the answer at hand is older than this: a
 * person taken out of the group cannot approve on a minute-old list (other instances miss this one's
 * subteam events), while approvers clicking together, or a double click, share one call.
 */
export const APPROVER_GROUPS_RECHECK_MS = 5_000;

/** Workspace rows of the installation's own sources: /ingest, and events that named no team. */
const INSTALLATION_TEAMS = new Set(['ingest', 'local']);

/** A record's owning team for the listener guard: null for the installation's own workspaces (`ingest`, `local`). */
export function owningTeam(teamId: string): string | null {
  return INSTALLATION_TEAMS.has(teamId) ? null : teamId;
}

export class IncidentService<R extends IncidentRepositories = IncidentRepositories> {
  constructor(private readonly options: IncidentServiceOptions<R>) {}

  private get clock(): Clock {
    return this.options.clock;
  }

  async policyFor(playbookId: string, lookUp: GroupLookUp = {}): Promise<{ playbook: Playbook | undefined; policy: IncidentPolicy }> {
    const playbook = this.options.playbook(playbookId);
    if (!playbook) {
      // The playbook file was removed: nobody is an approver, so nothing can be published by mistake.
      return {
        playbook,
        policy: {
          approvals: { approverUserIds: [], approverGroups: [], quorum: { kind: 'any' }, fourEyes: true },
          authority: {
            resolve: { anyone: true, lead: true, approvers: true, userIds: [], groups: [] },
            reopen: { anyone: true, lead: true, approvers: true, userIds: [], groups: [] },
            changeSeverity: { anyone: true, lead: true, approvers: true, userIds: [], groups: [] },
          },
          escalation: { unacknowledged: [] },
        },
      };
    }
    return { playbook, policy: await incidentPolicyFor(playbook, this.options.directory, lookUp) };
  }

  /** The incident, or null when there is none. */
  find(incidentId: string): Promise<IncidentRecord | null> {
    return this.options.store.direct.incidents.load(incidentId);
  }

  /** The incident a button or modal names; a FirebreakError `not_found` when it is gone. */
  async get(incidentId: string): Promise<IncidentRecord> {
    const record = await this.find(incidentId);
    if (!record) throw new FirebreakError('not_found', `There is no incident ${incidentId}.`);
    return record;
  }

  /**
   * The Slack team an incident belongs to, for the listener guard: null when it belongs to the
   * installation itself (channels of other sources, events without a team), undefined when unknown.
   */
  async ownerTeamOf(incidentId: string): Promise<string | null | undefined> {
    const teamId = await this.options.store.direct.incidents.teamOf(incidentId);
    if (teamId === undefined) return undefined;
    return owningTeam(teamId);
  }

  /** A request refused before any use case ran (another team's, a forged one): audited as storable text. */
  async recordRefusedRequest(entry: { userId: string | null; action: string; reason: string; incidentId: string | null; teamId: string | null }): Promise<void> {
    await this.options.store.direct.audit.record({ at: this.clock.now(), userId: entry.userId, action: entry.action, outcome: `refused:${entry.reason}`, incidentId: entry.incidentId, data: { teamId: entry.teamId } });
  }

  /** A workspace's incident by its human-facing number (`/firebreak resolve 12 …`). */
  idNumbered(workspaceId: string, number: number): Promise<string | null> {
    return this.options.store.direct.incidents.idNumbered(workspaceId, number);
  }

  /** `/firebreak status` (open ones) and `/firebreak list` (the latest): each with its checklist and review progress. */
  async overviews(workspaceId: string, onlyOpen: boolean): Promise<IncidentOverview[]> {
    const records = await this.options.store.direct.incidents.list({ workspaceId, onlyOpen, limit: onlyOpen ? 45 : 20 });
    const items: IncidentOverview[] = [];
    for (const { state } of records) {
      const { policy } = await this.policyFor(state.incident.playbookId);
      const overview = overviewOf(state, policy, this.clock);
      items.push({
        number: state.incident.number,
        severity: state.incident.severity,
        status: state.incident.status,
        channelId: state.incident.channelId,
        channelName: (await this.options.channelName?.(state.incident.channelId)) ?? state.incident.channelId,
        leadUserId: state.incident.leadUserId,
        openedAt: state.incident.openedAt,
        drill: state.incident.drill,
        checklistDone: overview.checklistDone,
        checklistTotal: overview.checklistTotal,
        overdueSteps: overview.overdueSteps.length,
        draftsInReview: overview.draftsInReview.length,
        ...unapprovable(state.incident.status, overview),
      });
    }
    return items;
  }

  /** The latest open (unresolved) incident on a channel, drill or real; null when there is none. */
  openIncidentOn(workspaceId: string, channelId: string): Promise<string | null> {
    return this.options.store.direct.incidents.openOn(workspaceId, channelId);
  }

  /**
   * The open incident a new one of this kind would continue. A real crisis never continues in a drill
   * (a drill's replies never reach the community): it opens beside it. A drill continues in whatever is open.
   */
  private openToContinue(db: Pick<IncidentRepositories, 'incidents'>, workspaceId: string, channelId: string, drill: boolean): Promise<string | null> {
    return db.incidents.openOn(workspaceId, channelId, { realOnly: !drill });
  }

  /** A spike opens an incident unless one is already open on that channel. Returns its id. */
  async openFromDetection(input: DetectionInput): Promise<{ incidentId: string; opened: boolean; severity?: Severity }> {
    const existing = await this.openToContinue(this.options.store.direct, input.workspaceId, input.channelId, input.drill ?? false);
    if (existing) return { incidentId: existing, opened: false, ...(await this.severityOf(existing)) };
    const explanation = input.explanation as {
      dominantTerms?: { term: string }[];
      samples?: { text?: unknown }[];
      negativeShare?: number | null;
      observed?: number;
      distinctAuthors?: number | null;
      kind?: string;
    };
    const playbook = await this.options.selectPlaybook(
      {
        channelId: input.channelId,
        channelName: input.channelName ?? undefined,
        language: input.language,
        // The sample messages too, as for a declared incident's summary: a keyword said once in the
        // worst messages ("odio", "acoso") is rarely among the dominant terms.
        text: (explanation.samples ?? []).map((sample) => (typeof sample.text === 'string' ? sample.text : '')).join('\n'),
        terms: (explanation.dominantTerms ?? []).map((term) => term.term),
      },
      input.workspaceId,
    );
    const severity = classifySeverity(playbook, {
      negativeRatio: explanation.negativeShare ?? 0,
      negativeMessages: explanation.observed ?? 0,
      distinctAuthors: explanation.distinctAuthors ?? 0,
    });
    const outcome = await this.open({
      ...input,
      playbook,
      severity,
      title: input.channelName ? `#${input.channelName}` : input.channelId,
      detection: { source: 'detector', ...input.explanation } as JsonValue,
    });
    // Another tick may have opened one meanwhile: then its severity is the one that counts.
    return outcome.opened ? { ...outcome, severity } : { ...outcome, ...(await this.severityOf(outcome.incidentId)) };
  }

  /** The incident's current severity (what a spike joining it is counted under in /metrics). */
  private async severityOf(incidentId: string): Promise<{ severity?: Severity }> {
    const severity = (await this.find(incidentId))?.state.incident.severity;
    return severity ? { severity } : {};
  }

  /**
   * The detector saw a clear escalation during an alert: recorded on the channel's open incident
   * (no second incident); with none open (staff resolved it meanwhile), a new one is opened.
   */
  async escalateFromDetection(input: DetectionInput, escalation: DetectionEscalated): Promise<{ incidentId: string; opened: boolean }> {
    const existing = await this.openToContinue(this.options.store.direct, input.workspaceId, input.channelId, input.drill ?? false);
    if (!existing) return this.openFromDetection(input);
    await this.decide(existing, (state, _policy, clock) => recordDetectionEscalated(state, escalation, clock));
    return { incidentId: existing, opened: false };
  }

  /** `/firebreak declare`: staff open an incident by hand. */
  async declare(input: DeclareInput): Promise<{ incidentId: string; opened: boolean }> {
    const existing = await this.openToContinue(this.options.store.direct, input.workspaceId, input.channelId, input.drill ?? false);
    if (existing) return { incidentId: existing, opened: false };
    const playbook = await this.options.selectPlaybook({ channelId: input.channelId, channelName: input.channelName ?? undefined, text: input.summary }, input.workspaceId);
    const now = this.clock.now();
    return this.open({
      workspaceId: input.workspaceId,
      channelId: input.channelId,
      channelName: input.channelName,
      detectedAt: now,
      firstAbnormalAt: null,
      drill: input.drill,
      playbook,
      severity: input.severity,
      title: input.summary,
      detection: { source: 'declared', declaredBy: input.actorUserId, summary: input.summary },
    });
  }

  private async open(input: {
    workspaceId: string;
    channelId: string;
    channelName: string | null;
    detectedAt: number;
    firstAbnormalAt: number | null;
    drill?: boolean;
    playbook: Playbook;
    severity: Severity;
    title: string;
    detection: JsonValue;
  }): Promise<{ incidentId: string; opened: boolean }> {
    const { playbook } = input;
    const workspace = await this.options.workspaceSettings?.(input.workspaceId);
    const locale = playbook.locale ?? (isLocale(workspace?.locale) ? workspace.locale : this.options.locale);
    const policy = await incidentPolicyFor(playbook, this.options.directory);
    const checklist = await checklistFor(playbook, locale, this.options.directory);
    const alertChannelId = await this.alertsChannelFor(input.workspaceId, playbook, workspace?.alertsChannel ?? null);
    // Asked of Slack before the transaction: no network call holds a transaction open.
    const channelName = input.channelName ?? (await this.options.channelName?.(input.channelId)) ?? null;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await this.options.store.transaction(async (tx) => {
          // Re-checked inside the transaction: two detection ticks must not open two incidents.
          const already = await this.openToContinue(tx, input.workspaceId, input.channelId, input.drill ?? false);
          if (already) return { incidentId: already, opened: false };
          const number = await tx.incidents.nextNumber(input.workspaceId);
          const opened = openIncident(
            {
              id: randomUUID(),
              number,
              severity: input.severity,
              playbookId: playbook.id,
              playbookHash: playbook.contentHash,
              channelId: input.channelId,
              detectedAt: input.detectedAt,
              firstAbnormalAt: input.firstAbnormalAt,
              detection: input.detection,
              drill: input.drill ?? false,
              locale,
              checklist,
            },
            policy.escalation,
            this.clock,
          );
          const record: IncidentRecord = { state: opened.state, version: 0, workspaceId: input.workspaceId, title: input.title, alertChannelId, rootTs: null };
          await tx.incidents.insert({ state: opened.state, workspaceId: input.workspaceId, title: input.title, alertChannelId });
          await tx.incidents.appendTimeline(opened.events);
          await this.applyEffects(tx, record, opened.effects, { playbook, policy, channelName });
          return { incidentId: opened.state.incident.id, opened: true };
        }, { timeoutMs: INCIDENT_TRANSACTION_TIMEOUT_MS });
        this.options.onCommitted?.();
        return outcome;
      } catch (error) {
        // A concurrent opening took the same number: take the next one.
        if (attempt < MAX_ATTEMPTS && error instanceof FirebreakError && error.code === 'conflict') continue;
        throw error;
      }
    }
  }

  /** Open incidents (of a workspace, or all) whose root the outbox holds: never posted, nobody can acknowledge them. */
  async heldIncidents(workspaceId?: string): Promise<IncidentRecord[]> {
    const open = await this.options.store.direct.incidents.list({ ...(workspaceId ? { workspaceId } : {}), onlyOpen: true, limit: HELD_SCAN_LIMIT });
    const unposted = open.filter((record) => record.rootTs === null);
    const held = new Set(await this.options.store.direct.outbox.failedWith(unposted.map((record) => outboxKeys.root(record.state.incident.id)), ROOT_HELD_ERROR));
    return unposted.filter((record) => held.has(outboxKeys.root(record.state.incident.id)));
  }

  /**
   * Raises each held incident (of a workspace, or all) in the first alerts channel that is safe now,
   * once: called when a workspace's settings change and at start-up. Returns how many were raised.
   */
  async raiseHeldIncidents(workspaceId?: string): Promise<number> {
    let raised = 0;
    for (const held of await this.heldIncidents(workspaceId)) {
      try {
        if (await this.raiseHeld(held)) raised += 1;
      } catch (error) {
        this.options.logger.error({ err: error, incidentId: held.state.incident.id }, 'could not raise a held incident in a safe alerts channel; it is tried again at the next settings change or start');
      }
    }
    await this.releaseHeldWrites().catch((error: unknown) =>
      this.options.logger.error({ err: error }, 'could not put back the writes held while an alerts channel was watched; tried again at the next settings change or start'),
    );
    return raised + (await this.raiseWaitingIncidents(workspaceId));
  }

  /**
   * Incidents whose root waits for an alerts channel Slack will not take it in (archived, deleted, the
   * bot not in it) are raised, once, in the alerts channel chosen now when that is another one (the
   * workspace's alerts channel changed, or ALERTS_CHANNEL at a restart): a deleted channel never comes
   * back. Their writes still waiting in the old channel are closed, so they never land there later.
   */
  private async raiseWaitingIncidents(workspaceId?: string): Promise<number> {
    const open = await this.options.store.direct.incidents.list({ ...(workspaceId ? { workspaceId } : {}), onlyOpen: true, limit: HELD_SCAN_LIMIT });
    const unposted = open.filter((record) => record.rootTs === null);
    const waiting = await this.options.store.direct.outbox.waitingWith(unposted.map((record) => outboxKeys.root(record.state.incident.id)));
    let raised = 0;
    for (const record of unposted) {
      const error = waiting.get(outboxKeys.root(record.state.incident.id));
      if (!error) continue;
      try {
        if (await this.raiseWaiting(record, error)) raised += 1;
      } catch (failure) {
        this.options.logger.error({ err: failure, incidentId: record.state.incident.id }, 'could not raise an incident waiting for its alerts channel in another one; tried again at the next settings change or start');
      }
    }
    return raised;
  }

  /** Raised elsewhere, once the alerts channel it waits for (archived, deleted, the bot removed) is replaced. */
  private raiseWaiting(waiting: IncidentRecord, error: string): Promise<boolean> {
    return this.raiseInSafeChannel(waiting, {
      reason: ROOT_WAIT_UNUSABLE,
      rootError: error,
      // Still the same channel: it goes out there once Slack says the channel is usable again (ChannelLifecycle).
      movesAway: true,
      log: 'an incident waiting for its alerts channel was raised in the alerts channel chosen now',
    });
  }

  /** Raised once its alerts channel is no longer a watched community channel. */
  private raiseHeld(held: IncidentRecord): Promise<boolean> {
    return this.raiseInSafeChannel(held, { reason: ROOT_HOLD_WATCHED, rootError: ROOT_HELD_ERROR, movesAway: false, log: 'a held incident was raised in a safe alerts channel' });
  }

  /**
   * Posts an incident whose root never went out in the alerts channel that is safe now, saying why it
   * is late. `movesAway`: only into another channel, and its writes still waiting in the old one stop.
   */
  private async raiseInSafeChannel(found: IncidentRecord, how: { reason: string; rootError: string; movesAway: boolean; log: string }): Promise<boolean> {
    const incidentId = found.state.incident.id;
    const { playbook, policy } = await this.policyFor(found.state.incident.playbookId);
    const workspace = await this.options.workspaceSettings?.(found.workspaceId);
    // Asked before the transaction: no network call holds a transaction open.
    const safeChannelId = playbook ? await this.safeAlertsChannel(found.workspaceId, playbook, workspace?.alertsChannel ?? null) : null;
    if (!safeChannelId || (how.movesAway && safeChannelId === found.alertChannelId)) return false;
    const channelName = (await this.options.channelName?.(found.state.incident.channelId)) ?? null;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const raised = await this.options.store.transaction(async (tx) => {
          const record = await tx.incidents.load(incidentId);
          if (!record || (how.movesAway && record.alertChannelId === safeChannelId)) return false;
          const decision = raiseHeldAlert(record.state, { heldChannelId: record.alertChannelId, reason: how.reason, rootHeld: record.rootTs === null, safeChannelId }, this.clock);
          if (!decision.ok || decision.audit.outcome !== 'accepted') return false;
          // The root leaves the outbox so its key (which the thread's writes name) is enqueued again:
          // only the one transaction that removes it raises the incident (retries, two instances).
          if (!(await tx.outbox.forgetFailed(outboxKeys.root(incidentId), how.rootError))) return false;
          await tx.outbox.forgetFailed(outboxKeys.checklist(incidentId));
          if (how.movesAway) await tx.outbox.stopWaiting(incidentId, MOVED_ELSEWHERE);
          await tx.incidents.setAlertChannel(incidentId, safeChannelId);
          const outcome = await this.commitDecision(tx, { ...record, alertChannelId: safeChannelId }, decision, { playbook, policy, channelName });
          return outcome.ok;
        }, { timeoutMs: INCIDENT_TRANSACTION_TIMEOUT_MS });
        if (raised) {
          this.options.onCommitted?.();
          this.options.logger.warn({ incidentId, from: found.alertChannelId, to: safeChannelId, ...(how.movesAway ? { error: how.rootError } : {}) }, how.log);
        }
        return raised;
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && error instanceof FirebreakError && error.code === 'conflict') continue;
        throw error;
      }
    }
  }

  /**
   * Writes held while their alerts channel was watched (thread lines, edits of a root posted before)
   * go back in their lanes once the channel is safe again: nothing staff did is lost. Held roots are
   * left to raiseHeld, which says why they come late.
   */
  private async releaseHeldWrites(): Promise<void> {
    const { outbox } = this.options.store.direct;
    const safe: string[] = [];
    for (const item of await outbox.heldWith(ROOT_HELD_ERROR, HELD_SCAN_LIMIT)) {
      if (item.incidentId && item.key === outboxKeys.root(item.incidentId)) continue;
      if (!(await this.writeHoldReason({ incidentId: item.incidentId, args: item.args, record: item.record }))) safe.push(item.key);
    }
    const released = await outbox.releaseHeld(safe, ROOT_HELD_ERROR, this.clock.now());
    if (released.length === 0) return;
    this.options.onCommitted?.();
    this.options.logger.warn({ writes: released.length }, 'writes held while an alerts channel was watched are sent now that it is safe');
  }

  /** The first of playbook → workspace → ALERTS_CHANNEL that is not a watched community channel; null when none. */
  private async safeAlertsChannel(workspaceId: string, playbook: Playbook, workspaceChannel: string | null): Promise<string | null> {
    const chosen = await this.alertsChannelFor(workspaceId, playbook, workspaceChannel).catch(() => null);
    if (!chosen) return null;
    return (await this.options.alertsChannelRefusal?.(chosen, workspaceId)) ? null : chosen;
  }

  /**
   * Where the incident's thread goes: the playbook's alerts channel, else the workspace's, else
   * ALERTS_CHANNEL — the first that is not a watched community channel. When every one named is
   * watched, the first is kept: the incident is still recorded (App Home, /firebreak status) and the
   * outbox holds its root (rootHoldReason), so nothing internal reaches the community.
   */
  private async alertsChannelFor(workspaceId: string, playbook: Playbook, workspaceChannel: string | null): Promise<string> {
    // A name is followed by the ID it meant: the channel renamed in Slack still gets its incidents.
    const playbookChannel = playbook.alertsChannel ? ((await this.options.resolveChannel?.(workspaceId, playbook.alertsChannel).catch(() => null)) ?? playbook.alertsChannel) : undefined;
    const named = [...new Set([playbookChannel, workspaceChannel, this.options.alertsChannel].filter((channel): channel is string => Boolean(channel)))];
    const first = named[0];
    if (!first) throw new FirebreakError('config_invalid', `No alerts channel for playbook ${playbook.id}: set ALERTS_CHANNEL or the playbook's alertsChannel.`);
    const check = this.options.alertsChannelRefusal;
    if (!check) return first;
    for (const channel of named) {
      const refusal = await check(channel, workspaceId);
      if (!refusal) return channel;
      this.options.logger.error({ channel, playbook: playbook.id, workspaceId, refusal }, 'an alerts channel is a watched community channel: incident threads are never posted there; choose a staff-only alerts channel');
    }
    return first;
  }

  /**
   * The outbox's last gate on internal writes (incident roots and threads, reminders, digests,
   * unanswered-message notices): held while their channel is a watched community channel — also a
   * channel that started being watched after it was chosen. A public reply (to the community by
   * design) is left to replyHoldReason; a drill's reply, shown in the alert thread, is checked here.
   */
  async writeHoldReason(item: { incidentId: string | null; args: Record<string, unknown>; record: SlackWrite['record'] }): Promise<string | null> {
    const check = this.options.alertsChannelRefusal;
    const channel = item.args['channel'];
    if (!check || typeof channel !== 'string') return null;
    const publicReply = item.record?.kind === outboxRecords.replyPosted;
    // Only a reply needs its incident loaded (is it a drill?); other writes need the workspace alone.
    const record = publicReply && item.incidentId ? await this.options.store.direct.incidents.load(item.incidentId) : null;
    if (publicReply && (!record?.state.incident.drill || record.alertChannelId !== channel)) return null;
    const workspaceId = record?.workspaceId ?? (item.incidentId ? await this.workspaceOf(item.incidentId) : undefined);
    return (await check(channel, workspaceId ?? undefined)) ? ROOT_HOLD_WATCHED : null;
  }

  /** An incident's workspace, remembered: it never changes. */
  private readonly workspaces = new Map<string, string>();
  private async workspaceOf(incidentId: string): Promise<string | null> {
    const known = this.workspaces.get(incidentId);
    if (known) return known;
    const record = await this.options.store.direct.incidents.load(incidentId);
    if (record) this.workspaces.set(incidentId, record.workspaceId);
    return record?.workspaceId ?? null;
  }

  /**
   * Runs one staff decision on fresh state; a concurrent decision on the same incident makes it
   * start again from the newer state. Refusals are audited and returned for an ephemeral answer.
   */
  async decide(
    incidentId: string,
    decide: (state: IncidentState, policy: IncidentPolicy, clock: Clock) => Decision,
    /**
     * `once`: a key naming the submission (a modal's view id): an accepted decision is committed for
     * the first delivery of it only; a repeat (a double click, a resent request) changes nothing.
     */
    options: { once?: string; approvalBy?: string } = {},
  ): Promise<DecisionOutcome> {
    const { store } = this.options;
    const first = await store.direct.incidents.load(incidentId);
    if (!first) throw new FirebreakError('not_found', `There is no incident ${incidentId}.`);
    let context: { playbook: Playbook | undefined; policy: IncidentPolicy };
    try {
      context = await this.policyFor(first.state.incident.playbookId, options.approvalBy === undefined ? {} : { maxAgeMs: APPROVER_GROUPS_RECHECK_MS });
    } catch (error) {
      if (options.approvalBy === undefined) throw error;
      return this.refuseUnconfirmedApprovers(first, options.approvalBy, error);
    }
    const { playbook, policy } = context;
    // Asked of Slack before the transaction: no network call holds a transaction open.
    const channelName = (await this.options.channelName?.(first.state.incident.channelId)) ?? null;
    // A resolve creates the post-mortem, whose template names its reviewers (user groups): asked now too.
    let postMortemTemplate = createsPostMortem(decide(first.state, policy, this.clock)) ? await this.postMortemTemplateOf(playbook, first.state.incident.locale) : undefined;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await store.transaction(async (tx) => {
          const record = (await tx.incidents.load(incidentId)) as IncidentRecord;
          return this.commitDecision(tx, record, decide(record.state, policy, this.clock), { playbook, policy, channelName, postMortemTemplate }, options.once);
        }, { timeoutMs: INCIDENT_TRANSACTION_TIMEOUT_MS });
        if (outcome.ok) this.options.onCommitted?.();
        return outcome;
      } catch (error) {
        if (error instanceof PostMortemTemplateNeeded && postMortemTemplate === undefined) {
          // The incident changed meanwhile and now resolves: the transaction was rolled back; ask, then decide again.
          postMortemTemplate = await this.postMortemTemplateOf(playbook, first.state.incident.locale);
          continue;
        }
        if (attempt < MAX_ATTEMPTS && error instanceof FirebreakError && error.code === 'conflict') continue;
        throw error;
      }
    }
  }

  /**
   * The refusal a decision would meet now, without taking it: asked before a form opens, so nobody
   * fills in a form whose submission could only be refused. A refusal is audited as a decision's;
   * null (nothing written) when the check passes.
   */
  async refusalBeforeForm(incidentId: string, check: (state: IncidentState, policy: IncidentPolicy, clock: Clock) => Decision | null): Promise<Extract<DecisionOutcome, { ok: false }> | null> {
    const record = await this.get(incidentId);
    const { policy } = await this.policyFor(record.state.incident.playbookId);
    const decision = check(record.state, policy, this.clock);
    if (!decision || decision.ok) return null;
    await this.options.store.direct.audit.write(decision.audit);
    return { ok: false, refusal: decision.refusal, incident: { alertChannelId: record.alertChannelId, rootTs: record.rootTs, locale: record.state.incident.locale } };
  }

  /** The post-mortem template of the playbook, its reviewer groups asked of Slack; null when the playbook is gone. */
  private async postMortemTemplateOf(playbook: Playbook | undefined, locale: Locale): Promise<PostMortemTemplate | null> {
    return playbook ? postMortemTemplateFor(playbook, locale, this.options.directory) : null;
  }

  /**
   * Slack could not say who is in the approver groups now: the approval is not recorded (a membership
   * Slack cannot confirm is never taken from an older answer), audited, and said as such.
   */
  private async refuseUnconfirmedApprovers(record: IncidentRecord, actorUserId: string, error: unknown): Promise<DecisionOutcome> {
    const { locale } = record.state.incident;
    this.options.logger?.warn({ err: error, incidentId: record.state.incident.id }, 'could not ask Slack who is in the approver groups; the approval was refused');
    await this.options.store.direct.audit.write({
      at: this.clock.now(),
      incidentId: record.state.incident.id,
      actorUserId,
      action: 'decide_draft',
      outcome: 'refused',
      refusalCode: 'approvers_unconfirmed',
      text: null,
      details: {},
    });
    return {
      ok: false,
      refusal: { code: 'approvers_unconfirmed', message: t(locale, 'refusal.approvers_unconfirmed', {}), params: {} },
      incident: { alertChannelId: record.alertChannelId, rootTs: record.rootTs, locale },
    };
  }

  /** Writes an accepted decision (state, timeline, audit, effects) or audits a refusal. */
  private async commitDecision(
    tx: R,
    record: IncidentRecord,
    decision: Decision,
    context: EffectContext,
    once?: string,
  ): Promise<DecisionOutcome> {
    if (once !== undefined && decision.ok && decision.audit.outcome !== 'no_op') {
      if (!tx.processedEvents) throw new Error('a decision taken once needs the processedEvents repository');
      // Recorded in the decision's own transaction: the first delivery commits both, a repeat neither.
      if (!(await tx.processedEvents.recordOnce(once, this.clock.now()))) return { ok: true, incidentId: record.state.incident.id };
    }
    await tx.audit.write(decision.audit);
    if (!decision.ok) return { ok: false, refusal: decision.refusal, incident: { alertChannelId: record.alertChannelId, rootTs: record.rootTs, locale: record.state.incident.locale } };
    if (decision.audit.outcome === 'no_op') return { ok: true, incidentId: record.state.incident.id };
    await tx.incidents.save(decision.state, record.version);
    await tx.incidents.appendTimeline(decision.events);
    const next: IncidentRecord = { ...record, state: decision.state, version: record.version + 1 };
    await this.applyEffects(tx, next, decision.effects, context, decision.events);
    return { ok: true, incidentId: record.state.incident.id };
  }

  /**
   * What recording Slack's answer to `item` needs from Slack, asked before its transaction (outbox
   * afterSend of an alert root or a public reply; onFailed of a public reply); undefined when nothing is.
   */
  async contextForWrite(item: { incidentId: string | null; record: SlackWrite['record']; outcome: 'sent' | 'failed' }): Promise<IncidentContext | null | undefined> {
    const kind = item.record?.kind;
    const needed = kind === outboxRecords.replyPosted || (kind === outboxRecords.root && item.outcome === 'sent');
    if (!needed) return undefined;
    const incidentId = kind === outboxRecords.replyPosted ? replyRecordOf(item.record).incidentId : String(item.record?.['incidentId'] ?? item.incidentId);
    return this.contextOf(incidentId);
  }

  /**
   * What firing an incident reminder needs from Slack, asked before the scheduler's transaction: also
   * which of its recipients Slack says are deactivated (users.info), so a reminder never goes only to
   * accounts nobody reads, whether or not this instance saw the user_change event.
   */
  async contextForReminder(reminder: { payload: Record<string, unknown> }): Promise<ReminderContext | null> {
    const context = await this.contextOf(String(reminder.payload['incidentId']));
    if (!context) return null;
    const recipients = (reminder.payload['recipientUserIds'] as string[] | undefined) ?? [];
    return { ...context, deactivatedRecipients: await this.deactivatedAmong(recipients) };
  }

  /**
   * Slack deactivated someone (user_change with deleted): in every open incident (of `workspaceId`, or
   * all), an approval they gave to a reply not posted yet stops counting, and an incident they led asks
   * its approvers to take the lead. Returns how many incidents changed.
   */
  async personDeactivated(userId: string, workspaceId?: string): Promise<number> {
    const open = await this.options.store.direct.incidents.list({ ...(workspaceId ? { workspaceId } : {}), onlyOpen: true, limit: HELD_SCAN_LIMIT });
    let changed = 0;
    for (const { state } of open) {
      const approved = state.approvals.some((approval) => approval.approverUserId === userId && approval.voidedAt === null);
      // Drafts waiting for approval: the playbook may name them as an approver (decided with its policy).
      const waiting = state.drafts.some(awaitsApproval);
      if (state.incident.leadUserId !== userId && !approved && !waiting) continue;
      try {
        const outcome = await this.decide(state.incident.id, (current, policy, clock) => personDeactivated(current, { userId }, policy, clock));
        if (outcome.ok) changed += 1;
      } catch (error) {
        // The others still change; this one's reminders and its outbox's last gate still ask Slack.
        this.options.logger.error({ err: error, incidentId: state.incident.id }, 'could not record that Slack deactivated someone in this incident');
      }
    }
    return changed;
  }

  /**
   * Replies an older version left waiting for approval in incidents it resolved (before resolve closed
   * them): closed unsent as resolve closes them, their cards and alerts redrawn, once, at start-up. Each
   * incident is decided on its own (a failure is logged and the others go on; tried again at the next
   * start).
   */
  async closeRepliesLeftWaiting(workspaceId?: string): Promise<void> {
    // Read a page of ids at a time, and only incidents that have such a reply (an indexed query on the
    // drafts' status): no resolved incident can get a new one, so after the first start this finds none.
    // The cursor moves on past an incident that failed, so the scan ends whatever happens.
    for (let afterId: string | null = null; ; ) {
      const ids = await this.options.store.direct.incidents.resolvedWithDrafts({ ...(workspaceId ? { workspaceId } : {}), draftStatuses: AWAITING_APPROVAL, afterId, limit: CLOSE_LEFT_WAITING_PAGE });
      for (const incidentId of ids) {
        try {
          await this.decide(incidentId, (current, _policy, clock) => closeRepliesLeftWaiting(current, clock));
        } catch (error) {
          this.options.logger.error({ err: error, incidentId }, 'could not close the replies left waiting for approval in a resolved incident; tried again at the next start');
        }
      }
      if (ids.length < CLOSE_LEFT_WAITING_PAGE) return;
      afterId = ids[ids.length - 1]!;
    }
  }

  /**
   * The incident's playbook, policy (its user groups asked of Slack when the answer at hand has expired)
   * and channel name, asked before a transaction that records something about it; null when there is no
   * such incident. Its playbook never changes, so the answer holds for the incident read in the transaction.
   */
  async contextOf(incidentId: string): Promise<IncidentContext | null> {
    const record = await this.options.store.direct.incidents.load(incidentId);
    if (!record) return null;
    const { playbook, policy } = await this.policyFor(record.state.incident.playbookId);
    const channelName = (await this.options.channelName?.(record.state.incident.channelId)) ?? null;
    return { incidentId, playbook, policy, channelName };
  }

  /**
   * Outbox afterSend for the alert: the root message is in Slack. Returns where it landed (the chart
   * goes into its thread after this commit).
   */
  async onRootPosted(tx: R, sent: SentOutboxItem, context: IncidentContext | null | undefined): Promise<{ incidentId: string; channelId: string; ts: string }> {
    const incidentId = String(sent.record?.['incidentId']);
    const posted = { incidentId, channelId: String(sent.result.channel ?? sent.channelId), ts: String(sent.result.ts) };
    await this.recordRootPosted(tx, incidentId, posted.ts, posted.channelId, context);
    return posted;
  }

  /** Outbox afterSend for a public reply: it is in Slack. */
  async onReplyPosted(tx: R, sent: SentOutboxItem, context: IncidentContext | null | undefined): Promise<void> {
    const reply = replyRecordOf(sent.record);
    await this.recordReplyPosted(tx, reply.incidentId, reply.draftId, reply.revision, String(sent.result.ts), context);
  }

  /**
   * Slack says someone's account is active (user_change without deleted): in each open incident whose
   * thread was told they were deactivated (and not since that they are back), they count as an approver
   * again, said on the cards and in the thread. Returns how many incidents changed.
   */
  async personReactivated(userId: string, workspaceId?: string): Promise<number> {
    const open = await this.options.store.direct.incidents.list({ ...(workspaceId ? { workspaceId } : {}), onlyOpen: true, limit: HELD_SCAN_LIMIT });
    let changed = 0;
    for (const { state } of open) {
      if (!state.drafts.some(awaitsApproval)) continue;
      const told = (await this.options.store.direct.incidents.timeline(state.incident.id)).filter(
        (event) => (event.kind === 'approver_deactivated' || event.kind === 'approver_reactivated') && event.data['userId'] === userId,
      );
      if (told.at(-1)?.kind !== 'approver_deactivated') continue;
      try {
        const outcome = await this.decide(state.incident.id, (current, policy, clock) => personReactivated(current, { userId }, policy, clock));
        if (outcome.ok) changed += 1;
      } catch (error) {
        this.options.logger.error({ err: error, incidentId: state.incident.id }, 'could not record that Slack re-activated someone in this incident');
      }
    }
    return changed;
  }

  /**
   * Who may approve changed under open incidents without anyone deciding anything in them: a user group's
   * members (subteam events) or a playbook's approvers (a reload). Each open incident with replies waiting
   * for approval gets its alert and those cards drawn again with the approvers as they are now, so none
   * keeps saying a reply can be approved, or cannot, when that no longer holds (the deactivation path does
   * this through its decision). Edits in place, one per message. `playbookIds`: only incidents under these;
   * `approverGroups`: only those whose playbook names approvers by user group. Returns how many were redrawn.
   */
  async approversChanged(change: { workspaceId?: string; playbookIds?: readonly string[]; approverGroups?: boolean; reason: 'user_group' | 'playbook' }): Promise<number> {
    const open = await this.options.store.direct.incidents.list({ ...(change.workspaceId ? { workspaceId: change.workspaceId } : {}), onlyOpen: true, limit: HELD_SCAN_LIMIT });
    let redrawn = 0;
    for (const { state } of open) {
      const incidentId = state.incident.id;
      if (change.playbookIds && !change.playbookIds.includes(state.incident.playbookId)) continue;
      if (draftsAwaitingApproval(state).length === 0) continue;
      if (change.approverGroups && !namesApproverGroups(this.options.playbook(state.incident.playbookId))) continue;
      try {
        // Asked of Slack before the transaction (the groups as Slack says now: the caller dropped its answer).
        const context = await this.contextOf(incidentId);
        if (context && (await this.redrawApprovals(incidentId, context, change.reason))) redrawn += 1;
      } catch (error) {
        // The others are still redrawn; this one is at its next decision, and its cards' buttons ask Slack again.
        this.options.logger.error({ err: error, incidentId }, 'could not redraw an incident after its approvers changed');
      }
    }
    if (redrawn > 0) this.options.onCommitted?.();
    return redrawn;
  }

  private async redrawApprovals(incidentId: string, context: IncidentContext, reason: 'user_group' | 'playbook'): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.options.store.transaction(async (tx) => {
          const record = await tx.incidents.load(incidentId);
          if (!record || record.state.incident.status === 'resolved') return false;
          const drafts = draftsAwaitingApproval(record.state);
          if (drafts.length === 0) return false;
          // Saved as it is: the edits get a version, hence keys, of their own, and a decision committed
          // meanwhile makes this conflict (drawn again from its state).
          await tx.incidents.save(record.state, record.version);
          const next: IncidentRecord = { ...record, version: record.version + 1 };
          const effects: Effect[] = [{ type: 'update_root_message', incidentId }, ...drafts.map((draft) => ({ type: 'update_draft_message', incidentId, draftId: draft.id }) as const)];
          await this.applyEffects(tx, next, effects, context);
          await tx.audit.record({ at: this.clock.now(), userId: null, action: 'redraw_approvers_changed', outcome: 'accepted', incidentId, data: { reason, drafts: drafts.map((draft) => draft.number) } });
          return true;
        }, { timeoutMs: INCIDENT_TRANSACTION_TIMEOUT_MS });
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && error instanceof FirebreakError && error.code === 'conflict') continue;
        throw error;
      }
    }
  }

  /** A member deleted a message of a watched channel (the watcher stored the deletion): memberMessageChanged. */
  memberMessageDeleted(deletion: { workspaceId: string; channelId: string; messageTs: string }): Promise<number> {
    return this.memberMessageChanged({ ...deletion, change: { type: 'deleted' } });
  }

  /**
   * A member changed a message of a watched channel (the watcher stored the deletion, or applied the edit
   * as the message's latest): every incident of that workspace quoting it as a sample has it changed
   * (deleted: its words gone; edited: the latest words, its score kept) and its alert redrawn in place,
   * and every one staff added it to the timeline of has that entry changed the same way, its thread line
   * edited in place; one decision per incident (messageChanged), so an incident doing both changes once.
   * Open and resolved alike: a resolved alert still shows its samples, and its post-mortem and redraws
   * are built from the stored detection and timeline. Another workspace's incidents are never looked at
   * (a Slack Connect channel has the same id in both). Run again (a replayed deletion, the same words), it
   * finds nothing left to change and writes nothing. Returns how many incidents changed.
   */
  async memberMessageChanged(changed: { workspaceId: string; channelId: string; messageTs: string; change: MemberChange }): Promise<number> {
    const postedAt = Number(changed.messageTs) * 1000;
    if (!Number.isFinite(postedAt)) return 0;
    const { workspaceId, channelId, messageTs } = changed;
    const { incidents } = this.options.store.direct;
    // A sample was posted before its incident was detected; the margin covers Slack's and this clock's skew.
    const quoting = await incidents.onChannelSince({ workspaceId, channelId, detectedSince: postedAt - SAMPLE_CLOCK_MARGIN_MS, limit: HELD_SCAN_LIMIT });
    // Staff may add any message to the timeline, however old and from whichever channel.
    const adding = await incidents.withMessageOnTimeline({ workspaceId, channelId, messageTs, limit: HELD_SCAN_LIMIT });
    let redrawn = 0;
    for (const incidentId of new Set([...quoting, ...adding])) {
      try {
        const found = await incidents.load(incidentId);
        if (!found) continue;
        if (!quotesSample(found.state, messageTs) && !adding.includes(incidentId)) continue;
        // Asked of Slack before the transaction: no network call holds a transaction open.
        const context = await this.contextOf(incidentId);
        if (context && (await this.redrawMessageChanged(incidentId, changed, context))) redrawn += 1;
      } catch (error) {
        // The others are still redrawn; this one is when the deletion is delivered again or at its next redraw.
        this.options.logger.error({ err: error, incidentId, change: changed.change.type }, 'could not change a member message in an incident that quotes it');
      }
    }
    if (redrawn > 0) this.options.onCommitted?.();
    return redrawn;
  }

  private async redrawMessageChanged(incidentId: string, changed: { channelId: string; messageTs: string; change: MemberChange }, context: IncidentContext): Promise<boolean> {
    const { channelId, messageTs, change } = changed;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.options.store.transaction(async (tx) => {
          const record = await tx.incidents.load(incidentId);
          if (!record) return false;
          const entries = (await tx.incidents.timeline(incidentId)).filter((event) => addsMessageWithWords(event, channelId, messageTs));
          const decision = messageChanged(record.state, { channelId, messageTs, entries, change }, this.clock);
          // Nothing left to change (a replay, another instance, the same words): nothing written, not even an audit line.
          if (!decision.ok || decision.audit.outcome === 'no_op') return false;
          if (!(await this.commitDecision(tx, record, decision, context)).ok) return false;
          const { at } = decision.audit;
          // The copy of the detection the timeline's `detected` entry keeps (post-mortem exports read it).
          if (decision.state.incident.detection !== record.state.incident.detection) await tx.incidents.rewriteDetectedEntry(incidentId, (detection) => detectionChanged(detection, messageTs, change, at));
          if (entries.length > 0) await tx.incidents.rewriteAddedMessage(incidentId, channelId, messageTs, (event) => addedMessageChanged(event, change, at));
          return true;
        }, { timeoutMs: INCIDENT_TRANSACTION_TIMEOUT_MS });
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && error instanceof FirebreakError && error.code === 'conflict') continue;
        throw error;
      }
    }
  }

  /** Outbox guard: why a public reply about to be sent must be held (never posted), or null when it may go. */
  replyHoldReason(incidents: Pick<IncidentRepository, 'load'>, item: { args: Record<string, unknown>; record: SlackWrite['record'] }): Promise<HoldReason | null> {
    return replyHoldReason(incidents, replyRecordOf(item.record), item.args, (playbookId) => this.policyFor(playbookId), (userIds) => this.deactivatedAmong(userIds), (userIds) => this.stillDeactivated(userIds));
  }

  /** Which of these people Slack says are deactivated now (users.info, not a kept answer); one Slack cannot answer about keeps its last answer. */
  private async stillDeactivated(userIds: readonly string[]): Promise<string[]> {
    return (await this.options.directory.deactivatedUsers?.(userIds, { maxAgeMs: 0 })) ?? [...userIds];
  }

  /** Which of these people Slack says are deactivated (users.info); one Slack cannot answer about is not. */
  private deactivatedAmong(userIds: readonly string[]): Promise<string[]> {
    return deactivatedAmong(this.options.directory, userIds);
  }

  /**
   * Outbox failure handler: a write Slack refused for good, or a held reply, is said in the incident thread.
   * `context`: contextForWrite's answer for it, asked before the transaction.
   */
  async onWriteRefused(tx: R, failure: OutboxFailure, context?: IncidentContext | null): Promise<void> {
    if (failure.error === ROOT_HELD_ERROR) {
      // Its thread would be in that same channel: said in the log, App Home and `firebreak doctor` instead.
      this.options.logger.error({ key: failure.key, incidentId: failure.incidentId, channel: failure.channelId }, 'not posted: the alerts channel is a watched community channel; choose a staff-only alerts channel');
      return;
    }
    if (failure.error.startsWith(WAITING_FOR_CHANNEL)) {
      // A notice in its thread would wait in that same channel: said in the log and App Home; the write goes out once the channel can be used.
      this.options.logger.error({ key: failure.key, incidentId: failure.incidentId, channel: failure.channelId, error: failure.error }, 'not posted yet: Slack will not take it in this channel (archived, gone, or the bot is not in it); it is posted once the channel is unarchived or the bot is invited');
      return;
    }
    if (!failure.incidentId || failure.key.startsWith('delivery-failed:')) return;
    if (failure.record?.kind === outboxRecords.replyPosted) await this.recordReplyNotPosted(tx, failure, context);
    if (await tellHeldReply(tx, failure, this.clock.now())) return;
    const record = await tx.incidents.load(failure.incidentId);
    if (!record) return;
    await tx.outbox.enqueue({
      key: `delivery-failed:${failure.key}`,
      method: 'chat.postMessage',
      // A card or alert deleted in Slack is not a matter of the channel or the bot's access.
      payload: { channel: record.alertChannelId, text: t(record.state.incident.locale, failure.method === 'chat.update' && failure.error === 'message_not_found' ? 'outbox.message_deleted' : 'outbox.write_refused', { method: failure.method, error: failure.error }) },
      threadOf: outboxKeys.root(failure.incidentId),
      incidentId: failure.incidentId,
      now: this.clock.now(),
    });
  }

  /**
   * After a reinstall: approved replies of `teamId` whose post the uninstall stopped (failed as
   * WORKSPACE_UNINSTALLED, never sent) are marked not posted, so their card and the root stop saying
   * "posting", and the incident thread is told why in plain words. The uninstall itself cannot: it
   * has no token to ask Slack the incident's user groups nor to post. Run again, it changes nothing.
   * Returns how many replies it reported.
   */
  async reportRepliesStoppedByUninstall(teamId: string): Promise<number> {
    const outbox = this.options.store.direct.outbox;
    const stopped: QueuedSlackWrite[] = [];
    for (const reason of UNINSTALL_REASONS) {
      const held = await outbox.heldWith(`${WORKSPACE_UNINSTALLED}${reason}`, STOPPED_REPLIES_LIMIT, teamId);
      stopped.push(...held.filter((item) => item.record?.kind === outboxRecords.replyPosted && item.incidentId !== null));
    }
    let reported = 0;
    for (const item of stopped) {
      const reply = replyRecordOf(item.record);
      const record = await this.options.store.direct.incidents.load(reply.incidentId);
      const draft = record?.state.drafts.find((candidate) => candidate.id === reply.draftId);
      if (!record || draft?.status !== 'approved' || draft.revision !== reply.revision) continue;
      const context = await this.contextOf(reply.incidentId);
      await this.options.store.transaction(async (tx) => {
        const failure: OutboxFailure = { key: item.key, method: item.method, channelId: item.channelId, incidentId: item.incidentId, error: item.lastError ?? WORKSPACE_UNINSTALLED, record: item.record, uncertain: item.uncertain };
        await this.recordReplyNotPosted(tx, failure, context);
        const current = await tx.incidents.load(reply.incidentId);
        if (!current) return;
        await tx.outbox.enqueue({
          key: `delivery-failed:${item.key}`,
          method: 'chat.postMessage',
          payload: { channel: current.alertChannelId, text: t(current.state.incident.locale, 'outbox.reply_stopped_by_uninstall', { draftNumber: draft.number, uncertain: item.uncertain }) },
          threadOf: outboxKeys.root(reply.incidentId),
          incidentId: reply.incidentId,
          now: this.clock.now(),
        });
      });
      reported += 1;
    }
    if (reported > 0) this.options.onCommitted?.();
    return reported;
  }

  /**
   * After a reinstall (and at start-up): incidents of `teamId` whose alert, checklist or draft-card writes
   * the uninstall stopped get them redrawn from the stored state, by the effects a decision uses (one
   * edit per message, the stored state as it is now); a post of one of them that never went out goes
   * back in its lane first. Stopped timeline lines are not sent late one by one (out of order, pinging
   * again): one note in the thread lists them. Public replies are left to reportRepliesStoppedByUninstall.
   * The stopped writes are taken in the redraw's transaction, so two instances or a restart redraw once.
   * Returns how many incidents it redrew.
   */
  async redrawWritesStoppedByUninstall(teamId: string): Promise<number> {
    const byIncident = new Map<string, QueuedSlackWrite[]>();
    for (const reason of UNINSTALL_REASONS) {
      for (const item of await this.options.store.direct.outbox.heldWith(`${WORKSPACE_UNINSTALLED}${reason}`, STOPPED_REPLIES_LIMIT, teamId)) {
        if (item.incidentId === null || stoppedWriteKind(item, item.incidentId) === null) continue;
        byIncident.set(item.incidentId, [...(byIncident.get(item.incidentId) ?? []), item]);
      }
    }
    let redrawn = 0;
    for (const [incidentId, stopped] of byIncident) {
      try {
        if (await this.redrawStopped(incidentId, stopped.sort((a, b) => a.createdAt - b.createdAt))) redrawn += 1;
      } catch (error) {
        this.options.logger.error({ err: error, incidentId }, 'could not redraw an incident whose Slack writes an uninstall stopped; tried again at the next reinstall or start');
      }
    }
    if (redrawn > 0) this.options.onCommitted?.();
    return redrawn;
  }

  private async redrawStopped(incidentId: string, stopped: readonly QueuedSlackWrite[]): Promise<boolean> {
    const context = await this.contextOf(incidentId);
    if (!context) return false;
    const kinds = stopped.map((item) => ({ item, kind: stoppedWriteKind(item, incidentId) }));
    const resend = kinds.filter(({ kind }) => kind === 'post').map(({ item }) => item.key);
    const lines = kinds.filter(({ kind }) => kind === 'line').map(({ item }) => (typeof item.args['text'] === 'string' ? item.args['text'] : item.key));
    const cardDrafts = new Set(stopped.flatMap((item) => draftOfCard(item.messageOf ?? item.key) ?? []));
    const errors = [...new Set(stopped.map((item) => item.lastError ?? WORKSPACE_UNINSTALLED))];
    for (let attempt = 1; ; attempt += 1) {
      try {
        const done = await this.options.store.transaction(async (tx) => {
          const record = await tx.incidents.load(incidentId);
          if (!record) return false;
          const now = this.clock.now();
          // Taken once: another instance (or a run before a restart) that took them redrew already.
          if ((await tx.outbox.takeFailed(stopped.map((item) => item.key), errors, { resend, closedAs: REDRAWN_AFTER_REINSTALL, now })) === 0) return false;
          // Saved as it is: a decision committed meanwhile makes this conflict (redrawn from its state
          // instead), and the redraw's edits get a version, hence keys, of their own.
          await tx.incidents.save(record.state, record.version);
          const next: IncidentRecord = { ...record, version: record.version + 1 };
          const rootKey = outboxKeys.root(incidentId);
          const cards = record.state.drafts.filter((draft) => cardDrafts.has(draft.id)).map((draft) => draft.id);
          const posted = await tx.outbox.postedMessages([rootKey, ...cards.map((draftId) => outboxKeys.draftCard(draftId))]);
          const shown = (key: string) => posted.has(key) || resend.includes(key);
          const effects: Effect[] = [
            ...(shown(rootKey) ? [{ type: 'update_root_message', incidentId } as const] : []),
            ...cards.filter((draftId) => shown(outboxKeys.draftCard(draftId))).map((draftId) => ({ type: 'update_draft_message', incidentId, draftId }) as const),
          ];
          await this.applyEffects(tx, next, effects, context);
          if (lines.length > 0) {
            await tx.outbox.enqueue({
              key: `incident:${incidentId}:v${next.version}:stopped-lines`,
              method: 'chat.postMessage',
              payload: { channel: next.alertChannelId, text: t(next.state.incident.locale, 'outbox.thread_lines_stopped_by_uninstall', { lines: lines.slice(0, STOPPED_LINES_SHOWN), more: Math.max(0, lines.length - STOPPED_LINES_SHOWN) }) },
              threadOf: rootKey,
              incidentId,
              now,
            });
          }
          await tx.audit.record({ at: now, userId: null, action: 'redraw_after_reinstall', outcome: 'accepted', incidentId, data: { resent: resend.length, redrawn: effects.length, lines: lines.length } });
          return true;
        }, { timeoutMs: INCIDENT_TRANSACTION_TIMEOUT_MS });
        if (done) this.options.logger.warn({ incidentId, writes: stopped.length }, 'the alert and cards of an incident whose Slack writes an uninstall stopped were redrawn after the reinstall');
        return done;
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && error instanceof FirebreakError && error.code === 'conflict') continue;
        throw error;
      }
    }
  }

  /** Outbox handler: the root message is in Slack; remember its ts and put it on the timeline. */
  async recordRootPosted(tx: R, incidentId: string, ts: string, channelId: string, context: IncidentContext | null | undefined): Promise<void> {
    await tx.incidents.setRootTs(incidentId, ts);
    let record = (await tx.incidents.load(incidentId)) as IncidentRecord;
    // Posted to a channel given by name: its thread follows Slack's ID for it from now on (a rename keeps it).
    if (record.alertChannelId !== channelId && !CHANNEL_ID.test(record.alertChannelId) && CHANNEL_ID.test(channelId)) {
      await tx.incidents.setAlertChannel(incidentId, channelId);
      record = { ...record, alertChannelId: channelId };
    }
    await this.commitDecision(tx, record, recordAlertPosted(record.state, { channelId, messageTs: ts }, this.clock), contextFor(record, context));
  }

  /** Outbox handler: a public reply is in Slack. */
  async recordReplyPosted(tx: R, incidentId: string, draftId: string, revision: number, ts: string, context: IncidentContext | null | undefined): Promise<void> {
    const record = (await tx.incidents.load(incidentId)) as IncidentRecord;
    const known = contextFor(record, context);
    await this.commitDecision(tx, record, markReplyPosted(record.state, { draftId, revision, messageTs: ts }, this.clock, known.policy), known);
  }

  /** Outbox failure handler: an approved reply will never be posted, so its card and the root stop saying "posting". */
  private async recordReplyNotPosted(tx: R, failure: OutboxFailure, context: IncidentContext | null | undefined): Promise<void> {
    const reply = replyRecordOf(failure.record);
    const record = await tx.incidents.load(reply.incidentId);
    if (!record) return;
    const decision = markReplyNotPosted(record.state, { draftId: reply.draftId, revision: reply.revision, reason: failure.error, uncertain: failure.uncertain === true }, this.clock);
    await this.commitDecision(tx, record, decision, contextFor(record, context));
  }

  /** Scheduler handler for incident reminders and escalations; `context` is contextForReminder's answer, asked before the transaction. */
  async fireReminder(tx: R, reminder: { key: string; payload: Record<string, unknown>; late: boolean }, context: ReminderContext | null | undefined): Promise<void> {
    const scheduled = reminder.payload as { incidentId: string; reason: ReminderReason; recipientUserIds: string[]; subject: string };
    const record = await tx.incidents.load(scheduled.incidentId);
    if (!record || record.state.incident.status === 'resolved') return;
    const known = contextFor(record, context);
    const payload = { ...scheduled, ...this.recipientsHere(record, scheduled.recipientUserIds, context?.deactivatedRecipients ?? [], known.policy) };
    const decision = recordReminderSent(
      record.state,
      { reminderKey: reminder.key, reason: payload.reason, recipientUserIds: payload.recipientUserIds, escalation: isEscalation(payload.reason, reminder.key), subject: payload.subject },
      this.clock,
    );
    await this.commitDecision(tx, record, decision, known);
    const view = this.view(record, known);
    await tx.outbox.enqueue({
      key: `reminder:${reminder.key}:${this.clock.now()}`,
      method: 'chat.postMessage',
      payload: { channel: record.alertChannelId, ...this.options.views.reminder(view, { ...payload, late: reminder.late }) },
      threadOf: outboxKeys.root(record.state.incident.id),
      incidentId: record.state.incident.id,
      now: this.clock.now(),
    });
  }

  /**
   * Whom a reminder reaches: its recipients Slack has not deactivated; when it named only deactivated
   * accounts, the approvers (someone who can act) instead, told why. `deactivated` names those left out.
   */
  private recipientsHere(record: IncidentRecord, recipientUserIds: readonly string[], deactivated: readonly string[], policy: IncidentPolicy): { recipientUserIds: string[]; deactivatedUserIds?: string[]; leadGone?: boolean } {
    const gone = recipientUserIds.filter((userId) => deactivated.includes(userId));
    if (gone.length === 0) return { recipientUserIds: [...recipientUserIds] };
    const left = recipientUserIds.filter((userId) => !deactivated.includes(userId));
    const { leadUserId } = record.state.incident;
    return {
      recipientUserIds: left.length > 0 ? left : takeOverUserIds(policy, deactivated),
      deactivatedUserIds: gone,
      leadGone: leadUserId === null || gone.includes(leadUserId),
    };
  }

  private view(record: IncidentRecord, context: { playbook: Playbook | undefined; policy: IncidentPolicy; channelName?: string | null }): IncidentView {
    return { state: record.state, playbook: context.playbook, policy: context.policy, channelName: context.channelName ?? null, clock: this.clock };
  }

  /** Turns the domain's effects into outbox items and reminders, in the decision's transaction. */
  private async applyEffects(tx: R, record: IncidentRecord, effects: readonly Effect[], context: EffectContext, events: readonly TimelineEvent[] = []): Promise<void> {
    // The channel name comes with the context, asked before the transaction (never asked of Slack in it).
    const run: EffectRun<R> = { tx, record, context, view: { ...this.view(record, context), previousTexts: previousTextsOf(events) }, now: this.clock.now(), eventIndex: 0 };
    for (const effect of effects) {
      switch (effect.type) {
        case 'post_root_message':
          await this.postRootMessage(run);
          break;
        case 'update_root_message':
          await this.updateRootMessage(run, effect.rewriteEarlierCopies === true);
          break;
        case 'post_thread_message':
          await this.postThreadMessage(run, effect.message);
          break;
        case 'update_draft_message':
          await this.updateDraftCard(run, effect.draftId);
          break;
        case 'update_thread_message':
          await this.updateThreadLine(run, effect.event);
          break;
        case 'post_public_reply':
          await this.postPublicReply(run, effect);
          break;
        case 'schedule_reminder':
          await this.scheduleReminder(run, effect);
          break;
        case 'cancel_reminder':
          await run.tx.reminders.cancel(effect.reminderKey);
          break;
        case 'create_postmortem':
          await this.createPostMortem(run, effect.ownerUserId);
          break;
      }
    }
  }

  /** One write of this run into the alerts channel (or `channel`), tied to the incident. */
  private enqueue(run: EffectRun<R>, write: Omit<SlackWrite, 'incidentId' | 'now'>): Promise<boolean> {
    return run.tx.outbox.enqueue({ ...write, incidentId: run.record.state.incident.id, now: run.now });
  }

  /** The alert and its checklist, threaded under it. */
  private async postRootMessage(run: EffectRun<R>): Promise<void> {
    const { record, view } = run;
    const incidentId = record.state.incident.id;
    const rootKey = outboxKeys.root(incidentId);
    const { views } = this.options;
    await this.enqueue(run, { key: rootKey, method: 'chat.postMessage', payload: { channel: record.alertChannelId, ...views.rootMessage(view), unfurl_links: false }, record: { kind: outboxRecords.root, incidentId } });
    await this.enqueue(run, { key: outboxKeys.checklist(incidentId), method: 'chat.postMessage', payload: { channel: record.alertChannelId, ...views.checklist(view) }, threadOf: rootKey });
  }

  /** The alert and its checklist edited in place, one version per decision; `rewriteEarlierCopies`: the alert's kept copies too. */
  private async updateRootMessage(run: EffectRun<R>, rewriteEarlierCopies: boolean): Promise<void> {
    const { record, view } = run;
    const incidentId = record.state.incident.id;
    const rootKey = outboxKeys.root(incidentId);
    const checklistKey = outboxKeys.checklist(incidentId);
    const { views } = this.options;
    const root = views.rootMessage(view);
    // Its post and earlier edits, kept until pruned, never keep words a member changed.
    if (rewriteEarlierCopies) await run.tx.outbox.rewriteCopies(rootKey, root);
    await this.enqueue(run, { key: `${rootKey}:v${record.version}`, method: 'chat.update', payload: { channel: record.alertChannelId, ...root }, messageOf: rootKey });
    await this.enqueue(run, { key: `${checklistKey}:v${record.version}`, method: 'chat.update', payload: { channel: record.alertChannelId, ...views.checklist(view) }, messageOf: checklistKey });
  }

  /** A draft's card (a later revision edits it in place) or a timeline line, in the alert thread. */
  private async postThreadMessage(run: EffectRun<R>, message: ThreadMessage): Promise<void> {
    const { record, view } = run;
    const incidentId = record.state.incident.id;
    const threadOf = outboxKeys.root(incidentId);
    if (message.kind === 'draft') {
      const cardKey = outboxKeys.draftCard(message.draftId);
      const posted = await this.enqueue(run, { key: cardKey, method: 'chat.postMessage', payload: { channel: record.alertChannelId, ...this.options.views.draftCard(view, message.draftId) }, threadOf });
      if (!posted) await this.updateDraftCard(run, message.draftId);
      return;
    }
    run.eventIndex += 1;
    await this.enqueue(run, {
      // The event's kind ends the key (carried in the message metadata): a drill measures real approvals by it.
      key: threadLineKey(message.event) ?? `incident:${incidentId}:v${record.version}:event:${run.eventIndex}:${message.event.kind}`,
      method: 'chat.postMessage',
      payload: { channel: record.alertChannelId, ...this.options.views.threadEvent(message.event, view) },
      threadOf,
    });
  }

  /**
   * A timeline line edited in place to show its event as it is now, once (its own key: a replay finds it
   * queued). A line posted before lines were named by their message has no key to edit by: left as it is.
   */
  private async updateThreadLine(run: EffectRun<R>, event: TimelineEvent): Promise<void> {
    const { record, view } = run;
    const lineKey = threadLineKey(event);
    if (!lineKey || !(await run.tx.outbox.has(lineKey))) return;
    const line = this.options.views.threadEvent(event, view);
    const payload = { channel: record.alertChannelId, ...line };
    // The line's own write and its earlier edits keep no other words either: not sent yet (Slack unreachable), they post them as they are now.
    await run.tx.outbox.rewriteCopies(lineKey, line);
    // One edit per decision: a message deleted once, or edited again and again.
    await this.enqueue(run, { key: `${lineKey}:v${record.version}`, method: 'chat.update', payload, messageOf: lineKey });
  }

  private async updateDraftCard(run: EffectRun<R>, draftId: string): Promise<void> {
    const { record, view } = run;
    await this.enqueue(run, {
      key: `${outboxKeys.draftCard(draftId)}:v${record.version}`,
      method: 'chat.update',
      payload: { channel: record.alertChannelId, ...this.options.views.draftCard(view, draftId) },
      messageOf: outboxKeys.draftCard(draftId),
    });
  }

  /** The approved reply: to the community, or for a drill only into its own alert thread. */
  private async postPublicReply(run: EffectRun<R>, effect: Extract<Effect, { type: 'post_public_reply' }>): Promise<void> {
    const { record, view } = run;
    const incidentId = record.state.incident.id;
    const drill = effect.drill || record.state.incident.drill;
    const target = effect.target;
    // Approved again after a deactivated approver's approval stopped counting: the post the last gate
    // held then (never sent) leaves the outbox, so this approval's post is queued under the same key.
    await run.tx.outbox.forgetFailed(effect.idempotencyKey, `${HOLD_PREFIX}not_approved`);
    await this.enqueue(run, {
      key: effect.idempotencyKey,
      method: 'chat.postMessage',
      payload: drill
        ? { channel: record.alertChannelId, ...this.options.views.drillReply(view, { draftId: effect.draftId, text: effect.text, target }) }
        : { channel: target.channelId, text: effect.text, ...(target.kind === 'thread' ? { thread_ts: target.messageTs } : {}), unfurl_links: false },
      ...(drill ? { threadOf: outboxKeys.root(incidentId) } : {}),
      record: { kind: outboxRecords.replyPosted, incidentId, draftId: effect.draftId, revision: effect.revision },
    });
  }

  /** Scheduling a key again replaces the earlier reminder (a step changed owner, a lead changed). */
  private async scheduleReminder(run: EffectRun<R>, effect: Extract<Effect, { type: 'schedule_reminder' }>): Promise<void> {
    const incidentId = run.record.state.incident.id;
    await run.tx.reminders.reschedule({
      key: effect.reminderKey,
      kind: INCIDENT_REMINDER_KIND,
      dueAt: effect.at,
      payload: { incidentId, reason: effect.reason, recipientUserIds: [...effect.recipientUserIds], subject: effect.subject },
      incidentId,
    });
  }

  /** A resolved incident gets its post-mortem once, from its playbook's template. */
  private async createPostMortem(run: EffectRun<R>, ownerUserId: string | null): Promise<void> {
    const { tx, record, context } = run;
    const incidentId = record.state.incident.id;
    if (await tx.postMortems.load(incidentId)) return;
    if (!context.playbook) return;
    // Never asked of Slack here: a slow Slack would hold the transaction (SQLite's one writer) open.
    const template = context.postMortemTemplate;
    if (template === undefined) throw new PostMortemTemplateNeeded(incidentId);
    if (template === null) return;
    const created = createPostMortem({ incidentId, ownerUserId, resolutionSummary: record.state.incident.resolutionSummary }, template, this.clock);
    await tx.postMortems.insert(created.postMortem);
    await this.options.onPostMortemCreated?.(tx, record, created.postMortem, created.effects);
  }
}

interface EffectContext {
  playbook: Playbook | undefined;
  policy: IncidentPolicy;
  /** The watched channel's name, asked of Slack before the transaction; null when Slack did not give it. */
  channelName: string | null;
  /** The post-mortem template, resolved before the transaction; only a decision that resolves needs it (null: no playbook). */
  postMortemTemplate?: PostMortemTemplate | null | undefined;
}

/** A decision resolves the incident but its post-mortem template was not asked of Slack before the transaction. */
class PostMortemTemplateNeeded extends Error {
  constructor(incidentId: string) {
    super(`incident ${incidentId} resolves, but its post-mortem template was not resolved before the transaction`);
  }
}

/** An incident's playbook, policy and channel name, asked of Slack before a transaction that records something about it. */
export interface IncidentContext {
  incidentId: string;
  playbook: Playbook | undefined;
  policy: IncidentPolicy;
  channelName: string | null;
}

/** A reminder's context: also which of its recipients Slack says are deactivated. */
export interface ReminderContext extends IncidentContext {
  deactivatedRecipients?: readonly string[];
}

/** At most this many stopped writes are looked at per reason after a reinstall (oldest first). */
const STOPPED_REPLIES_LIMIT = 500;
/** Why an uninstall stopped writes (InstallService's UninstallReason). */
const UNINSTALL_REASONS = ['app_uninstalled', 'tokens_revoked'] as const;
/** Stopped thread lines quoted in the note after a reinstall; the rest are counted. */
const STOPPED_LINES_SHOWN = 20;

/**
 * What a write an uninstall stopped is to the redraw after the reinstall: the post of the alert, its
 * checklist or a draft card (sent again), an edit of one of them (replaced by one redraw), a line in the
 * alert's thread (listed in one note), or null (left as it is: public replies, anything else).
 */
function stoppedWriteKind(item: QueuedSlackWrite, incidentId: string): 'post' | 'edit' | 'line' | null {
  if (item.record?.kind === outboxRecords.replyPosted) return null;
  const drawn = (key: string) => key === outboxKeys.root(incidentId) || key === outboxKeys.checklist(incidentId) || draftOfCard(key) !== null;
  if (item.method === 'chat.postMessage' && drawn(item.key)) return 'post';
  if (item.method === 'chat.update' && item.messageOf !== undefined && drawn(item.messageOf)) return 'edit';
  if (item.method === 'chat.postMessage' && item.threadOf === outboxKeys.root(incidentId)) return 'line';
  return null;
}

/** The key of the thread line an event posts when it can be edited later (a member message added to the timeline), else null. */
function threadLineKey(event: TimelineEvent): string | null {
  const { channelId, messageTs } = event.data;
  if (event.kind !== 'message_added' || typeof channelId !== 'string' || typeof messageTs !== 'string') return null;
  return outboxKeys.addedMessageLine(event.incidentId, channelId, messageTs);
}

/** The draft whose card `key` posts (`draft:<id>:card`), or null. */
function draftOfCard(key: string): string | null {
  return /^draft:([^:]+):card$/.exec(key)?.[1] ?? null;
}

/**
 * Inside a transaction a handler records something about an incident whose context was not asked of
 * Slack before it (it was not found then): rolled back, and retried after asking (the outbox's and the
 * scheduler's retry ask again first). Never asked here: a slow Slack would hold the transaction open.
 */
export class IncidentContextNeeded extends Error {
  constructor(incidentId: string) {
    super(`incident ${incidentId}: its playbook's user groups and channel name were not asked of Slack before the transaction; retried after asking`);
    this.name = 'IncidentContextNeeded';
  }
}

/** The context asked before the transaction for this incident; IncidentContextNeeded when there is none. */
function contextFor(record: IncidentRecord, context: IncidentContext | null | undefined): IncidentContext {
  if (context?.incidentId !== record.state.incident.id) throw new IncidentContextNeeded(record.state.incident.id);
  return context;
}

/** Whether an accepted decision creates the incident's post-mortem (a resolve). */
function createsPostMortem(decision: Decision): boolean {
  return decision.ok && decision.effects.some((effect) => effect.type === 'create_postmortem');
}

/** One decision's effects being carried out: its transaction, the incident as decided, and its view. */
interface EffectRun<R extends IncidentRepositories> {
  tx: R;
  record: IncidentRecord;
  context: EffectContext;
  view: IncidentView;
  now: number;
  /** Timeline lines posted so far by this decision (each gets its own key). */
  eventIndex: number;
}

type ThreadMessage = Extract<Effect, { type: 'post_thread_message' }>['message'];

/** The reply an outbox item of kind `reply_posted` carries. */
function replyRecordOf(record: SlackWrite['record']): ReplyRecord {
  return { incidentId: String(record?.['incidentId']), draftId: String(record?.['draftId']), revision: Number(record?.['revision']) };
}

/** The text before the latest edit, per draft id, when this decision edited drafts. */
function previousTextsOf(events: readonly TimelineEvent[]): Record<string, string> {
  const previousTexts: Record<string, string> = {};
  for (const event of events) {
    const data = event.data as { draftId?: string; previousText?: string };
    if (event.kind === 'draft_edited' && data.draftId && typeof data.previousText === 'string') previousTexts[data.draftId] = data.previousText;
  }
  return previousTexts;
}

/** The first acknowledgement reminder reminds; the later rungs of the ladder escalate. */
function isEscalation(reason: ReminderReason, key: string): boolean {
  const level = /:acknowledge:(\d+)$/.exec(key)?.[1];
  return reason === 'acknowledge' && level !== undefined && Number(level) > 0;
}
