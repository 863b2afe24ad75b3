/**
 * Checks what the lead typed into the post-mortem modal. Errors are keyed by field so the Slack
 * adapter can put each one under its input (response_action: "errors"); nothing fails silently.
 */
import type { Clock } from '../clock.js';
import { t, type Locale } from '../../i18n/index.js';
import { checkText } from '../incidents/limits.js';
import { numberProblemText, parseNumber } from '../numbers/parse-number.js';
import { STANDARD_FIELDS, type ActionItem, type PostMortem, type StandardField } from './types.js';

/** Each action item takes three inputs; 20 keeps the modal well inside Slack's 100 blocks. */
export const MAX_ACTION_ITEMS = 20;

export interface ActionItemInput {
  /** Present when editing an item that already exists. */
  readonly id?: string | null;
  readonly text: string | null;
  readonly ownerUserId: string | null;
  /** The edge converts the date picker's day to epoch ms in the team's time zone. */
  readonly dueAt: number | null;
  /** The day as picked (YYYY-MM-DD): what the form showed, for merge.ts's fingerprints. */
  readonly dueDay?: string | null;
}

export interface PostMortemSubmission {
  readonly fields: Partial<Record<StandardField, string | null>>;
  readonly answers: Readonly<Record<string, string | null>>;
  readonly actionItems: readonly ActionItemInput[];
}

/** 'save' keeps a draft (only limits are checked); 'submit' sends it to review (everything required). */
export type SubmissionIntent = 'save' | 'submit';

/** Field key → message. Keys: standard field names, `question.<id>`, `actionItems.<index>.<text|owner|dueAt>`. */
export type FieldErrors = Record<string, string>;

export interface ValidSubmission {
  readonly fields: Record<StandardField, string>;
  readonly answers: Record<string, string>;
  readonly actionItems: ActionItem[];
}

export type ValidationResult = { readonly ok: true; readonly value: ValidSubmission } | { readonly ok: false; readonly errors: FieldErrors };

export const questionKey = (id: string) => `question.${id}`;
export const actionItemKey = (index: number, part: 'text' | 'owner' | 'dueAt') => `actionItems.${index}.${part}`;

const blank = (value: string | null | undefined) => value === null || value === undefined || value.trim() === '';

export function validatePostMortemSubmission(
  postMortem: PostMortem,
  submission: PostMortemSubmission,
  intent: SubmissionIntent,
  locale: Locale,
  clock: Clock,
): ValidationResult {
  const errors: FieldErrors = {};
  const now = clock.now();

  const checkField = (key: string, label: string, value: string | null | undefined, required: boolean): string => {
    const problem = checkText(value);
    if (problem?.kind === 'too_long') errors[key] = t(locale, 'postmortem.error.too_long', { length: problem.length, max: problem.max });
    else if (problem?.kind === 'required' && required && intent === 'submit') errors[key] = t(locale, 'postmortem.error.required', { label });
    return blank(value) ? '' : (value as string);
  };

  const fields = {} as Record<StandardField, string>;
  for (const name of STANDARD_FIELDS) {
    const label = t(locale, `postmortem.field.${name}`, {});
    fields[name] = checkField(name, label, submission.fields[name], postMortem.requiredFields.includes(name));
  }

  const answers: Record<string, string> = {};
  for (const question of postMortem.questions) {
    const key = questionKey(question.id);
    const answer = checkField(key, question.label, submission.answers[question.id], question.required).trim();
    // Read the same in either language (1,5 and 1.5); what could be thousands or decimals is refused.
    // The stored answer sent back unchanged (Slack's initial value, 1.234) is kept, not read again as typed.
    const unchanged = answer === postMortem.answers[question.id];
    const rules = { decimal: true, ...(question.min !== undefined ? { min: question.min } : {}), ...(question.max !== undefined ? { max: question.max } : {}) };
    const number = answer !== '' && question.answer === 'number' && !unchanged ? parseNumber(answer, rules) : undefined;
    if (number && !number.ok) errors[key] = numberProblemText(locale, number.problem, question.label, answer, rules);
    if (answer !== '' && question.answer === 'yes_no' && answer !== 'yes' && answer !== 'no') {
      errors[key] = t(locale, 'postmortem.error.not_yes_no', {});
    }
    answers[question.id] = number?.ok ? number.normalised : answer;
  }
  for (const id of Object.keys(submission.answers)) {
    if (!postMortem.questions.some((q) => q.id === id)) errors[questionKey(id)] = t(locale, 'postmortem.error.unknown_question', { id });
  }

  // Rows left completely empty are unused slots in the modal, not mistakes.
  const rows = submission.actionItems
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => !(blank(item.text) && blank(item.ownerUserId) && item.dueAt === null));
  if (rows.length > MAX_ACTION_ITEMS) errors['actionItems'] = t(locale, 'postmortem.error.too_many_actions', { max: MAX_ACTION_ITEMS, count: rows.length });

  // New items continue from the highest number in use (reminders only start at publication, after which items are fixed).
  let nextNumber =
    Math.max(0, ...postMortem.actionItems.map((a) => Number(/-(\d+)$/.exec(a.id)?.[1] ?? 0))) + 1;
  const actionItems: ActionItem[] = [];
  for (const { item, index } of rows) {
    const existing = item.id ? postMortem.actionItems.find((a) => a.id === item.id) : undefined;
    if (item.id && !existing) {
      errors[actionItemKey(index, 'text')] = t(locale, 'postmortem.error.unknown_action', { id: item.id });
      continue;
    }
    const textProblem = checkText(item.text);
    if (textProblem?.kind === 'required') errors[actionItemKey(index, 'text')] = t(locale, 'postmortem.error.action_text_required', {});
    if (textProblem?.kind === 'too_long') {
      errors[actionItemKey(index, 'text')] = t(locale, 'postmortem.error.too_long', { length: textProblem.length, max: textProblem.max });
    }
    if (blank(item.ownerUserId)) errors[actionItemKey(index, 'owner')] = t(locale, 'postmortem.error.action_owner_required', {});
    if (item.dueAt === null || !Number.isFinite(item.dueAt)) {
      errors[actionItemKey(index, 'dueAt')] = t(locale, 'postmortem.error.action_due_required', {});
    } else if (item.dueAt < now && item.dueAt !== existing?.dueAt) {
      // An existing item may already be overdue; only a newly set date must lie ahead.
      errors[actionItemKey(index, 'dueAt')] = t(locale, 'postmortem.error.action_due_past', {});
    }
    if (textProblem || blank(item.ownerUserId) || item.dueAt === null) continue;
    actionItems.push({
      id: existing?.id ?? `${postMortem.incidentId}/action-${nextNumber++}`,
      text: item.text as string,
      ownerUserId: item.ownerUserId as string,
      dueAt: item.dueAt,
      doneAt: existing?.doneAt ?? null,
      doneByUserId: existing?.doneByUserId ?? null,
    });
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { fields, answers, actionItems } };
}
