// Incident use cases: open (from a spike or a declaration), run a staff decision, and carry out its
// effects. Every state change, its timeline entries, its audit entry and the Slack writes and
// reminders it causes commit in one transaction (the outbox sends them afterwards).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { Locale } from '../i18n/index.js';
import {
  markReplyPosted,
  openIncident,
  recordAlertPosted,
  recordReminderSent,
  recordDetectionEscalated,
  type DetectionEscalated,
  type Decision,
  type Effect,
  type IncidentPolicy,
  type IncidentState,
  type JsonValue,
  type Refusal,
  type ReminderReason,
  type Severity,
  type TimelineEvent,
} from '../domain/incidents/index.js';
import { classifySeverity, type Playbook, type SelectionContext } from '../domain/playbooks/index.js';
import { createPostMortem, type PostMortem, type PostMortemEffect } from '../domain/postmortems/index.js';
import { FirebreakError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PrismaDb } from '../store/database.js';
import { isUniqueViolation, type Db } from '../store/repositories/events.js';
import {
  appendTimeline,
  insertIncident,
  loadIncident,
  nextIncidentNumber,
  saveIncidentState,
  writeAudit,
  type IncidentRecord,
} from '../store/repositories/incidents.js';
import { insertPostMortem, loadPostMortem } from '../store/repositories/postmortems.js';
import { cancelReminders } from '../store/repositories/reminders.js';
import { enqueueSlackWrite } from '../slack/outbox/index.js';
import type { Directory } from './directory.js';
import { checklistFor, incidentPolicyFor, postMortemTemplateFor } from './policy.js';
import type { IncidentView, IncidentViews } from './ports/index.js';

export const INCIDENT_REMINDER_KIND = 'incident.reminder';
export const outboxRecords = { root: 'incident_root', replyPosted: 'reply_posted', draftCard: 'draft_card' } as const;

export const outboxKeys = {
  root: (incidentId: string) => `incident:${incidentId}:root`,
  draftCard: (draftId: string) => `draft:${draftId}:card`,
  checklist: (incidentId: string) => `incident:${incidentId}:checklist`,
};

export interface IncidentServiceOptions {
  prisma: PrismaDb;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  views: IncidentViews;
  playbook(id: string): Playbook | undefined;
  selectPlaybook(context: SelectionContext): Playbook;
  /** ALERTS_CHANNEL: where incidents go unless their playbook names another channel. */
  alertsChannel?: string;
  locale: Locale;
  /** Called after a transaction that wrote Slack writes or reminders (wakes the workers). */
  onCommitted?: () => void;
  channelName?(channelId: string): Promise<string | null>;
  /** Carries out a new post-mortem's own effects (invite the owner, schedule its due date) in `tx`. */
  onPostMortemCreated?(tx: Db, incident: IncidentRecord, postMortem: PostMortem, effects: readonly PostMortemEffect[]): Promise<void>;
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

export type DecisionOutcome = { ok: true; incidentId: string } | { ok: false; refusal: Refusal };

const MAX_ATTEMPTS = 5;

export class IncidentService {
  constructor(private readonly options: IncidentServiceOptions) {}

  private get clock(): Clock {
    return this.options.clock;
  }

  async policyFor(playbookId: string): Promise<{ playbook: Playbook | undefined; policy: IncidentPolicy }> {
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
    return { playbook, policy: await incidentPolicyFor(playbook, this.options.directory) };
  }

