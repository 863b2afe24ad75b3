/**
 * Post-mortem surfaces: the modal (fields, the playbook's questions, action items as rows of
 * text / owner / due date), the reviewers' request-changes modal, the invitation and review messages
 * in the incident thread, and the published summary.
 */
import type { KnownBlock, ModalView, Option } from '@slack/types';
import { t, type Locale } from '../../i18n/index.js';
import {
  MAX_ACTION_ITEMS,
  STANDARD_FIELDS,
  reviewersFor,
  shownPostMortem,
  type ActionItem,
  type FieldErrors,
  type PostMortem,
  type PostMortemQuestion,
  type ShownPostMortem,
  type StandardField,
  type SubmissionIntent,
} from '../../domain/postmortems/index.js';
import { isTimeZone, localDay } from '../../domain/clock.js';
import { playbookTextFor, type Playbook } from '../../domain/playbooks/index.js';
import { escapeSlackText } from '../text.js';
import { actionIds, callbackIds, encodeRef, inputIds, postMortemInputIds, type PostMortemRef } from './ids.js';
import { SLACK_LIMITS } from './limits.js';
import { actions, blockQuote, button, context, divider, fit, header, input, link, mention, message, modal, option, section, slackDate, textInput, type SlackMessage } from './kit.js';

export interface PostMortemModalInput {
  readonly postMortem: PostMortem;
  readonly incidentNumber: number;
  readonly locale: Locale;
  /** IANA zone the date pickers speak in (the edge converts picked days back to epoch ms in it). */
  readonly timeZone: string;
  /** Empty rows offered for new action items (default 3), within MAX_ACTION_ITEMS and the view's 100 blocks. */
  readonly blankActionRows?: number;
  /**
   * What saving will do (default: send for review). For review, the fields it needs are required
   * inputs and the others optional; to keep a draft, every input is optional. Picking the other
   * intent re-renders the modal (dispatch), so no input is ever both "(optional)" and needed.
   */
  readonly intent?: SubmissionIntent;
  /**
   * The metadata of the modal this one replaces (the intent switch): Slack keeps what its inputs hold,
   * so the rebuilt modal keeps the same rows and still says what was shown when it was first opened.
   */
  readonly rebuilding?: PostMortemRef;
}

/** Blocks that are not fields, questions or action rows: intent, reviews note, headings. */
const FIXED_BLOCKS = 6;
const BLOCKS_PER_ACTION_ROW = 3;

const LONG_FIELDS: ReadonlySet<StandardField> = new Set(['impact', 'whatHappened', 'whatWentWell', 'whatToImprove', 'summary']);

/** YYYY-MM-DD of an instant in a time zone, as Slack's datepicker wants it. */
export const isoDay = localDay;

/**
 * The post-mortem as one reader's form shows it: the playbook's questions in their language (as the
 * severity form shows the playbook's meanings), while the playbook still asks each under one of the
 * labels the post-mortem stored; what was written stays as written, and exports keep the stored labels.
 */
export function inReaderLanguage(postMortem: PostMortem, playbook: Playbook | undefined, locale: Locale): PostMortem {
  const prompts = new Map((playbook?.postMortem.questions ?? []).map((question) => [question.id, question.prompt]));
  let relabelled = false;
  const questions = postMortem.questions.map((question) => {
    const label = playbookTextFor(prompts.get(question.id), question.label, locale);
    if (label === question.label) return question;
    relabelled = true;
    return { ...question, label };
  });
  return relabelled ? { ...postMortem, questions } : postMortem;
}

/**
 * Slack marks required inputs itself; the domain's validation (keyed by these block_ids) still checks
 * a submission for review, whatever the client did.
 */
