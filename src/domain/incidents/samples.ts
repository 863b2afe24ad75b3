/**
 * The member messages an incident quotes (its detection's samples, and the messages staff added to its
 * timeline) when their authors change them: deleted, the stored copies lose their words; edited, they
 * quote the latest words instead; the alert and the thread lines are drawn again, in place. A sample keeps
 * its id, author and score, so the explanation still counts the message as it made the spike.
 */
import type { Clock } from '../clock.js';
import { sampleText } from '../detection/bucket.js';
import { compareSlackTs } from '../ingest/message-input.js';
import { accept, noOp, type Decision } from './decision.js';
import type { IncidentState, JsonObject, JsonValue, TimelineEvent } from './types.js';

/**
 * What a member did to a message Firebreak quotes: took it back, or edited it (`text`: its latest words;
 * `editedTs`: Slack's time of that edit, when it said it).
 */
export type MemberChange = { readonly type: 'deleted' } | { readonly type: 'edited'; readonly text: string; readonly editedTs?: string };

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
 * The detection with the sample quoting `messageTs` changed as the member changed the message at `at`:
 * deleted, stripped of its words and marked deleted; edited, quoting the latest words (cut as a bucket's
 * sample is) and marked edited, its score kept (the explanation counts the message as it made the spike).
 * The same detection when nothing changes: it quotes no such message, shows it deleted already (a deleted
 * sample stays deleted), already quotes those words (a replayed edit), or shows a later edit (two redraws
 * committed out of order). The incident's stored detection and the copy its `detected` timeline entry
 * keeps both go through it.
 */
export function detectionChanged(detection: JsonValue, messageTs: string, change: MemberChange, at: number): JsonValue {
  if (!isObject(detection) || !Array.isArray(detection['samples'])) return detection;
  let changed = false;
  const samples = detection['samples'].map((sample) => {
    if (!isObject(sample) || sample['id'] !== messageTs) return sample;
    const next = sampleChanged(sample, change, at);
    changed ||= next !== sample;
    return next;
  });
  return changed ? { ...detection, samples } : detection;
}

function sampleChanged(sample: JsonObject, change: MemberChange, at: number): JsonObject {
  if (sample['deleted'] === true) return sample;
  if (change.type === 'deleted') return withoutWords(sample, at);
  const text = sampleText(change.text);
  if (sample['text'] === text || olderEdit(sample['editedTs'], change)) return sample;
  return { ...sample, text, ...editedMark(change, at) };
}

/**
 * Whether `change` is an edit older than the one a copy already shows (`shownEditedTs`): two edits applied
 * one after the other may have their redraws committed in the other order (two instances, a slow Slack).
 */
function olderEdit(shownEditedTs: JsonValue | undefined, change: Extract<MemberChange, { type: 'edited' }>): boolean {
  return typeof shownEditedTs === 'string' && change.editedTs !== undefined && compareSlackTs(change.editedTs, shownEditedTs) <= 0;
}

/** What marks a copy of a member's words as edited: when Firebreak changed it, and the edit's own Slack ts. */
function editedMark(change: Extract<MemberChange, { type: 'edited' }>, at: number): JsonObject {
  return { edited: true, editedAt: at, ...(change.editedTs !== undefined ? { editedTs: change.editedTs } : {}) };
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

/**
 * A member changed message `messageTs` of channel `channelId`; `entries`: the incident's timeline entries
 * adding it that still quote it.
 */
export interface MessageChanged {
  readonly channelId: string;
  readonly messageTs: string;
  readonly entries: readonly TimelineEvent[];
  readonly change: MemberChange;
}

/** Whether `event` is staff adding the member message `channelId`/`messageTs` to the timeline, its words still kept. */
export function addsMessageWithWords(event: TimelineEvent, channelId: string, messageTs: string): boolean {
  return event.kind === 'message_added' && event.data['channelId'] === channelId && event.data['messageTs'] === messageTs && event.data['deleted'] !== true;
}

/**
 * A `message_added` entry once its author changed the message: who added it and when, whose message it
 * was, where and when it was posted stay (the record still says a message was added). Deleted, its words
 * do not; edited, it keeps the latest words, marked edited. The same entry when its words are those already.
 */
export function addedMessageChanged(event: TimelineEvent, change: MemberChange, at: number): TimelineEvent {
  if (change.type === 'deleted') return { ...event, text: null, data: { ...event.data, deleted: true, deletedAt: at } };
  if (event.text === change.text || olderEdit(event.data['editedTs'], change)) return event;
  return { ...event, text: change.text, data: { ...event.data, ...editedMark(change, at) } };
}

/**
 * Everything of one incident that quotes a message its author changed, in one decision (one redraw, one
 * audit line without the text): the sample it quotes (the alert redrawn in place; audited as
 * redraw_sample_deleted or redraw_sample_edited) and each timeline entry staff added it with, whose thread
 * line is edited in place to say it was deleted or to quote the latest words (audited as
 * erase_deleted_message or rewrite_edited_message when the incident does not quote it as a sample). No
 * timeline line: it would be a staff-thread notification about a member's own act. Allowed after
 * resolution too: a resolved alert still shows its samples. Nothing to do when nothing is left to change
 * (a replay, an edit to the words already shown, a deleted message edited).
 */
export function messageChanged(state: IncidentState, changed: MessageChanged, clock: Clock): Decision {
  const at = clock.now();
  const { channelId, messageTs, change } = changed;
  const lines = changed.entries.flatMap((entry) => {
    const next = addsMessageWithWords(entry, channelId, messageTs) ? addedMessageChanged(entry, change, at) : entry;
    return next === entry ? [] : [next];
  });
  const { detection } = state.incident;
  const redrawn = state.incident.channelId === channelId ? detectionChanged(detection, messageTs, change, at) : detection;
  const quoted = redrawn !== detection;
  const deleted = change.type === 'deleted';
  const action = quoted ? (deleted ? 'redraw_sample_deleted' : 'redraw_sample_edited') : deleted ? 'erase_deleted_message' : 'rewrite_edited_message';
  const details: JsonObject = quoted ? { messageTs, ...(lines.length > 0 ? { timelineEntries: lines.length } : {}) } : { channelId, messageTs, timelineEntries: lines.length };
  const context = { state, action, actorUserId: null, at, text: null, details } as const;
  const edits = lines.map((event) => ({ type: 'update_thread_message' as const, incidentId: event.incidentId, event }));
  if (quoted) return accept(context, { ...state, incident: { ...state.incident, detection: redrawn } }, [], [{ type: 'update_root_message', incidentId: state.incident.id, rewriteEarlierCopies: true }, ...edits]);
  if (lines.length === 0) return noOp(context);
  return accept(context, state, [], edits);
}