  /** The open (unresolved) incident on a channel, if any: one crisis, one incident. */
  async openIncidentOn(workspaceId: string, channelId: string): Promise<string | null> {
    const row = await this.options.prisma.incident.findFirst({
      where: { workspaceId, channelId, status: { not: 'resolved' } },
      orderBy: { openedAt: 'desc' },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  /** A spike opens an incident unless one is already open on that channel. Returns its id. */
  async openFromDetection(input: DetectionInput): Promise<{ incidentId: string; opened: boolean }> {
    const existing = await this.openIncidentOn(input.workspaceId, input.channelId);
    if (existing) return { incidentId: existing, opened: false };
    const explanation = input.explanation as { dominantTerms?: { term: string }[]; negativeShare?: number | null; observed?: number; distinctAuthors?: number | null; kind?: string };
    const playbook = this.options.selectPlaybook({
      channelId: input.channelId,
      channelName: input.channelName ?? undefined,
      language: input.language,
      terms: (explanation.dominantTerms ?? []).map((term) => term.term),
    });
    const severity = classifySeverity(playbook, {
      negativeRatio: explanation.negativeShare ?? 0,
      negativeMessages: explanation.observed ?? 0,
      distinctAuthors: explanation.distinctAuthors ?? 0,
    });
    return this.open({
      ...input,
      playbook,
      severity,
      title: input.channelName ? `#${input.channelName}` : input.channelId,
      detection: { source: 'detector', ...input.explanation } as JsonValue,
    });
  }

  /**
   * The detector saw a clear escalation during an alert: recorded on the channel's open incident
   * (no second incident); with none open (staff resolved it meanwhile), a new one is opened.
   */
  async escalateFromDetection(input: DetectionInput, escalation: DetectionEscalated): Promise<{ incidentId: string; opened: boolean }> {
    const existing = await this.openIncidentOn(input.workspaceId, input.channelId);
    if (!existing) return this.openFromDetection(input);
    await this.decide(existing, (state, _policy, clock) => recordDetectionEscalated(state, escalation, clock));
    return { incidentId: existing, opened: false };
  }

  /** `/firebreak declare`: staff open an incident by hand. */
  async declare(input: DeclareInput): Promise<{ incidentId: string; opened: boolean }> {
    const existing = await this.openIncidentOn(input.workspaceId, input.channelId);
    if (existing) return { incidentId: existing, opened: false };
    const playbook = this.options.selectPlaybook({ channelId: input.channelId, channelName: input.channelName ?? undefined, text: input.summary });
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
    const locale = playbook.locale ?? this.options.locale;
    const policy = await incidentPolicyFor(playbook, this.options.directory);
    const checklist = await checklistFor(playbook, locale, this.options.directory);
    const alertChannelId = playbook.alertsChannel ?? this.options.alertsChannel;
    if (!alertChannelId) {
      throw new FirebreakError('config_invalid', `No alerts channel for playbook ${playbook.id}: set ALERTS_CHANNEL or the playbook's alertsChannel.`);
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        const incidentId = await this.options.prisma.$transaction(async (tx) => {
          // Re-checked inside the transaction: two detection ticks must not open two incidents.
          const already = await tx.incident.findFirst({ where: { workspaceId: input.workspaceId, channelId: input.channelId, status: { not: 'resolved' } }, select: { id: true } });
          if (already) return { id: already.id, opened: false };
          const number = await nextIncidentNumber(tx, input.workspaceId);
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
          await insertIncident(tx, { state: opened.state, workspaceId: input.workspaceId, title: input.title, alertChannelId });
          await appendTimeline(tx, opened.events);
          await this.applyEffects(tx, record, opened.effects, { playbook, policy, channelName: input.channelName });
          return { id: opened.state.incident.id, opened: true };
        });
        this.options.onCommitted?.();
        return { incidentId: incidentId.id, opened: incidentId.opened };
      } catch (error) {
        // A concurrent opening took the same number (unique constraint): take the next one.
        if (attempt < MAX_ATTEMPTS && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  /**
   * Runs one staff decision on fresh state; a concurrent decision on the same incident makes it
   * start again from the newer state. Refusals are audited and returned for an ephemeral answer.
   */
  async decide(
    incidentId: string,
    decide: (state: IncidentState, policy: IncidentPolicy, clock: Clock) => Decision,
  ): Promise<DecisionOutcome> {
    const first = await loadIncident(this.options.prisma, incidentId);
    if (!first) throw new FirebreakError('not_found', `There is no incident ${incidentId}.`);
    const { playbook, policy } = await this.policyFor(first.state.incident.playbookId);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await this.options.prisma.$transaction(async (tx) => {
          const record = (await loadIncident(tx, incidentId)) as IncidentRecord;
          return this.commitDecision(tx, record, decide(record.state, policy, this.clock), { playbook, policy });
        });
        if (outcome.ok) this.options.onCommitted?.();
        return outcome;
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && error instanceof FirebreakError && error.code === 'conflict') continue;
        throw error;
      }
    }
  }

  /** Writes an accepted decision (state, timeline, audit, effects) or audits a refusal. */
  private async commitDecision(
    tx: Db,
    record: IncidentRecord,
    decision: Decision,
    context: { playbook: Playbook | undefined; policy: IncidentPolicy; channelName?: string | null },
  ): Promise<DecisionOutcome> {
    await writeAudit(tx, decision.audit);
    if (!decision.ok) return { ok: false, refusal: decision.refusal };
    if (decision.audit.outcome === 'no_op') return { ok: true, incidentId: record.state.incident.id };
    await saveIncidentState(tx, decision.state, record.version);
    await appendTimeline(tx, decision.events);
    const next: IncidentRecord = { ...record, state: decision.state, version: record.version + 1 };
    await this.applyEffects(tx, next, decision.effects, context, decision.events);
    return { ok: true, incidentId: record.state.incident.id };
  }

  /** Outbox handler: the root message is in Slack; remember its ts and put it on the timeline. */
  async recordRootPosted(tx: Db, incidentId: string, ts: string, channelId: string): Promise<void> {
    await tx.incident.update({ where: { id: incidentId }, data: { rootTs: ts } });
    const record = (await loadIncident(tx, incidentId)) as IncidentRecord;
    await this.commitDecision(tx, record, recordAlertPosted(record.state, { channelId, messageTs: ts }, this.clock), await this.policyFor(record.state.incident.playbookId));
  }

  /** Outbox handler: a public reply is in Slack. */
  async recordReplyPosted(tx: Db, incidentId: string, draftId: string, revision: number, ts: string): Promise<void> {
    const record = (await loadIncident(tx, incidentId)) as IncidentRecord;
    const context = await this.policyFor(record.state.incident.playbookId);
    await this.commitDecision(tx, record, markReplyPosted(record.state, { draftId, revision, messageTs: ts }, this.clock, context.policy), context);
  }

  /** Scheduler handler for incident reminders and escalations. */
  async fireReminder(tx: Db, reminder: { key: string; payload: Record<string, unknown>; late: boolean }): Promise<void> {
    const payload = reminder.payload as { incidentId: string; reason: ReminderReason; recipientUserIds: string[]; subject: string };
    const record = await loadIncident(tx, payload.incidentId);
    if (!record || record.state.incident.status === 'resolved') return;
    const context = await this.policyFor(record.state.incident.playbookId);
    const decision = recordReminderSent(
      record.state,
      { reminderKey: reminder.key, reason: payload.reason, recipientUserIds: payload.recipientUserIds, escalation: isEscalation(payload.reason, reminder.key), subject: payload.subject },
      this.clock,
    );
    await this.commitDecision(tx, record, decision, context);
    const view = this.view(record, context);
    await enqueueSlackWrite(tx, {
      key: `reminder:${reminder.key}:${this.clock.now()}`,
      method: 'chat.postMessage',
      payload: { channel: record.alertChannelId, ...this.options.views.reminder(view, { ...payload, late: reminder.late }) },
      threadOf: outboxKeys.root(record.state.incident.id),
      incidentId: record.state.incident.id,
      now: this.clock.now(),
    });
  }

  private view(record: IncidentRecord, context: { playbook: Playbook | undefined; policy: IncidentPolicy; channelName?: string | null }): IncidentView {
    return { state: record.state, playbook: context.playbook, policy: context.policy, channelName: context.channelName ?? null, clock: this.clock };
  }

  /** Turns the domain's effects into outbox items and reminders, in the decision's transaction. */
  private async applyEffects(
    tx: Db,
    record: IncidentRecord,
    effects: readonly Effect[],
    context: { playbook: Playbook | undefined; policy: IncidentPolicy; channelName?: string | null },
    events: readonly TimelineEvent[] = [],
  ): Promise<void> {
    const { views } = this.options;
    const incidentId = record.state.incident.id;
    const channelName = context.channelName ?? (await this.options.channelName?.(record.state.incident.channelId)) ?? null;
    const previousTexts: Record<string, string> = {};
    for (const event of events) {
      const data = event.data as { draftId?: string; previousText?: string };
      if (event.kind === 'draft_edited' && data.draftId && typeof data.previousText === 'string') previousTexts[data.draftId] = data.previousText;
    }
    const view = { ...this.view(record, { ...context, channelName }), previousTexts };
    const now = this.clock.now();
    const rootKey = outboxKeys.root(incidentId);
    let eventIndex = 0;
    for (const effect of effects) {
      switch (effect.type) {
        case 'post_root_message':
          await enqueueSlackWrite(tx, {
            key: rootKey,
            method: 'chat.postMessage',
            payload: { channel: record.alertChannelId, ...views.rootMessage(view), unfurl_links: false },
            incidentId,
            record: { kind: outboxRecords.root, incidentId },
            now,
          });
          await enqueueSlackWrite(tx, {
            key: outboxKeys.checklist(incidentId),
            method: 'chat.postMessage',
            payload: { channel: record.alertChannelId, ...views.checklist(view) },
            threadOf: rootKey,
            incidentId,
            now,
          });
          break;
        case 'update_root_message':
          await enqueueSlackWrite(tx, {
            key: `${rootKey}:v${record.version}`,
            method: 'chat.update',
            payload: { channel: record.alertChannelId, ...views.rootMessage(view) },
            messageOf: rootKey,
            incidentId,
            now,
          });
          await enqueueSlackWrite(tx, {
            key: `${outboxKeys.checklist(incidentId)}:v${record.version}`,
            method: 'chat.update',
            payload: { channel: record.alertChannelId, ...views.checklist(view) },
            messageOf: outboxKeys.checklist(incidentId),
            incidentId,
            now,
          });
          break;
        case 'post_thread_message':
          if (effect.message.kind === 'draft') {
            const cardKey = outboxKeys.draftCard(effect.message.draftId);
            const posted = await enqueueSlackWrite(tx, {
              key: cardKey,
              method: 'chat.postMessage',
              payload: { channel: record.alertChannelId, ...views.draftCard(view, effect.message.draftId) },
              threadOf: rootKey,
              incidentId,
              now,
            });
            // A later revision of the same draft edits its card in place.
            if (!posted) await this.updateDraftCard(tx, record, view, effect.message.draftId, now);
          } else {
            eventIndex += 1;
            await enqueueSlackWrite(tx, {
              // The event's kind ends the key (carried in the message metadata): a drill measures real approvals by it.
              key: `incident:${incidentId}:v${record.version}:event:${eventIndex}:${effect.message.event.kind}`,
              method: 'chat.postMessage',
              payload: { channel: record.alertChannelId, ...views.threadEvent(effect.message.event, view) },
              threadOf: rootKey,
              incidentId,
              now,
            });
          }
          break;
        case 'update_draft_message':
          await this.updateDraftCard(tx, record, view, effect.draftId, now);
          break;
        case 'post_public_reply': {
          const drill = effect.drill || record.state.incident.drill;
          const target = effect.target;
          await enqueueSlackWrite(tx, {
            key: effect.idempotencyKey,
            method: 'chat.postMessage',
            payload: drill
              ? { channel: record.alertChannelId, ...views.drillReply(view, { draftId: effect.draftId, text: effect.text, target }) }
              : { channel: target.channelId, text: effect.text, ...(target.kind === 'thread' ? { thread_ts: target.messageTs } : {}), unfurl_links: false },
            ...(drill ? { threadOf: rootKey } : {}),
            incidentId,
            record: { kind: outboxRecords.replyPosted, incidentId, draftId: effect.draftId, revision: effect.revision },
            now,
          });
          break;
        }
        case 'schedule_reminder':
          await tx.reminder.upsert({
            where: { key: effect.reminderKey },
            create: {
              id: randomUUID(),
              key: effect.reminderKey,
              kind: INCIDENT_REMINDER_KIND,
              dueAt: new Date(effect.at),
              payload: { incidentId, reason: effect.reason, recipientUserIds: [...effect.recipientUserIds], subject: effect.subject },
              incidentId,
            },
            // Scheduling a key again replaces the earlier reminder (a step changed owner, a lead changed).
            update: {
              kind: INCIDENT_REMINDER_KIND,
              dueAt: new Date(effect.at),
              payload: { incidentId, reason: effect.reason, recipientUserIds: [...effect.recipientUserIds], subject: effect.subject },
              status: 'pending',
              firedAt: null,
              attempts: 0,
            },
          });
          break;
        case 'cancel_reminder':
          await cancelReminders(tx, effect.reminderKey);
          break;
        case 'create_postmortem': {
          if (await loadPostMortem(tx, incidentId)) break;
          if (!context.playbook) break;
          const template = await postMortemTemplateFor(context.playbook, record.state.incident.locale, this.options.directory);
          const created = createPostMortem({ incidentId, ownerUserId: effect.ownerUserId, resolutionSummary: record.state.incident.resolutionSummary }, template, this.clock);
          await insertPostMortem(tx, created.postMortem);
          await this.options.onPostMortemCreated?.(tx, record, created.postMortem, created.effects);
          break;
        }
      }
    }
  }

  private async updateDraftCard(tx: Db, record: IncidentRecord, view: IncidentView, draftId: string, now: number): Promise<void> {
    await enqueueSlackWrite(tx, {
      key: `${outboxKeys.draftCard(draftId)}:v${record.version}`,
      method: 'chat.update',
      payload: { channel: record.alertChannelId, ...this.options.views.draftCard(view, draftId) },
      messageOf: outboxKeys.draftCard(draftId),
      incidentId: record.state.incident.id,
      now,
    });
  }
}

/** The first acknowledgement reminder reminds; the later rungs of the ladder escalate. */
function isEscalation(reason: ReminderReason, key: string): boolean {
  const level = /:acknowledge:(\d+)$/.exec(key)?.[1];
  return reason === 'acknowledge' && level !== undefined && Number(level) > 0;
}