export function postMortemModal(input_: PostMortemModalInput): ModalView {
  const { postMortem: pm, locale } = input_;
  const intent = input_.intent ?? 'submit';
  const optionalNow = (required: boolean) => !required || intent === 'save';
  const blocks: KnownBlock[] = [];

  const changes = pm.reviews.filter((r) => r.round === pm.round && r.decision === 'request_changes' && r.comment);
  if (changes.length > 0) {
    const lines = changes.slice(0, 5).map((r) => `${t(locale, 'ui.pm.changes_by', { user: mention(r.reviewerUserId) })}\n${blockQuote(escapeSlackText(r.comment ?? ''), 500)}`);
    blocks.push(section(lines.join('\n')));
  }

  for (const name of STANDARD_FIELDS) {
    blocks.push(
      textInput(postMortemInputIds.field(name), t(locale, `postmortem.field.${name}`, {}), {
        multiline: LONG_FIELDS.has(name),
        initial: pm.fields[name],
        optional: optionalNow(pm.requiredFields.includes(name)),
      }),
    );
  }

  if (pm.questions.length > 0) blocks.push(header(t(locale, 'ui.pm.questions', {})));
  for (const question of pm.questions) blocks.push(questionInput(question, pm.answers[question.id] ?? '', optionalNow(question.required), locale));

  // Rows: every existing item (when rebuilt, the items its rows held), then blank ones, as far as the limits allow.
  const rowItems: readonly (ActionItem | undefined)[] = input_.rebuilding ? input_.rebuilding.a.map((id) => pm.actionItems.find((item) => item.id === id)) : pm.actionItems;
  const used = blocks.length + FIXED_BLOCKS;
  const roomRows = Math.floor((SLACK_LIMITS.view.blocks - used) / BLOCKS_PER_ACTION_ROW);
  const wantedRows = rowItems.length + (input_.blankActionRows ?? 3);
  const rows = Math.max(0, Math.min(wantedRows, MAX_ACTION_ITEMS, roomRows));
  blocks.push(header(t(locale, 'ui.pm.action_items', {})));
  blocks.push(context(t(locale, 'ui.pm.action_items_hint', {})));
  for (let index = 0; index < rows; index += 1) {
    const item = rowItems[index];
    const n = index + 1;
    blocks.push(
      textInput(postMortemInputIds.actionItem(index, 'text'), t(locale, 'ui.pm.action_text', { n }), { initial: item?.text ?? '', optional: true }),
      input(
        postMortemInputIds.actionItem(index, 'owner'),
        t(locale, 'ui.pm.action_owner', { n }),
        { type: 'users_select', action_id: postMortemInputIds.actionItem(index, 'owner'), ...(item ? { initial_user: item.ownerUserId } : {}) },
        { optional: true },
      ),
      input(
        postMortemInputIds.actionItem(index, 'dueAt'),
        t(locale, 'ui.pm.action_due', { n }),
        {
          type: 'datepicker',
          action_id: postMortemInputIds.actionItem(index, 'dueAt'),
          ...(item ? { initial_date: isoDay(item.dueAt, input_.timeZone) } : {}),
        },
        // Optional for Slack because a whole row may stay empty (or be cleared to remove its item); the
        // hint says what "(optional)" does not: an action item needs its due date (it is chased from that day).
        { optional: true, hint: t(locale, 'ui.pm.action_due_hint', {}) },
      ),
    );
  }

  const intents: Option[] = [
    option(t(locale, 'ui.pm.intent_submit', {}), 'submit', t(locale, 'ui.pm.intent_submit_hint', {})),
    option(t(locale, 'ui.pm.intent_save', {}), 'save', t(locale, 'ui.pm.intent_save_hint', {})),
  ];
  blocks.push(
    divider(),
    input(
      postMortemInputIds.intent,
      t(locale, 'ui.pm.intent', {}),
      { type: 'radio_buttons', action_id: postMortemInputIds.intent, options: intents, initial_option: intents.find((o) => o.value === intent) ?? intents[0] },
      { dispatchAction: true },
    ),
  );

  const shownItems = pm.actionItems.slice(0, rows);
  // Due dates are remembered as the days the pickers show in this zone (robust to a change of zone meanwhile).
  const ref = input_.rebuilding ?? postMortemModalRef(pm.incidentId, shownPostMortem(pm, shownItems, input_.timeZone), shownItems.map((item) => item.id));
  return modal({
    callbackId: callbackIds.postMortemModal,
    title: t(locale, 'ui.pm.title', { number: input_.incidentNumber }),
    submit: t(locale, 'ui.modal.save', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef(ref),
    blocks,
  });
}

/**
 * The modal's metadata: its incident, its rows' items and what it shows. Within Slack's 3,000
 * characters: without the answers' fingerprints if need be (those answers are then taken as sent),
 * else without any (the whole form is taken as sent, as before forms remembered what they showed).
 */
export function postMortemModalRef(incidentId: string, shown: ShownPostMortem, rowItemIds: readonly string[]): PostMortemRef {
  const bare: PostMortemRef = { i: incidentId, a: [...rowItemIds] };
  const f = { ...shown.fields } as Record<string, string>;
  const x = rowItemIds.map((id) => shown.actionItems[id] ?? '');
  const fits = (ref: PostMortemRef) => encodeRef(ref).length <= SLACK_LIMITS.view.privateMetadata;
  const z = shown.dueDayZone === undefined ? {} : { z: shown.dueDayZone };
  const full: PostMortemRef = { ...bare, s: { f, q: { ...shown.answers }, x, ...z } };
  if (fits(full)) return full;
  const withoutAnswers: PostMortemRef = { ...bare, s: { f, x, ...z } };
  return fits(withoutAnswers) ? withoutAnswers : bare;
}

/** What a modal's metadata says it showed, for the domain's merge; null for a modal from before. */
export function shownOfRef(ref: PostMortemRef): ShownPostMortem | null {
  if (!ref.s) return null;
  const { f, q, x, z } = ref.s;
  return {
    fields: f,
    answers: q ?? {},
    actionItems: Object.fromEntries(ref.a.flatMap((id, row) => (x[row] ? [[id, x[row]]] : []))),
    // Without z (a form from before), its items' fingerprints hold due instants.
    ...(z && isTimeZone(z) ? { dueDayZone: z } : {}),
  };
}

function questionInput(question: PostMortemQuestion, answer: string, optional: boolean, locale: Locale): KnownBlock {
  const blockId = postMortemInputIds.question(question.id);
  switch (question.answer) {
    case 'yes_no': {
      const options = [option(t(locale, 'export.yes', {}).replace(/\.$/, ''), 'yes'), option(t(locale, 'export.no', {}).replace(/\.$/, ''), 'no')];
      const initial = options.find((o) => o.value === answer);
      return input(
        blockId,
        question.label,
        { type: 'radio_buttons', action_id: blockId, options, ...(initial ? { initial_option: initial } : {}) },
        { optional },
      );
    }
    case 'number': {
      // Slack refuses a non-numeric initial value; validation stores numbers with a dot.
      const initial = answer.trim() !== '' && Number.isFinite(Number(answer)) ? Number(answer) : null;
      // Slack's client enforces the playbook's bounds too, unless the stored answer is outside them (Slack
      // would refuse the whole view): validation still says so on save.
      const bounds =
        initial === null || ((question.min === undefined || initial >= question.min) && (question.max === undefined || initial <= question.max))
          ? { ...(question.min !== undefined ? { min_value: String(question.min) } : {}), ...(question.max !== undefined ? { max_value: String(question.max) } : {}) }
          : {};
      return input(
        blockId,
        question.label,
        { type: 'number_input', action_id: blockId, is_decimal_allowed: true, ...(initial !== null ? { initial_value: answer } : {}), ...bounds },
        { optional },
      );
    }
    case 'short_text':
    case 'long_text':
      return textInput(blockId, question.label, { multiline: question.answer === 'long_text', initial: answer, optional });
  }
}

/**
 * Validation's field errors as `response_action: errors` ({ block_id: message }). Block ids are the
 * validation keys; "too many action items" (key `actionItems`) goes under the first row.
 */
export function modalFieldErrors(fieldErrors: FieldErrors): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [key, messageText] of Object.entries(fieldErrors)) {
    const blockId = key === 'actionItems' ? postMortemInputIds.actionItem(0, 'text') : key;
    errors[blockId] = errors[blockId] ? `${errors[blockId]} ${messageText}` : messageText;
  }
  return errors;
}

