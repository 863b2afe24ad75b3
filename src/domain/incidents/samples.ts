/**
 * The member messages an incident quotes (its detection's samples) when their authors delete them: the
 * stored sample loses its words and the alert is drawn again without them, in place. The sample keeps its
 * id, author and score, so the explanation still counts the message that made the spike.
 */
import type { Clock } from '../clock.js';
import { accept, noOp, type Decision } from './decision.js';
import type { IncidentState, JsonObject, JsonValue, TimelineEvent } from './types.js';

/** A member deleted the message `messageTs` of the incident's channel. */
export interface SampleDeleted {
  readonly messageTs: string;
}

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The detection's samples (the member messages an incident quotes), each an object; none when it holds none. */
export function samplesOf(detection: JsonValue): readonly JsonObject[] {
  const samples = isObject(detection) ? detection['samples'] : undefined;
  return Array.isArray(samples) ? samples.filter(isObject) : [];
}

const sampleQuoting = (detection: JsonValue, messageTs: string) => samplesOf(detection).find((sample) => sample['id'] === messageTs);

/** Whether the incident quotes `messageTs` as a sample whose words it still keeps. */
export function quotesSample(state: IncidentState, messageTs: string): boolean {
  const sample = sampleQuoting(state.incident.detection, messageTs);
  return sample !== undefined && sample['deleted'] !== true;
}

/** Whether the incident quotes `messageTs` as a sample its author deleted (feedback on it is refused). */
export function sampleWasDeleted(detection: JsonValue, messageTs: string): boolean {
  return sampleQuoting(detection, messageTs)?.['deleted'] === true;
}

/**
 * The quoted sample loses its text (and anything else that quotes it) and is marked deleted; the alert is
 * redrawn in place. No timeline line: it would be a staff-thread notification about a member's own act,
 * and a line that said which message it was would keep pointing at words the member took back; the
 * redrawn alert and the audit entry (which never quotes the text) say it. Allowed after resolution too:
 * a resolved alert still shows its samples. Nothing to do when the incident does not quote the message,
 * or already shows it deleted (a replayed deletion).
 */
export function sampleDeleted(state: IncidentState, deletion: SampleDeleted, clock: Clock): Decision {
  const at = clock.now();
  const context = { state, action: 'redraw_sample_deleted' as const, actorUserId: null, at, text: null, details: { messageTs: deletion.messageTs } };
  if (!quotesSample(state, deletion.messageTs)) return noOp(context);
  const next: IncidentState = { ...state, incident: { ...state.incident, detection: detectionWithoutSample(state.incident.detection, deletion.messageTs, at) } };
  return accept(context, next, [], [{ type: 'update_root_message', incidentId: state.incident.id }]);
}

/**
 * The detection with the sample quoting `messageTs` stripped of its words and marked deleted at `at`;
 * as it was when it quotes no such message. The incident's stored detection and the copy its `detected`
 * timeline entry keeps both go through it.
 */
export function detectionWithoutSample(detection: JsonValue, messageTs: string, at: number): JsonValue {
  if (!isObject(detection) || !Array.isArray(detection['samples'])) return detection;
  const samples = detection['samples'].map((sample) => (isObject(sample) && sample['id'] === messageTs && sample['deleted'] !== true ? withoutWords(sample, at) : sample));
  return { ...detection, samples };
}

/** What a deleted sample keeps: which message it was, who wrote it and how it scored; never its words. */
function withoutWords(sample: JsonObject, at: number): JsonObject {
  const kept: Record<string, JsonValue> = { text: '', deleted: true, deletedAt: at };
  for (const field of ['id', 'authorId', 'score', 'permalink'] as const) {
    const value = sample[field];
    if (value !== undefined) kept[field] = value;
  }
  return kept;
}

/** A member deleted message `messageTs` of channel `channelId`; `entries`: the incident's timeline entries adding it that still quote it. */
export interface MessageDeleted extends SampleDeleted {
  readonly channelId: string;
  readonly entries: readonly TimelineEvent[];
}

/** Whether `event` is staff adding the member message `channelId`/`messageTs` to the timeline, its words still kept. */
export function addsMessageWithWords(event: TimelineEvent, channelId: string, messageTs: string): boolean {
  return event.kind === 'message_added' && event.data['channelId'] === channelId && event.data['messageTs'] === messageTs && event.data['deleted'] !== true;
}

/**
 * A `message_added` entry once its author deleted the message: who added it and when, whose message it
 * was, where and when it was posted stay (the record still says a message was added); its words do not.
 */
export function addedMessageWithoutWords(event: TimelineEvent, at: number): TimelineEvent {
  return { ...event, text: null, data: { ...event.data, deleted: true, deletedAt: at } };
}

/**
 * Everything of one incident that quotes a message its author deleted, in one decision (one redraw, one
 * audit line without the text): the sample it quotes (sampleDeleted) and each timeline entry staff added
 * it with, whose thread line is edited in place to say it was deleted. Nothing to do when neither is
 * left (a replayed deletion).
 */
export function messageDeleted(state: IncidentState, deletion: MessageDeleted, clock: Clock): Decision {
  const at = clock.now();
  const entries = deletion.entries.filter((entry) => addsMessageWithWords(entry, deletion.channelId, deletion.messageTs));
  const quoted = state.incident.channelId === deletion.channelId && quotesSample(state, deletion.messageTs);
  if (quoted) {
    const redrawn = sampleDeleted(state, deletion, clock);
    if (!redrawn.ok || entries.length === 0) return redrawn;
    const details = { ...redrawn.audit.details, timelineEntries: entries.length };
    return { ...redrawn, audit: { ...redrawn.audit, details }, effects: [...redrawn.effects, ...lineEdits(entries, at)] };
  }
  const context = { state, action: 'erase_deleted_message' as const, actorUserId: null, at, text: null, details: { channelId: deletion.channelId, messageTs: deletion.messageTs, timelineEntries: entries.length } };
  if (entries.length === 0) return noOp(context);
  return accept(context, state, [], lineEdits(entries, at));
}

function lineEdits(entries: readonly TimelineEvent[], at: number) {
  return entries.map((entry) => ({ type: 'update_thread_message' as const, incidentId: entry.incidentId, event: addedMessageWithoutWords(entry, at) }));
}
