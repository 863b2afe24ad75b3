// Post-mortem and timeline entry points: the post-mortem modal (open, save or submit, field errors in
// the modal), reviewers' approve / request changes, action items marked done from their reminder,
// the "Add to incident timeline" message shortcut, and notes written in the incident thread
// ("note: …"). Each handler acks, decodes its typed ref, runs one use case and answers refusals.
import type { AckFn, App, BlockAction, ButtonAction, MessageShortcut, ViewResponseAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { PostMortemOutcome, PostMortemService, PostMortemSubject } from '../../app/postmortems.js';
import { t, type Locale } from '../../i18n/index.js';
import { addMessage, addNote } from '../../domain/incidents/index.js';
import type { ActionItemInput, PostMortem, PostMortemSubmission, SubmissionIntent } from '../../domain/postmortems/index.js';
import type { Playbook } from '../../domain/playbooks/index.js';
import { ACTION_ITEM_DUE_HOUR, STANDARD_FIELDS, authorsOf } from '../../domain/postmortems/index.js';
import { atLocalHour } from '../../domain/clock.js';
import { refusalMessage } from '../blocks/commands.js';
import {
  actionIds,
  actionItemRef,
  callbackIds,
  decodeRef,
  incidentRef,
  inputIds,
  messageRef,
  postMortemInputIds,
  postMortemIntents,
  postMortemRef,
  type MessageRef,
  type PostMortemRef,
} from '../blocks/ids.js';
import { addToTimelineModal } from '../blocks/modals.js';
import { inReaderLanguage, modalFieldErrors, postMortemChangesModal, postMortemInReviewModal, postMortemModal, postMortemPublishedModal, shownOfRef } from '../blocks/postmortem.js';
import { answeredActionItemReminder } from '../postmortem-views.js';
import { displayNameOf } from '../display-name.js';
import { openModal, operatorRefusalFor, personLocale, submissionKey, tellPerson, type SlackServices } from './services.js';
import { committedThenAcknowledged } from '../listener-guard.js';

export interface PostMortemListenerOptions {
  postMortems: PostMortemService;
  /** The zone the modal's date pickers speak in: the incident's workspace's (its setting, else TEAM_TIMEZONE). */
  timeZoneOf(workspaceId: string): Promise<string>;
}

interface InputValue {
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_user?: string | null;
  selected_date?: string | null;
}
type ViewValues = Record<string, Record<string, InputValue>>;

/** Staff write "note: …" (or "nota: …") in the incident thread to add a note to the timeline. */
const THREAD_NOTE = /^\s*(?:note|nota)\s*:\s*/i;

function value(values: ViewValues, blockId: string): InputValue | undefined {
  const block = values[blockId];
  return block?.[blockId] ?? (block ? Object.values(block)[0] : undefined);
}

/** What the post-mortem modal holds, in the domain's terms. */
export function readPostMortemSubmission(values: ViewValues, postMortem: PostMortem, rowItemIds: readonly string[], timeZone: string): { intent: SubmissionIntent; submission: PostMortemSubmission } {
  const text = (blockId: string) => value(values, blockId)?.value ?? null;
  const fields: Record<string, string | null> = {};
  for (const name of STANDARD_FIELDS) fields[name] = text(postMortemInputIds.field(name));
  const answers: Record<string, string | null> = {};
  for (const question of postMortem.questions) {
    const entry = value(values, postMortemInputIds.question(question.id));
    answers[question.id] = entry?.selected_option?.value ?? entry?.value ?? null;
  }
  const rows = new Set<number>();
  for (const blockId of Object.keys(values)) {
    const row = /^actionItems\.(\d+)\./.exec(blockId)?.[1];
    if (row !== undefined) rows.add(Number(row));
  }
  const actionItems: ActionItemInput[] = [...rows]
    .sort((a, b) => a - b)
    .map((row) => {
      const day = value(values, postMortemInputIds.actionItem(row, 'dueAt'))?.selected_date ?? null;
      return {
        id: rowItemIds[row] ?? null,
        text: text(postMortemInputIds.actionItem(row, 'text')),
        ownerUserId: value(values, postMortemInputIds.actionItem(row, 'owner'))?.selected_user ?? null,
        dueAt: day ? atLocalHour(day, ACTION_ITEM_DUE_HOUR, timeZone) : null,
        dueDay: day,
      };
    });
  const chosen = value(values, postMortemInputIds.intent)?.selected_option?.value;
  const intent: SubmissionIntent = (postMortemIntents as readonly string[]).includes(chosen ?? '') ? (chosen as SubmissionIntent) : 'save';
  return { intent, submission: { fields, answers, actionItems } };
}

/** What every post-mortem listener works with. */
interface Listening {
  app: App;
  services: SlackServices;
  postMortems: PostMortemService;
  timeZoneOf(workspaceId: string): Promise<string>;
}

/** The post-mortem modal, its review, action items from their reminder, and timeline entries. */
export function registerPostMortemListeners(app: App, services: SlackServices, options: PostMortemListenerOptions): void {
  const listening: Listening = { app, services, ...options };
  registerPostMortemModal(listening);
  registerReview(listening);
  registerActionItems(listening);
  registerTimelineShortcut(listening);
  registerThreadNotes(listening);
}

const buttonValue = (body: BlockAction) => (body.actions[0] as ButtonAction | undefined)?.value;

/** A refusal goes only to the person who clicked, where they clicked. */
async function tell(client: WebClient, where: { channel?: string | undefined; user: string; threadTs?: string | undefined }, refusal: { message: string }, locale: Locale): Promise<void> {
  await tellPerson(client, where, refusalMessage(refusal, locale));
}

/** `locale`: the clicker's, the language the refusal was decided in (only they read it). */
async function tellFromButton(body: BlockAction, client: WebClient, outcome: PostMortemOutcome, locale: Locale): Promise<void> {
  if (outcome.ok) return;
  await tell(client, { channel: body.channel?.id, user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts }, outcome.refusal, locale);
}

/** Success closes the modal; field errors land under their inputs; any other refusal under `fallbackBlock`. */
async function answerModal(ack: AckFn<ViewResponseAction>, outcome: PostMortemOutcome, fallbackBlock: string): Promise<void> {
  if (outcome.ok) {
    await ack();
    return;
  }
  const errors = Object.keys(outcome.fieldErrors).length > 0 ? modalFieldErrors(outcome.fieldErrors) : { [fallbackBlock]: outcome.refusal.message };
  await ack({ response_action: 'errors', errors });
}

/** What everyone in the thread reads speaks the incident's language, like everything else about it. */
async function localeOf(listening: Listening, incidentId: string): Promise<Locale> {
  return (await listening.postMortems.localeOf(incidentId)) ?? (await listening.services.localeFor());
}

/** Field errors, those about inputs someone else emptied naming who did when Slack says who they are. */
async function fieldErrorsNaming(client: WebClient, outcome: Extract<PostMortemOutcome, { ok: false }>, locale: Locale): Promise<Record<string, string>> {
  const errors = { ...outcome.fieldErrors };
  for (const [key, userId] of Object.entries(outcome.emptiedBy ?? {})) {
    // A modal's error is plain text: a name, not a mention.
    const who = userId ? await displayNameOf(client, userId) : null;
    if (who) errors[key] = t(locale, 'postmortem.error.emptied_since_opened', { who });
  }
  return modalFieldErrors(errors);
}

/** `locale`: the reader's, as every form is. */
function modalOf(subject: PostMortemSubject & { postMortem: PostMortem }, timeZone: string, locale: Locale, playbook: Playbook | undefined, intent?: SubmissionIntent, rebuilding?: PostMortemRef) {
  const { incident } = subject.incident.state;
  const postMortem = inReaderLanguage(subject.postMortem, playbook, locale);
  return postMortemModal({ postMortem, incidentNumber: incident.number, locale, timeZone, ...(intent ? { intent } : {}), ...(rebuilding ? { rebuilding } : {}) });
}

const hasPostMortem = (subject: PostMortemSubject | null): subject is PostMortemSubject & { postMortem: PostMortem } => subject?.postMortem != null;

function registerPostMortemModal({ app, services, postMortems, timeZoneOf }: Listening): void {
  const zoneOf = (subject: PostMortemSubject) => timeZoneOf(subject.incident.workspaceId);
  app.action<BlockAction>(actionIds.openPostMortem, async ({ ack, body, client }) => {
    await ack();
    const { i } = decodeRef(incidentRef, buttonValue(body), 'post-mortem button');
    const subject = await postMortems.subject(i);
    const locale = await personLocale(services, body, client);
    if (!hasPostMortem(subject)) {
      await tell(client, { channel: body.channel?.id, user: body.user.id, threadTs: body.message?.thread_ts }, { message: t(locale, 'ui.pm.none_yet', {}) }, locale);
      return;
    }
    // In review it cannot be edited until a reviewer asks for changes, and once published never again,
    // but it can still be read: the buttons stay on the alert and on older thread messages.
    const { incident } = subject.incident.state;
    const playbook = services.playbook(incident.playbookId);
    const postMortem = inReaderLanguage(subject.postMortem, playbook, locale);
    const view =
      postMortem.status === 'published'
        ? postMortemPublishedModal(postMortem, incident.number, locale)
        : postMortem.status === 'in_review'
          ? postMortemInReviewModal(postMortem, incident.number, locale)
          : modalOf(subject, await zoneOf(subject), locale, playbook);
    await openModal(services, body, client, view);
  });

  // Inside the modal: the intent decides which inputs are required, so the modal is rebuilt for it
  // (Slack keeps what was typed: the block_ids do not change).
  app.action<BlockAction>(actionIds.postMortemIntent, async ({ ack, body, client }) => {
    await ack();
    const view = body.view;
    if (!view) return;
    const ref = decodeRef(postMortemRef, view.private_metadata, 'post-mortem modal');
    const subject = await postMortems.subject(ref.i);
    if (!hasPostMortem(subject)) return;
    const chosen = (body.actions[0] as { selected_option?: { value?: string } } | undefined)?.selected_option?.value;
    const intent: SubmissionIntent = chosen === 'save' ? 'save' : 'submit';
    await client.views.update({ view_id: view.id, hash: view.hash, view: modalOf(subject, await zoneOf(subject), await personLocale(services, body, client), services.playbook(subject.incident.state.incident.playbookId), intent, ref) as never });
  });

  app.view<ViewSubmitAction>(callbackIds.postMortemModal, async ({ ack, body, view, client }) => {
    const ref = decodeRef(postMortemRef, view.private_metadata, 'post-mortem modal');
    const subject = await postMortems.subject(ref.i);
    // Only the submitter reads what this answers (field errors, refusals): in their language.
    const locale = await personLocale(services, body, client);
    if (!hasPostMortem(subject)) {
      await ack({ response_action: 'errors', errors: { [postMortemInputIds.intent]: t(locale, 'ui.pm.gone', {}) } });
      return;
    }
    const { intent, submission } = readPostMortemSubmission(view.state.values, subject.postMortem, ref.a, await zoneOf(subject));
    // What the form showed goes with it: the service merges it with what others saved since, in its transaction.
    const outcome = await postMortems.save(ref.i, { actorUserId: body.user.id, locale, intent, submission, shown: shownOfRef(ref) });
    if (!outcome.ok && outcome.refusal.code === 'no_eligible_reviewer') {
      // A modal's error is plain text (no mentions): it says the gist and keeps what was typed; the
      // whole refusal, naming the people concerned, goes to the submitter in the incident thread.
      await ack({ response_action: 'errors', errors: { [postMortemInputIds.intent]: t(locale, 'ui.pm.no_eligible_reviewer', {}) } });
      const { alertChannelId, rootTs } = subject.incident;
      await tell(client, { channel: alertChannelId, user: body.user.id, threadTs: rootTs ?? undefined }, outcome.refusal, locale);
      return;
    }
    if (!outcome.ok && outcome.emptiedBy) {
      await ack({ response_action: 'errors', errors: await fieldErrorsNaming(client, outcome, locale) });
      return;
    }
    await answerModal(ack, outcome, postMortemInputIds.intent);
  });
}

function registerReview(listening: Listening): void {
  const { app, services, postMortems } = listening;
  app.action<BlockAction>(actionIds.approvePostMortem, async ({ ack, body, client }) => {
    const { i } = decodeRef(incidentRef, buttonValue(body), 'approve post-mortem button');
    const locale = await personLocale(services, body, client);
    const outcome = await committedThenAcknowledged(ack, async () => postMortems.review(i, { actorUserId: body.user.id, locale, decision: 'approve' }));
    await tellFromButton(body, client, outcome, locale);
  });

  app.action<BlockAction>(actionIds.requestPostMortemChanges, async ({ ack, body, client }) => {
    await ack();
    const { i } = decodeRef(incidentRef, buttonValue(body), 'request post-mortem changes button');
    const subject = await postMortems.subject(i);
    if (!subject) return;
    // An author is refused at once, where mentions of who can review show (a modal's error is plain text).
    if (subject.postMortem && authorsOf(subject.postMortem).includes(body.user.id)) {
      const locale = await personLocale(services, body, client);
      const outcome = await postMortems.review(i, { actorUserId: body.user.id, locale, decision: 'request_changes' });
      await tellFromButton(body, client, outcome, locale);
      return;
    }
    const { incident } = subject.incident.state;
    await openModal(services, body, client, postMortemChangesModal(i, incident.number, await personLocale(services, body, client)));
  });

  app.view<ViewSubmitAction>(callbackIds.postMortemChangesModal, async ({ ack, body, view, client }) => {
    const { i } = decodeRef(incidentRef, view.private_metadata, 'post-mortem changes modal');
    const comment = value(view.state.values, inputIds.comment)?.value ?? '';
    const outcome = await postMortems.review(i, { actorUserId: body.user.id, locale: await personLocale(services, body, client), decision: 'request_changes', comment });
    await answerModal(ack, outcome, inputIds.comment);
  });
}

function registerActionItems(listening: Listening): void {
  const { app, services, postMortems } = listening;
  app.action<BlockAction>(actionIds.actionItemDone, async ({ ack, body, client, respond }) => {
    const ref = decodeRef(actionItemRef, buttonValue(body), 'action item button');
    const theirs = await personLocale(services, body, client);
    const outcome = await committedThenAcknowledged(ack, () => postMortems.setActionItemDone(ref.i, { actorUserId: body.user.id, locale: theirs, actionItemId: ref.a, done: true }));
    if (!outcome.ok) {
      await tellFromButton(body, client, outcome, theirs);
      return;
    }
    // The reminder, answered in place, is read by the whole thread: the incident's language.
    const locale = await localeOf(listening, ref.i);
    // The reminder is answered in place: its button gives way to who did it and when.
    const reminder = { text: String(body.message?.['text'] ?? ''), blocks: (body.message?.['blocks'] ?? []) as unknown[] };
    await respond({ replace_original: true, ...answeredActionItemReminder(reminder, { userId: body.user.id, at: services.clock.now(), locale }) });
  });
}

function registerTimelineShortcut({ app, services, postMortems }: Listening): void {
  app.shortcut<MessageShortcut>(callbackIds.addToTimelineShortcut, async ({ ack, shortcut, client }) => {
    await ack();
    // Its modal lists the open incidents: for the people who operate Firebreak here only (runtime.ts mayOperate).
    const refused = await services.refuseNonOperator(shortcut.team?.id ?? undefined, shortcut.user.id, `shortcut:${callbackIds.addToTimelineShortcut}`, client);
    if (refused) {
      const text = await operatorRefusalFor(services, { teamId: shortcut.team?.id ?? undefined, userId: shortcut.user.id, client }, refused);
      await tellPerson(client, { channel: shortcut.channel.id, user: shortcut.user.id }, { text }).catch((error: unknown) => services.logger.warn({ err: error, channel: shortcut.channel.id }, 'could not tell a user the timeline shortcut is not theirs'));
      return;
    }
    const workspaceId = await services.workspaceId(shortcut.team?.id ?? 'local');
    const incidents = [];
    for (const choice of await postMortems.timelineTargets(workspaceId)) {
      incidents.push({ incidentId: choice.incidentId, number: choice.number, severity: choice.severity, channelName: (await services.channelName(choice.channelId)) ?? choice.channelId, drill: choice.drill });
    }
    const message: MessageRef = {
      c: shortcut.channel.id,
      ts: shortcut.message.ts,
      ...(shortcut.message.user ? { u: shortcut.message.user } : {}),
      text: shortcut.message.text ?? '',
    };
    const locale = await services.localeOfPerson(shortcut.team?.id ?? undefined, shortcut.user.id, client);
    // Told where the shortcut was used, not in the member's thread it points at.
    await openModal(services, { trigger_id: shortcut.trigger_id, team: shortcut.team, user: shortcut.user, channel: shortcut.channel }, client, addToTimelineModal({ message, incidents, locale }));
  });

  app.view<ViewSubmitAction>(callbackIds.addToTimelineModal, async ({ ack, body, view, client }) => {
    // A stale modal or a forged submission from someone who may not operate Firebreak changes nothing.
    const refused = await services.refuseNonOperator(body.team?.id ?? undefined, body.user.id, `view:${callbackIds.addToTimelineModal}`, client);
    if (refused) {
      await ack({ response_action: 'errors', errors: { [inputIds.incident]: await operatorRefusalFor(services, { teamId: body.team?.id ?? undefined, userId: body.user.id, client }, refused, 'short') } });
      return;
    }
    const message = decodeRef(messageRef, view.private_metadata, 'add to timeline modal');
    const incidentId = value(view.state.values, inputIds.incident)?.selected_option?.value;
    const incident = incidentId ? (await postMortems.subject(incidentId))?.incident : undefined;
    // The modal speaks its user's language (it was opened in it): so do its errors.
    const theirs = await personLocale(services, body, client);
    if (!incident) {
      await ack({ response_action: 'errors', errors: { [inputIds.incident]: t(theirs, 'ui.timeline_add.choose_incident', {}) } });
      return;
    }
    const { number } = incident.state.incident;
    if (await postMortems.isOnTimeline(incident.state.incident.id, message.c, message.ts)) {
      await ack({
        response_action: 'errors',
        errors: { [inputIds.incident]: t(theirs, 'ui.timeline_add.already_there', { number }) },
      });
      return;
    }
    // Its author deleted it since the shortcut was used (a form left open, a stale client): refused by the
    // decision (audited, without the words), and Slack is not asked for words that must not be kept.
    const workspaceId = await services.workspaceId(body.team?.id ?? 'local');
    const deletedByAuthor = await postMortems.messageDeletedByAuthor(workspaceId, message.c, message.ts);
    const quoted = deletedByAuthor ? { text: '', authorName: null, permalink: null } : await readQuotedMessage(client, message);
    // Acknowledged once committed (Slack never sends an acknowledged submission again): a failure first keeps
    // the form open saying so; Slack slow to quote the message makes the listener guard keep it, then acknowledge.
    const outcome = await committedThenAcknowledged(ack, () => services.incidents.decide(incident.state.incident.id, (state, policy, clock) =>
      addMessage(
        state,
        {
          actorUserId: body.user.id,
          message: { channelId: message.c, messageTs: message.ts, authorUserId: message.u ?? null, ...quoted, postedAt: Math.round(Number(message.ts) * 1000) },
          deletedByAuthor,
          locale: theirs,
        },
        policy,
        clock,
      ),
      // Two deliveries of one submission at once both pass isOnTimeline: the second adds nothing.
      { once: submissionKey(body) },
    ));
    if (!outcome.ok) await tell(client, { channel: incident.alertChannelId, user: body.user.id, threadTs: incident.rootTs ?? undefined }, outcome.refusal, theirs);
    // Deleted while it was being added: the deletion's pass may have looked before this entry existed; erased now (a no-op otherwise).
    else if (await postMortems.messageDeletedByAuthor(workspaceId, message.c, message.ts)) await services.incidents.memberMessageDeleted({ workspaceId, channelId: message.c, messageTs: message.ts });
  });
}

/**
 * The message as Slack has it now (a top-level message, else a thread reply), its author's name and
 * its permalink. The modal's metadata keeps at most 2000 characters of it: the timeline quotes it in
 * full, and falls back to the metadata when Slack cannot be read.
 */
async function readQuotedMessage(client: WebClient, message: MessageRef): Promise<{ text: string; authorName: string | null; permalink: string | null }> {
  const history = await client.conversations.history({ channel: message.c, latest: message.ts, inclusive: true, limit: 1 }).catch(() => undefined);
  let found = history?.messages?.find((candidate) => candidate.ts === message.ts)?.text;
  if (found === undefined) {
    const replies = await client.conversations.replies({ channel: message.c, ts: message.ts, limit: 1 }).catch(() => undefined);
    found = replies?.messages?.find((candidate) => candidate.ts === message.ts)?.text;
  }
  const authorName = message.u ? await displayNameOf(client, message.u) : null;
  const permalink = (await client.chat.getPermalink({ channel: message.c, message_ts: message.ts }).catch(() => undefined))?.permalink ?? null;
  return { text: found ?? message.text, authorName, permalink };
}

function registerThreadNotes({ app, services, postMortems }: Listening): void {
  app.event('message', async ({ event, body, client }) => {
    const message = event as unknown as { subtype?: string; channel: string; user?: string; bot_id?: string; text?: string; ts: string; thread_ts?: string };
    if ((message.subtype && message.subtype !== 'thread_broadcast') || message.bot_id || !message.user || !message.thread_ts || message.thread_ts === message.ts) return;
    if (!THREAD_NOTE.test(message.text ?? '')) return;
    const workspaceId = await services.workspaceId((body as { team_id?: string }).team_id ?? 'local');
    const incident = await postMortems.incidentOfThread(workspaceId, message.channel, message.thread_ts);
    if (!incident) return;
    const eventId = (body as { event_id?: string }).event_id;
    const text = (message.text ?? '').replace(THREAD_NOTE, '');
    // Recorded with the note (its own key: the community listener records the plain event id): a
    // delivery whose note failed is added when the inbox replays it, a repeat adds nothing.
    const outcome = await services.incidents.decide(incident.incidentId, (state, policy, clock) => addNote(state, { actorUserId: message.user as string, text }, policy, clock), eventId ? { once: `${eventId}:note` } : {});
    if (!outcome.ok) await tell(client, { channel: message.channel, user: message.user, threadTs: message.thread_ts }, outcome.refusal, incident.locale);
  });
}