/**
 * A post-mortem in review, opened from "Write post-mortem": to read, not to edit (no save button), with
 * why it cannot be edited now. Someone may open it just to read what the reviewers see.
 */
export function postMortemInReviewModal(pm: PostMortem, incidentNumber: number, locale: Locale): ModalView {
  return modal({
    callbackId: callbackIds.postMortemInReview,
    title: t(locale, 'ui.pm.title', { number: incidentNumber }),
    close: t(locale, 'ui.modal.close', {}),
    blocks: [context(t(locale, 'postmortem.refusal.in_review', {})), ...postMortemBody(pm, locale, 2800)],
  });
}

/**
 * A published post-mortem, opened from a "Write post-mortem" or "Open post-mortem" button left on the
 * alert or in its thread: to read, with when it was published and that it can no longer change.
 */
export function postMortemPublishedModal(pm: PostMortem, incidentNumber: number, locale: Locale): ModalView {
  const published = pm.publishedAt !== null ? `:white_check_mark: ${t(locale, 'ui.pm.published_at', { at: slackDate(pm.publishedAt) })} · ` : '';
  return modal({
    callbackId: callbackIds.postMortemPublished,
    title: t(locale, 'ui.pm.title', { number: incidentNumber }),
    close: t(locale, 'ui.modal.close', {}),
    blocks: [context(`${published}${t(locale, 'postmortem.refusal.published', {})}`), ...postMortemBody(pm, locale, 2800)],
  });
}

