/**
 * Two people may have the post-mortem modal open at once. A form submits every input, also those its
 * sender never touched, so the later save would put back the older text of fields the other just
 * changed. The form remembers a short fingerprint of what it showed; on save, per field:
 * - sent as shown: the sender did not touch it, the stored (maybe newer) value stays;
 * - changed by the sender only: the sender's value is taken;
 * - changed by the sender and, since the form was opened, by someone else: refused under that field
 *   (unless both wrote the same), so nobody's text is replaced unseen.
 * Action items follow the same rule per item (an emptied row removes its item; items someone else
 * added since are kept). A text sent as shown that someone else emptied meanwhile stays empty, but is
 * named in `emptied` (a required one is then refused saying so), unless the sender was told and sends
 * it again (`keepSent`). Pure: run on the post-mortem as stored inside the saving transaction.
 */
import { createHash } from 'node:crypto';
import { localDay } from '../clock.js';
import { STANDARD_FIELDS, type ActionItem, type PostMortem, type StandardField } from './types.js';
import { actionItemKey, questionKey, type ActionItemInput, type PostMortemSubmission } from './validation.js';

/** What the form showed when it was opened, as fingerprints (see `fingerprint`). */
export interface ShownPostMortem {
  /** Standard fields; a field missing here is taken as sent. */
  readonly fields: Readonly<Partial<Record<StandardField, string>>>;
  /** Answers by question id; a question missing here is taken as sent. */
  readonly answers: Readonly<Record<string, string>>;
  /** Each existing action item the form showed in a row, by item id (`actionItemFingerprint`). */
  readonly actionItems: Readonly<Record<string, string>>;
  /**
   * The zone the form showed due dates in: its items' fingerprints hold the day shown, so a change of
   * the workspace's zone while it is open does not make an untouched item look edited. Absent (forms
   * from before): fingerprints of the due instant (epoch ms).
   */
  readonly dueDayZone?: string;
}

export type MergeOutcome =
  /** `emptied`: keys sent as shown whose text someone else emptied since (the stored, empty value is kept). */
  | { readonly ok: true; readonly submission: PostMortemSubmission; readonly emptied: readonly string[] }
  /** Field error keys (as validation's: summary, question.<id>, actionItems.<row>.text) both people changed. */
  | { readonly ok: false; readonly conflicts: readonly string[] };

/** First 8 hex digits of the SHA-256 of a text: enough to tell an edit, short enough for private_metadata. */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 8);
}

/**
 * An action item's fingerprint: its text, owner and due date (not whether it is done: the form does not
 * show that). With `dueDayZone`, the due date is the day a form shows in that zone (`dueDay` when
 * given: the day as picked); without, the instant in epoch ms (forms from before).
 */
export function actionItemFingerprint(item: Pick<ActionItem, 'text' | 'ownerUserId' | 'dueAt'> & { readonly dueDay?: string | null }, dueDayZone?: string): string {
  const due = dueDayZone === undefined ? item.dueAt : (item.dueDay ?? (Number.isFinite(item.dueAt) ? localDay(item.dueAt, dueDayZone) : null));
  return fingerprint(JSON.stringify([item.text, item.ownerUserId, due]));
}

/**
 * What a form built from `postMortem` shows, its rows holding `rowItems` (default: every item), its due
 * dates as days in `dueDayZone` (without one: fingerprinted as instants, as forms from before were).
 */
export function shownPostMortem(postMortem: PostMortem, rowItems: readonly ActionItem[] = postMortem.actionItems, dueDayZone?: string): ShownPostMortem {
  return {
    fields: Object.fromEntries(STANDARD_FIELDS.map((name) => [name, fingerprint(postMortem.fields[name])])),
    answers: Object.fromEntries(postMortem.questions.map((question) => [question.id, fingerprint(postMortem.answers[question.id] ?? '')])),
    actionItems: Object.fromEntries(rowItems.map((item) => [item.id, actionItemFingerprint(item, dueDayZone)])),
    ...(dueDayZone === undefined ? {} : { dueDayZone }),
  };
}

