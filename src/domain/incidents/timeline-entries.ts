/**
 * Entries that only add to the timeline: notes, community messages staff attach with the message
 * shortcut, the alert itself, reminders sent. Allowed after resolution too, so the record can be
 * completed while the post-mortem is written.
 */
import type { Clock } from '../clock.js';
import { accept, noOp, refuse, type CommandBase, type Decision, type ReminderReason } from './decision.js';
import { announce, event, refuseBadText, type IncidentPolicy } from './context.js';
import type { IncidentState, TimelineEvent } from './types.js';

export interface AddNoteCommand extends CommandBase {
  readonly text: string;
}

export function addNote(state: IncidentState, command: AddNoteCommand, _policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const context = { state, action: 'add_note' as const, actorUserId: command.actorUserId, at, text: command.text ?? null, locale: command.locale };
  const bad = refuseBadText(context, 'note', command.text);
  if (bad) return bad;
  const events = [event(state, at, 'note_added', command.actorUserId, command.text)];
  return accept(context, state, events, announce(events, false));
}

/** A Slack message as the message shortcut sees it. */
export interface QuotedMessage {
  readonly channelId: string;
  readonly messageTs: string;
  /** A community member: pseudonymised in exports unless the team opts in. */
  readonly authorUserId: string | null;
  readonly authorName: string | null;
  readonly text: string;
  readonly postedAt: number;
  readonly permalink: string | null;
}

/** True when this Slack message is already on the timeline, so the shortcut can say so instead of adding it twice. */
export function isMessageInTimeline(timeline: readonly TimelineEvent[], channelId: string, messageTs: string): boolean {
  return timeline.some((e) => e.kind === 'message_added' && e.data['channelId'] === channelId && e.data['messageTs'] === messageTs);
}

export interface AddMessageCommand extends CommandBase {
  readonly message: QuotedMessage;
  /** Its author deleted it (the watcher stored the deletion): refused, nothing of it kept, not even in the audit. */
  readonly deletedByAuthor?: boolean;
}

/**
 * The quoted text is kept verbatim, whatever its length (it was not typed into a Firebreak input); the
 * entry is timed when it was added and carries the message's own time in its data.
 */
export function addMessage(state: IncidentState, command: AddMessageCommand, _policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const { message } = command;
  const context = {
    state,
    action: 'add_message' as const,
    actorUserId: command.actorUserId,
    at,
    text: command.deletedByAuthor ? null : message.text,
    details: { channelId: message.channelId, messageTs: message.messageTs },
    locale: command.locale,
  };
  // A stale shortcut or form on a message its author took back: the timeline would keep their words.
  if (command.deletedByAuthor) return refuse(context, 'refusal.message_deleted', {});
  const events = [
    event(state, at, 'message_added', command.actorUserId, message.text, {
      channelId: message.channelId,
      messageTs: message.messageTs,
      authorUserId: message.authorUserId,
      authorName: message.authorName,
      postedAt: message.postedAt,
      permalink: message.permalink,
    }),
  ];
  return accept(context, state, events, announce(events, false));
}

export interface AlertPosted {
  readonly channelId: string;
  readonly messageTs: string;
}

/** The edge posted the root message (from `post_root_message`) and says where it is. */
export function recordAlertPosted(state: IncidentState, alert: AlertPosted, clock: Clock): Decision {
  const at = clock.now();
  const context = { state, action: 'record_alert_posted' as const, actorUserId: null, at, text: null, details: { ...alert } };
  return accept(context, state, [event(state, at, 'alert_posted', null, null, { ...alert })], []);
}

/** An open incident whose root was held in a watched community channel, and a safe alerts channel for it now. */
export interface HeldAlert {
  /** Where the root was held (the incident's stored alerts channel). */
  readonly heldChannelId: string;
  /** Why it was held (the outbox's hold reason, e.g. `alerts_channel_watched`). */
  readonly reason: string;
  /** True while the root was never posted and the outbox holds it. */
  readonly rootHeld: boolean;
  /** The first alerts channel that is not a watched community channel now; null when there is none. */
  readonly safeChannelId: string | null;
}

/**
 * Raises a held incident in a safe alerts channel: its root is posted there (the edge moves the
 * thread) with a timeline line saying it was held and why. Nothing to do for a resolved incident, a
 * root already posted, or while no safe channel exists.
 */
export function raiseHeldAlert(state: IncidentState, held: HeldAlert, clock: Clock): Decision {
  const at = clock.now();
  const context = { state, action: 'raise_held_alert' as const, actorUserId: null, at, text: null, details: { ...held } };
  if (state.incident.status === 'resolved' || !held.rootHeld || !held.safeChannelId) return noOp(context);
  const events = [event(state, at, 'alert_raised_again', null, null, { heldChannelId: held.heldChannelId, channelId: held.safeChannelId, reason: held.reason })];
  return accept(context, state, events, [{ type: 'post_root_message', incidentId: state.incident.id }, ...announce(events, false)]);
}

/** The detector saw the open incident's channel clearly worsen: recorded on the incident, no new one opened. */
export interface DetectionEscalated {
  readonly observed: number;
  readonly expected: number;
  readonly windowStart: number;
  readonly windowEnd: number;
}

export function recordDetectionEscalated(state: IncidentState, escalation: DetectionEscalated, clock: Clock): Decision {
  const at = clock.now();
  const context = { state, action: 'record_detection_escalated' as const, actorUserId: null, at, text: null, details: { ...escalation } };
  const events = [event(state, at, 'detection_escalated', null, null, { ...escalation })];
  return accept(context, state, events, announce(events, false));
}

export interface ReminderSent {
  readonly reminderKey: string;
  readonly reason: ReminderReason;
  readonly recipientUserIds: readonly string[];
  /** True when it went beyond the owner (an escalation), false for a plain reminder. */
  readonly escalation: boolean;
  readonly subject: string;
}

export function recordReminderSent(state: IncidentState, sent: ReminderSent, clock: Clock): Decision {
  const at = clock.now();
  const data = { reminderKey: sent.reminderKey, reason: sent.reason, recipientUserIds: [...sent.recipientUserIds] };
  const context = { state, action: 'record_reminder_sent' as const, actorUserId: null, at, text: sent.subject, details: data };
  const events = [event(state, at, sent.escalation ? 'escalation_sent' : 'reminder_sent', null, sent.subject, data)];
  return accept(context, state, events, []);
}