export function postMortemChangesModal(incidentId: string, incidentNumber: number, locale: Locale): ModalView {
  return modal({
    callbackId: callbackIds.postMortemChangesModal,
    title: t(locale, 'ui.modal.changes.title', {}),
    submit: t(locale, 'ui.modal.send', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef({ i: incidentId }),
    blocks: [
      section(t(locale, 'ui.pm.changes_intro', { number: incidentNumber })),
      textInput(inputIds.comment, t(locale, 'ui.modal.changes.comment', {}), { multiline: true }),
    ],
  });
}

/** In the incident thread after resolution: the owner is asked to write it, with a button to open the modal. */
export function postMortemInviteMessage(incidentId: string, incidentNumber: number, ownerUserId: string | null, dueAt: number, locale: Locale): SlackMessage {
  const text = t(locale, 'ui.pm.invite', { owner: ownerUserId ? mention(ownerUserId) : t(locale, 'ui.pm.the_lead', {}), number: incidentNumber, due: slackDate(dueAt, '{date_long}') });
  return message(text, [section(`:memo: ${text}`), actions([button(t(locale, 'ui.button.postmortem', {}), actionIds.openPostMortem, encodeRef({ i: incidentId }), 'primary')])], 'post-mortem invitation');
}

/** To the reviewers (thread or DM): the submitted post-mortem and Approve / Request changes. */
export function postMortemReviewMessage(postMortem: PostMortem, incidentNumber: number, locale: Locale): SlackMessage {
  const ref = encodeRef({ i: postMortem.incidentId });
  // Those who may approve it: the reviewers who did not write it.
  const reviewers = reviewersFor(postMortem).map(mention).join(', ');
  const intro = t(locale, 'ui.pm.review_request', { reviewers, number: incidentNumber, round: postMortem.round });
  const blocks: KnownBlock[] = [section(intro), ...postMortemBody(postMortem, locale, 1400)];
  // Each approval is acknowledged here, in place, before the last one publishes.
  const approvers = postMortem.reviews.filter((r) => r.round === postMortem.round && r.decision === 'approve').map((r) => r.reviewerUserId);
  if (approvers.length > 0) {
    blocks.push(context(t(locale, 'ui.pm.review_progress', { approved: approvers.length, total: reviewersFor(postMortem).length, users: approvers.map(mention).join(', ') })));
  }
  blocks.push(
    actions([
      button(t(locale, 'ui.button.approve', {}), actionIds.approvePostMortem, ref, 'primary'),
      button(t(locale, 'ui.button.request_changes', {}), actionIds.requestPostMortemChanges, ref),
    ]),
  );
  return message(intro, blocks, `post-mortem review request for incident #${incidentNumber}`);
}

export interface PublishedPostMortemInput {
  readonly postMortem: PostMortem;
  readonly incidentNumber: number;
  readonly locale: Locale;
  /** Where the full Markdown export lives, when it was shared. */
  readonly exportPermalink?: string;
}

/** The published post-mortem, summarised in the incident thread. */
export function publishedPostMortemMessage(input_: PublishedPostMortemInput): SlackMessage {
  const { postMortem: pm, locale } = input_;
  const title = t(locale, 'export.title', { number: input_.incidentNumber });
  const blocks: KnownBlock[] = [header(`:books: ${title}`), ...postMortemBody(pm, locale, 1400)];
  const reviewers = pm.reviews.filter((r) => r.round === pm.round && r.decision === 'approve').map((r) => mention(r.reviewerUserId));
  const footer = [
    pm.publishedAt !== null ? t(locale, 'ui.pm.published_at', { at: slackDate(pm.publishedAt) }) : '',
    reviewers.length > 0 ? t(locale, 'ui.pm.approved_by', { users: reviewers.join(', ') }) : '',
    link(input_.exportPermalink, t(locale, 'ui.pm.full_export', {})),
  ].filter(Boolean);
  if (footer.length > 0) blocks.push(context(footer.join(' · ')));
  return message(fit(`${title}: ${escapeSlackText(pm.fields.summary)}`, 500), blocks, `published post-mortem of incident #${input_.incidentNumber}`);
}

/** Summary, impact and action items: what a reader of the thread needs (the export has the rest). */
function postMortemBody(pm: PostMortem, locale: Locale, fieldLength: number): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (const name of ['summary', 'impact', 'whatToImprove'] as const) {
    const value = pm.fields[name].trim();
    if (value) blocks.push(section(`*${t(locale, `postmortem.field.${name}`, {})}*\n${blockQuote(escapeSlackText(value), fieldLength)}`));
  }
  if (pm.actionItems.length > 0) {
    const lines = pm.actionItems.slice(0, 20).map((item) => {
      const mark = item.doneAt !== null ? ':white_check_mark:' : ':white_large_square:';
      return `${mark} ${fit(escapeSlackText(item.text), 200)} — ${mention(item.ownerUserId)} · ${slackDate(item.dueAt, '{date_short}')}`;
    });
    blocks.push(section(`*${t(locale, 'export.section.action_items', {})}*\n${lines.join('\n')}`));
  }
  return blocks;
}