const blank = (value: string | null | undefined): boolean => value === null || value === undefined || value.trim() === '';
/** A field as it would be stored: blank is ''. */
const asStored = (value: string | null | undefined): string => (blank(value) ? '' : (value as string));
const emptyRow = (row: ActionItemInput): boolean => blank(row.text) && blank(row.ownerUserId) && row.dueAt === null;

/**
 * Merges `submission`, sent from a form that showed `shown`, into `stored` (the post-mortem as it is
 * now): the submission to validate and save instead, or the keys of the inputs both people changed.
 * `keepSent`: keys whose text the sender was told someone emptied, taken as sent if still empty.
 */
export function mergeSubmission(stored: PostMortem, submission: PostMortemSubmission, shown: ShownPostMortem, keepSent: ReadonlySet<string> = new Set()): MergeOutcome {
  const conflicts: string[] = [];
  const emptied: string[] = [];
  /** The value to keep for one text: the stored one unless the sender changed it; null on a conflict. */
  const merge = (key: string, sent: string, now: string, shownPrint: string | undefined): string => {
    if (shownPrint === undefined) return sent;
    // Told that someone emptied it, the sender sends it again (as shown or edited): theirs, while still empty.
    if (keepSent.has(key) && now === '') return sent;
    if (fingerprint(sent) === shownPrint) {
      // Someone else emptied what the form still shows: empty it stays, and the sender is told if it is needed.
      if (now === '' && sent !== '') emptied.push(key);
      return now;
    }
    if (fingerprint(now) !== shownPrint && sent !== now) conflicts.push(key);
    return sent;
  };

  const fields: Partial<Record<StandardField, string | null>> = { ...submission.fields };
  for (const name of STANDARD_FIELDS) {
    if (!(name in submission.fields)) continue;
    fields[name] = merge(name, asStored(submission.fields[name]), stored.fields[name], shown.fields[name]);
  }
  const answers: Record<string, string | null> = { ...submission.answers };
  for (const question of stored.questions) {
    if (!(question.id in submission.answers)) continue;
    // Answers are stored trimmed (numbers normalised): the same text sent back is the one shown.
    answers[question.id] = merge(questionKey(question.id), asStored(submission.answers[question.id]).trim(), stored.answers[question.id] ?? '', shown.answers[question.id]);
  }

  const asRow = (item: ActionItem): ActionItemInput => ({ id: item.id, text: item.text, ownerUserId: item.ownerUserId, dueAt: item.dueAt });
  const removed: ActionItemInput = { id: null, text: null, ownerUserId: null, dueAt: null };
  // Rows keep their index (field errors are keyed by the modal's row); items added since are appended.
  const actionItems = submission.actionItems.map((row, index): ActionItemInput => {
    const shownPrint = row.id ? shown.actionItems[row.id] : undefined;
    if (!row.id || shownPrint === undefined) return row;
    const now = stored.actionItems.find((item) => item.id === row.id);
    const cleared = emptyRow(row);
    const sentPrint = cleared ? null : actionItemFingerprint({ text: asStored(row.text), ownerUserId: row.ownerUserId ?? '', dueAt: row.dueAt ?? Number.NaN, dueDay: row.dueDay ?? null }, shown.dueDayZone);
    if (sentPrint === shownPrint) return now ? asRow(now) : removed;
    const nowPrint = now ? actionItemFingerprint(now, shown.dueDayZone) : null;
    if (nowPrint !== shownPrint && nowPrint !== sentPrint) conflicts.push(actionItemKey(index, 'text'));
    return row;
  });
  const inRows = new Set([...Object.keys(shown.actionItems), ...submission.actionItems.flatMap((row) => (row.id ? [row.id] : []))]);
  for (const item of stored.actionItems) if (!inRows.has(item.id)) actionItems.push(asRow(item));

  if (conflicts.length > 0) return { ok: false, conflicts };
  return { ok: true, submission: { fields, answers, actionItems }, emptied };
}
