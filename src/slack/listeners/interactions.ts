// Buttons and modals of the incident workflow. Each handler acks first, then runs one use case; a
// refusal goes back to the person who clicked (ephemeral) or into the modal (response_action: errors).
import type { AckFn, App, BlockAction, ButtonAction, ViewResponseAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { displayNameOf } from '../display-name.js';
import type { Locale, MessageKey, MessageParams } from '../../i18n/index.js';
import { isLocale, t } from '../../i18n/index.js';
import {
  acknowledge,
  addNote,
  changeSeverity,
  createDraft,
  decideDraft,
  editDraft,
  reopen,
  resolve,
  resolveAuthorityRefusal,
  SEVERITIES,
  skipStep,
  tickStep,
  untickStep,
  type Decision,
  type IncidentPolicy,
  type IncidentState,
  type Refusal,
  type ReplyTarget,
  type Severity,
} from '../../domain/incidents/index.js';
import type { Clock } from '../../domain/clock.js';
import { playbookTextFor, type Playbook } from '../../domain/playbooks/index.js';
import { liveSamples, readDetection } from '../blocks/detection-summary.js';
import { renderOrRaw, replyTemplateValues } from '../blocks/reply-templates.js';
import { actionIds, callbackIds, decodeRef, draftModalRef, draftRef, draftTargetValue, draftTextValue, incidentRef, inputIds, leadRef, severityModalRef, isDraftTextBlockId, isDraftTargetBlockId, stepRef } from '../blocks/ids.js';
import {
  MAX_THREAD_TARGETS,
  draftReplyModal,
  editDraftModal,
  noteModal,
  refusalField,
  refusalFieldErrors,
  rejectDraftModal,
  requestChangesModal,
  resolveModal,
  severityModal,
  skipStepModal,
} from '../blocks/modals.js';
import { replyPreflightContext, targetLanguageOf } from './reply-preflight.js';
import { mrkdwnFromInputText } from '../text.js';
import type { DecisionOutcome } from '../../app/incidents.js';
import { openModal, personLocale, submissionKey, tellPerson, tellRefusal, type SlackServices } from './services.js';

type Decide = (state: IncidentState, policy: IncidentPolicy, clock: Clock) => Decision;

interface ViewState {
  values: Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;
}

/** A submitted or live modal's input value: Bolt types `view.state` loosely, its shape is Slack's. */
function valueOf(view: { state: unknown }, blockId: string, actionId = blockId): string | undefined {
  const entry = (view.state as ViewState).values[blockId]?.[actionId];
  return entry?.value ?? entry?.selected_option?.value ?? undefined;
}

/** The target selected in a draft modal, whichever block_id its radios had (see draftTargetBlockId). */
function draftTargetIn(view: { state: unknown }): string | undefined {
  const values = (view.state as ViewState).values;
  const blockId = Object.keys(values).find(isDraftTargetBlockId);
  return blockId === undefined ? undefined : valueOf(view, blockId, actionIds.pickTarget);
}

/** The draft text typed in a draft modal, as the message text it will be posted as ('' when the field is empty). */
function draftTextOf(view: { state: unknown }): string {
  return mrkdwnFromInputText(draftTextValue((view.state as ViewState).values) ?? '');
}

function loadOrFail(services: SlackServices, incidentId: string) {
  return services.incidents.get(incidentId);
}

/** How long the draft modal waits for members' names: its trigger_id is good for 3 s in all. */
const MEMBER_NAMES_WAIT_MS = 1_200;

/**
 * The display names of members, asked of Slack (one lookup each, in parallel; unknown when Slack cannot
 * say, or has not said within MEMBER_NAMES_WAIT_MS — a rate-limited Slack must not keep the modal shut).
 */
async function memberNames(client: WebClient, userIds: readonly (string | null)[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, MEMBER_NAMES_WAIT_MS);
    timer.unref();
  });
  const lookups = Promise.all(
    [...new Set(userIds.filter((id): id is string => id !== null))].map(async (userId) => {
      const name = await displayNameOf(client, userId);
      if (name) names.set(userId, name);
    }),
  );
  await Promise.race([lookups, waited]);
  clearTimeout(timer);
  return new Map(names);
}

type DraftTarget = { kind: 'channel' } | { kind: 'thread'; ts: string };

/** "channel" / "thread:<ts>" (draftTargetValue) back to a target; undefined for anything else. */
function draftTargetOf(value: string | undefined): DraftTarget | undefined {
  if (value === draftTargetValue.channel) return { kind: 'channel' };
  if (value?.startsWith('thread:') && value.length > 'thread:'.length) return { kind: 'thread', ts: value.slice('thread:'.length) };
  return undefined;
}

async function draftModalView(
  services: SlackServices,
  client: WebClient,
  incidentId: string,
  /** The language of the person it opens for (localeOfPerson): a modal is read by them alone. */
  reader: Locale,
  /**
   * `textTarget`: the target the text box's text was prefilled for. `keptText`: staff edited it by
   * hand, so the box keeps its block_id (Slack keeps what they typed) and its first prefill.
   */
  choice: {
    templateId?: string;
    language?: Locale;
    target?: DraftTarget;
    textTarget?: DraftTarget;
    keptText?: { blockId: string; initialValue: string; languageChanged: boolean };
    /** The box's block_id now, when its text is not kept: the re-filled box never reuses it (Slack would keep an emptied box empty). */
    replacedBlockId?: string;
    /** Staff picked `target` themselves (it is kept as they change template or language). */
    targetPicked?: boolean;
  } = {},
) {
  const record = await loadOrFail(services, incidentId);
  const { state } = record;
  const playbook = services.playbook(state.incident.playbookId);
  const templates: Playbook['replies'] = playbook?.replies ?? [];
  const template = templates.find((candidate) => candidate.id === choice.templateId) ?? templates[0];
  // Replies speak the community's language (the channel's recent mix), not necessarily the staff's.
  const language = choice.language ?? (await services.communityLanguage?.(record.workspaceId, state.incident.channelId)) ?? state.incident.locale;
  // A message its author deleted is neither quoted nor offered as a thread to answer.
  const samples = liveSamples(readDetection(state.incident.detection));
  const offered = samples.slice(0, MAX_THREAD_TARGETS);
  // A target no longer offered (another sample order) falls back to the template's default.
  const chosen = choice.target?.kind === 'thread' && !offered.some((sample) => sample.id === (choice.target as { ts: string }).ts) ? undefined : choice.target;
  const target = chosen ?? (template?.target === 'thread' && offered[0] ? { kind: 'thread' as const, ts: offered[0].id } : { kind: 'channel' as const });
  const textTarget = choice.textTarget ?? target;
  const names = await memberNames(client, offered.map((sample) => sample.authorId));
  const knownChannelName = await services.channelName(state.incident.channelId);
  const channelName = knownChannelName ?? state.incident.channelId;
  // {{member}} is the author of the thread the text is for: picking another thread greets its author.
  const valuesFor = (forTarget: DraftTarget) => {
    const authorId = forTarget.kind === 'thread' ? (offered.find((sample) => sample.id === forTarget.ts)?.authorId ?? null) : null;
    return replyTemplateValues({ defaults: services.templateDefaults, state, channelName: knownChannelName, memberName: (authorId && names.get(authorId)) || null });
  };
  const values = valuesFor(target);
  // Every language the reply could be read in (the channel's, each member message's): a mismatch asks for confirmation.
  const readerLanguages = await Promise.all(
    [{ kind: 'channel' as const, channelId: state.incident.channelId }, ...samples.map((sample) => ({ kind: 'thread' as const, channelId: state.incident.channelId, messageTs: sample.id }))].map(
      (candidate) => targetLanguageOf(services, record, candidate),
    ),
  );
  return draftReplyModal({
    incidentId,
    incidentNumber: state.incident.number,
    channelId: state.incident.channelId,
    channelName,
    locale: reader,
    templates,
    ...(template ? { templateId: template.id } : {}),
    language,
    text: choice.keptText ? choice.keptText.initialValue : template ? renderOrRaw(template.text[language], valuesFor(textTarget)) : '',
    ...(choice.keptText ? { keptText: { blockId: choice.keptText.blockId, languageChanged: choice.keptText.languageChanged } } : {}),
    ...(choice.keptText && template ? { templateText: renderOrRaw(template.text[language], values) } : {}),
    ...(!choice.keptText && choice.replacedBlockId ? { replacedBlockId: choice.replacedBlockId } : {}),
    drill: state.incident.drill,
    templatePreviews: Object.fromEntries(templates.map((candidate) => [candidate.id, renderOrRaw(candidate.text[language], values)])),
    targets: offered.map((sample) => {
      const authorName = sample.authorId ? names.get(sample.authorId) : undefined;
      return { ts: sample.id, text: sample.text, ...(authorName ? { authorName } : {}) };
    }),
    target,
    textTarget,
    askLanguageConfirmation: readerLanguages.some((reader) => reader !== undefined && reader !== language),
    noMemberMessage: template?.target === 'thread' && samples.length === 0,
    ...(choice.targetPicked ? { targetPicked: true } : {}),
  });
}

function parseTarget(value: string | undefined, channelId: string): ReplyTarget {
  if (value?.startsWith('thread:')) return { kind: 'thread', channelId, messageTs: value.slice('thread:'.length) };
  return { kind: 'channel', channelId };
}

/**
 * A refusal as the person who acted reads it: only they see it, so in their language (localeOfPerson),
 * not the incident's. The domain wrote it in the incident's; its code and params say it again.
 */
async function refusalForPerson(services: SlackServices, refusal: Refusal, person: { teamId: string | undefined; userId: string; client: WebClient }): Promise<{ refusal: Refusal; locale: Locale }> {
  const locale = await services.localeOfPerson(person.teamId, person.userId, person.client);
  const key = `refusal.${refusal.code}` as MessageKey;
  return { refusal: { ...refusal, message: t(locale, key, refusal.params as MessageParams<typeof key>) }, locale };
}

/** Runs decisions for buttons and modals, and tells a refusal to the person who acted. */
function decisionRunners(services: SlackServices) {
  /**
   * Runs a decision for a button and acknowledges the click once the decision is committed: Slack
   * never sends a click again, so an acknowledged approval must survive a crash right after the
   * acknowledgement. A refusal is shown only to the person who clicked.
   */
  async function decideFromButton(ack: () => Promise<void>, body: BlockAction, client: WebClient, incidentId: string, decide: Decide, options: { approvalBy?: string } = {}): Promise<void> {
    let outcome: DecisionOutcome;
    try {
      outcome = await services.incidents.decide(incidentId, decide, options);
    } finally {
      await ack();
    }
    if (outcome.ok) return;
    const told = await refusalForPerson(services, outcome.refusal, { teamId: body.team?.id, userId: body.user.id, client });
    await tellRefusal(
      client,
      { channel: body.channel?.id ?? outcome.incident.alertChannelId, user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts },
      told.refusal,
      told.locale,
    );
  }

  /** Runs a decision for a modal: a refusal about a field becomes a field error, others are told. */
  async function decideFromModal(
    ack: AckFn<ViewResponseAction>,
    body: ViewSubmitAction,
    client: WebClient,
    incidentId: string,
    decide: Decide,
    /** Field errors of this modal's own for a refusal, before the generic field mapping. */
    modalErrors?: (refusal: Refusal, names: Promise<ReadonlyMap<string, string>>) => Promise<Record<string, string> | null>,
    /** Commit an accepted decision for the first delivery of this submission only (submissionKey by default). */
    options: { once?: string } = {},
  ): Promise<void> {
    // Every modal's decision is taken once per submission: Slack may deliver one submission twice.
    const outcome = await services.incidents.decide(incidentId, decide, { once: options.once ?? submissionKey(body) });
    if (outcome.ok) {
      await ack();
      return;
    }
    await answerModalRefusal(ack, body, client, outcome, modalErrors);
  }

  /** A refused modal decision: a refusal about a field becomes a field error, others are told. */
  async function answerModalRefusal(
    ack: AckFn<ViewResponseAction>,
    body: ViewSubmitAction,
    client: WebClient,
    outcome: Extract<DecisionOutcome, { ok: false }>,
    modalErrors?: (refusal: Refusal, names: Promise<ReadonlyMap<string, string>>) => Promise<Record<string, string> | null>,
  ): Promise<void> {
    const blockIds = (body.view.blocks as { block_id?: string }[]).map((block) => block.block_id ?? '');
    // Slack is asked for the names a refusal mentions while it says the person's language, not after:
    // both waits in a row could outlast the guard's deadline, whose empty answer closes the form.
    const names = mentionNames(client, outcome.refusal.message);
    const told = await refusalForPerson(services, outcome.refusal, { teamId: body.team?.id ?? body.view.team_id, userId: body.user.id, client });
    const errors =
      (await modalErrors?.(told.refusal, names)) ?? refusalFieldErrors(body.view.callback_id, refusalField(told.refusal), told.refusal.message, blockIds) ?? (await authorityError(body, client, told.refusal, names));
    if (errors) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const place = outcome.incident;
    await tellRefusal(client, { channel: place.alertChannelId, user: body.user.id, threadTs: place.rootTs ?? undefined }, told.refusal, told.locale);
  }

  return { decideFromButton, decideFromModal, answerModalRefusal };
}

const buttonValue = (body: BlockAction) => (body.actions[0] as ButtonAction | undefined)?.value;

/** Buttons of the incident workflow: each acknowledged only once its decision is committed. */
export function registerInteractionListeners(app: App, services: SlackServices): void {
  registerDecisionButtons(app, services);
  registerModalOpeners(app, services);
  registerDraftModalPickers(app, services);
  registerDraftSubmissions(app, services);
  registerDecisionModals(app, services);
  registerResolveModal(app, services);
  registerUnknownActions(app, services);
}

/** Acknowledge, reopen, approve a draft, tick a checklist step: one click, one decision. */
function registerDecisionButtons(app: App, services: SlackServices): void {
  const { decideFromButton } = decisionRunners(services);
  app.action<BlockAction>(actionIds.acknowledge, async ({ ack, body, client }) => {
    const { i, l } = decodeRef(leadRef, buttonValue(body), 'acknowledge button');
    await decideFromButton(ack, body, client, i, (state, policy, clock) =>
      acknowledge(state, { actorUserId: body.user.id, ...(l !== undefined ? { seenLeadUserId: l } : {}) }, policy, clock),
    );
  });

  app.action<BlockAction>(actionIds.reopen, async ({ ack, body, client }) => {
    const { i } = decodeRef(incidentRef, buttonValue(body), 'reopen button');
    await decideFromButton(ack, body, client, i, (state, policy, clock) => reopen(state, { actorUserId: body.user.id }, policy, clock));
  });

  app.action<BlockAction>(actionIds.approveDraft, async ({ ack, body, client }) => {
    const ref = decodeRef(draftRef, buttonValue(body), 'approve button');
    await decideFromButton(ack, body, client, ref.i, (state, policy, clock) =>
      decideDraft(state, { actorUserId: body.user.id, draftId: ref.d, revision: ref.r, decision: 'approve' }, policy, clock),
      // Who is in the approver groups is asked of Slack again unless the answer is a few seconds old.
      { approvalBy: body.user.id },
    );
  });

  app.action<BlockAction>(actionIds.toggleStep, async ({ ack, body, client }) => {
    const ref = decodeRef(stepRef, buttonValue(body), 'checklist button');
    await decideFromButton(ack, body, client, ref.i, (state, policy, clock) =>
      (ref.done ? untickStep : tickStep)(state, { actorUserId: body.user.id, stepId: ref.s }, policy, clock),
    );
  });
}

/**
 * A stale button (an older copy of the alert, a slow client) on a resolved incident: its modal could
 * only be refused on submit, so the refusal the submission would get is told at once and no modal
 * opens. Same words, same place as a refused click (decideFromButton). True when refused.
 */
async function refusedAsResolved(services: SlackServices, body: BlockAction, client: WebClient, record: { state: IncidentState; alertChannelId: string }): Promise<boolean> {
  const { incident } = record.state;
  if (incident.status !== 'resolved') return false;
  const refusal: Refusal = { code: 'incident_resolved', message: t(incident.locale, 'refusal.incident_resolved', { number: incident.number }), params: { number: incident.number } };
  const told = await refusalForPerson(services, refusal, { teamId: body.team?.id, userId: body.user.id, client });
  await tellRefusal(client, { channel: body.channel?.id ?? record.alertChannelId, user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts }, told.refusal, told.locale);
  return true;
}

/**
 * A button naming a draft or step its incident does not have (a damaged or hand-made payload): told to the
 * person who pressed it, as an unknown button is, instead of nothing happening.
 */
async function tellStaleButton(services: SlackServices, body: BlockAction, client: WebClient): Promise<void> {
  await tellPerson(client, { channel: body.channel?.id ?? undefined, user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts }, { text: t(await personLocale(services, body, client), 'ui.button.stale', {}) });
}

/**
 * A checklist step's title as the person a form is for reads it: the playbook's title in their language,
 * while the playbook still has that step under one of the titles the incident stored (an edited title
 * keeps the incident's own words), as a reply's guidance is shown in the reader's language.
 */
function stepTitleFor(services: SlackServices, playbookId: string, step: { readonly stepId: string; readonly text: string }, reader: Locale): string {
  return playbookTextFor(services.playbook(playbookId)?.checklist.find((candidate) => candidate.id === step.stepId)?.title, step.text, reader);
}

/** Buttons that open a modal: views.open needs the trigger_id within 3 s, so they open at once. */
function registerModalOpeners(app: App, services: SlackServices): void {
  app.action<BlockAction>(actionIds.skipStep, async ({ ack, body, client }) => {
    await ack();
    const ref = decodeRef(stepRef, buttonValue(body), 'skip button');
    const record = await loadOrFail(services, ref.i);
    if (await refusedAsResolved(services, body, client, record)) return;
    const { state } = record;
    const step = state.checklist.find((item) => item.stepId === ref.s);
    if (!step) {
      await tellStaleButton(services, body, client);
      return;
    }
    const reader = await personLocale(services, body, client);
    await openModal(services, body, client, skipStepModal({ step: ref, incidentNumber: state.incident.number, stepText: stepTitleFor(services, state.incident.playbookId, step, reader), locale: reader }));
  });

  app.action<BlockAction>(actionIds.draftReply, async ({ ack, body, client }) => {
    await ack();
    const { i } = decodeRef(incidentRef, buttonValue(body), 'draft reply button');
    if (await refusedAsResolved(services, body, client, await loadOrFail(services, i))) return;
    await openModal(services, body, client, await draftModalView(services, client, i, await personLocale(services, body, client)));
  });

  for (const [actionId, build] of [
    [actionIds.requestChanges, requestChangesModal],
    [actionIds.rejectDraft, rejectDraftModal],
  ] as const) {
    app.action<BlockAction>(actionId, async ({ ack, body, client }) => {
      await ack();
      const ref = decodeRef(draftRef, buttonValue(body), `${actionId} button`);
      const record = await loadOrFail(services, ref.i);
      if (await refusedAsResolved(services, body, client, record)) return;
      const { state } = record;
      const draft = state.drafts.find((candidate) => candidate.id === ref.d);
      if (!draft) {
        await tellStaleButton(services, body, client);
        return;
      }
      await openModal(services, body, client, build({ draft: ref, draftNumber: draft.number, text: draft.text, locale: await personLocale(services, body, client) }));
    });
  }

  app.action<BlockAction>(actionIds.editDraft, async ({ ack, body, client }) => {
    await ack();
    const ref = decodeRef(draftRef, buttonValue(body), 'edit button');
    const record = await loadOrFail(services, ref.i);
    if (await refusedAsResolved(services, body, client, record)) return;
    const { state } = record;
    const draft = state.drafts.find((candidate) => candidate.id === ref.d);
    if (!draft) {
      await tellStaleButton(services, body, client);
      return;
    }
    const reader = await personLocale(services, body, client);
    const guidance = services.playbook(state.incident.playbookId)?.replies.find((reply) => reply.id === draft.templateId)?.guidance[reader];
    // Known readers' language: an edit into another one is confirmed as on creation.
    const readersLanguage = await targetLanguageOf(services, record, draft.target);
    const askLanguageConfirmation = readersLanguage !== undefined;
    await openModal(
      services,
      body,
      client,
      editDraftModal({ draft: { i: ref.i, d: ref.d, r: draft.revision }, draftNumber: draft.number, text: draft.text, locale: reader, askLanguageConfirmation, ...(readersLanguage ? { readersLanguage } : {}), ...(guidance ? { guidance } : {}) }),
    );
  });

  app.action<BlockAction>(actionIds.changeSeverity, async ({ ack, body, client }) => {
    await ack();
    const { i } = decodeRef(incidentRef, buttonValue(body), 'severity button');
    const record = await loadOrFail(services, i);
    if (await refusedAsResolved(services, body, client, record)) return;
    const { state } = record;
    // A playbook no longer loaded (its file removed, its id changed) leaves the form without the levels' meanings, never unopened.
    const playbook = services.playbook(state.incident.playbookId);
    await openModal(services, body, client, severityModal({ incidentId: i, incidentNumber: state.incident.number, current: state.incident.severity, severities: playbook?.severities, locale: await personLocale(services, body, client) }));
  });

  app.action<BlockAction>(actionIds.resolve, async ({ ack, body, client }) => {
    await ack();
    const { i } = decodeRef(incidentRef, buttonValue(body), 'resolve button');
    const record = await loadOrFail(services, i);
    if (await refusedAsResolved(services, body, client, record)) return;
    // Someone the playbook does not let resolve is told now, naming who may, before writing a summary for nothing.
    // Slack failing to list the playbook's groups does not keep the form shut: the submission checks again.
    const refused = await services.incidents.refusalBeforeForm(i, (state, policy, clock) => resolveAuthorityRefusal(state, { actorUserId: body.user.id }, policy, clock)).catch((error: unknown) => {
      services.logger.warn({ err: error, incidentId: i }, 'could not check who may resolve before opening the resolve form; opening it');
      return null;
    });
    if (refused) {
      const told = await refusalForPerson(services, refused.refusal, { teamId: body.team?.id, userId: body.user.id, client });
      await tellRefusal(client, { channel: body.channel?.id ?? record.alertChannelId, user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts }, told.refusal, told.locale);
      return;
    }
    const { state } = record;
    const reader = await personLocale(services, body, client);
    const openRequiredSteps = state.checklist
      .filter((step) => step.required && step.doneAt === null && step.skippedAt === null)
      .map((step) => ({ stepId: step.stepId, text: stepTitleFor(services, state.incident.playbookId, step, reader) }));
    await openModal(services, body, client, resolveModal({ incidentId: i, incidentNumber: state.incident.number, openRequiredSteps, locale: reader }));
  });

  app.action<BlockAction>(actionIds.addNote, async ({ ack, body, client }) => {
    await ack();
    const { i } = decodeRef(incidentRef, buttonValue(body), 'note button');
    const { state } = await loadOrFail(services, i);
    await openModal(services, body, client, noteModal(i, state.incident.number, await personLocale(services, body, client)));
  });
}

/**
 * Whether staff changed the draft modal's text by hand: what the box holds now differs from what it
 * was prefilled with (the shown view's initial_value). An emptied box has nothing to lose.
 */
/** The block_id of the draft modal's text box as shown. */
function draftTextBlockIdOf(view: { blocks: unknown }): string | undefined {
  return (view.blocks as { type?: string; block_id?: string }[]).find((block) => block.type === 'input' && isDraftTextBlockId(block.block_id ?? ''))?.block_id;
}

function textEditedByHand(view: { state: unknown; blocks: unknown }): { blockId: string; initialValue: string } | null {
  const typed = draftTextValue((view.state as ViewState).values);
  if (typed === undefined || typed === null || typed.trim() === '') return null;
  const box = (view.blocks as { type?: string; block_id?: string; element?: { initial_value?: string } }[]).find((block) => block.type === 'input' && isDraftTextBlockId(block.block_id ?? ''));
  const normal = (text: string) => text.replace(/\r\n?/g, '\n').trim();
  const initialValue = box?.element?.initial_value ?? '';
  return box?.block_id && normal(typed) !== normal(initialValue) ? { blockId: box.block_id, initialValue } : null;
}

/**
 * Inside the draft modal: another template, language or target re-fills the text (the template in
 * that language, the thread's author), unless staff edited the text by hand: then it is kept, never
 * silently replaced, the chosen template is shown under it to copy from, and the modal says whom it was
 * written for and where it now goes, or asks to check its language.
 */
function registerDraftModalPickers(app: App, services: SlackServices): void {
  for (const actionId of [actionIds.pickTemplate, actionIds.pickLanguage, actionIds.pickTarget]) {
    app.action<BlockAction>(actionId, async ({ ack, body, client }) => {
      await ack();
      const view = body.view;
      if (!view) return;
      const { i, w, p } = decodeRef(draftModalRef, view.private_metadata, 'draft modal');
      const language = valueOf(view, inputIds.draftLanguage, actionIds.pickLanguage);
      // The target shown is the template's own until staff pick one: another template then brings its own
      // ("thank everyone in the channel" is not posted as a reply in the thread the first template answered).
      const targetPicked = actionId === actionIds.pickTarget || p === 1;
      const target = targetPicked ? draftTargetOf(draftTargetIn(view)) : undefined;
      const writtenFor = draftTargetOf(w);
      // Text typed by hand stays in the box whatever is picked, a template included (its text is shown to copy).
      const edited = textEditedByHand(view);
      const rebuilt = await draftModalView(services, client, i, await personLocale(services, body, client), {
        templateId: valueOf(view, inputIds.draftTemplate, actionIds.pickTemplate),
        ...(isLocale(language) ? { language } : {}),
        ...(target ? { target } : {}),
        ...(edited && writtenFor ? { textTarget: writtenFor } : {}),
        ...(edited ? { keptText: { ...edited, languageChanged: actionId === actionIds.pickLanguage } } : {}),
        ...(!edited ? { replacedBlockId: draftTextBlockIdOf(view) } : {}),
        ...(targetPicked ? { targetPicked } : {}),
      });
      await client.views.update({ view_id: view.id, hash: view.hash, view: rebuilt as never });
    });
  }
}

/** Whether the draft or edit modal's "post in this language anyway" box was ticked. */
function languageConfirmedIn(view: { state: unknown }): boolean {
  const box = (view.state as ViewState).values[inputIds.draftLanguageConfirm]?.[inputIds.draftLanguageConfirm] as { selected_options?: unknown[] } | undefined;
  return (box?.selected_options?.length ?? 0) > 0;
}

/** A new draft, or an edit of one: the preflight runs on what the staff wrote. */
function registerDraftSubmissions(app: App, services: SlackServices): void {
  const { decideFromModal } = decisionRunners(services);
  app.view<ViewSubmitAction>(callbackIds.draftReplyModal, async ({ ack, body, view, client }) => {
    const { i } = decodeRef(incidentRef, view.private_metadata, 'draft modal');
    const language = valueOf(view, inputIds.draftLanguage, actionIds.pickLanguage);
    const record = await loadOrFail(services, i);
    const target = parseTarget(draftTargetIn(view), record.state.incident.channelId);
    const preflight = await replyPreflightContext(services, record, target);
    await decideFromModal(ack, body, client, i, (current, policy, clock) =>
      createDraft(
        current,
        {
          actorUserId: body.user.id,
          text: draftTextOf(view),
          language: isLocale(language) ? language : record.state.incident.locale,
          templateId: valueOf(view, inputIds.draftTemplate, actionIds.pickTemplate) ?? null,
          target,
          preflight,
          languageConfirmed: languageConfirmedIn(view),
        },
        policy,
        clock,
      ),
      undefined,
      { once: submissionKey(body) },
    );
  });

  app.view<ViewSubmitAction>(callbackIds.editDraftModal, async ({ ack, body, view, client }) => {
    const ref = decodeRef(draftRef, view.private_metadata, 'edit modal');
    const record = await loadOrFail(services, ref.i);
    const preflight = await replyPreflightContext(services, record, record.state.drafts.find((draft) => draft.id === ref.d)?.target ?? null);
    const languageConfirmed = languageConfirmedIn(view);
    await decideFromModal(ack, body, client, ref.i, (current, policy, clock) =>
      editDraft(current, { actorUserId: body.user.id, draftId: ref.d, revision: ref.r, text: draftTextOf(view), preflight, languageConfirmed }, policy, clock),
    );
  });
}

/** Modals that carry one decision: request changes, reject, severity, skip a step, a note. */
function registerDecisionModals(app: App, services: SlackServices): void {
  const { decideFromModal } = decisionRunners(services);
  app.view<ViewSubmitAction>(callbackIds.requestChangesModal, async ({ ack, body, view, client }) => {
    const ref = decodeRef(draftRef, view.private_metadata, 'request changes modal');
    await decideFromModal(ack, body, client, ref.i, (current, policy, clock) =>
      decideDraft(current, { actorUserId: body.user.id, draftId: ref.d, revision: ref.r, decision: 'request_changes', comment: valueOf(view, inputIds.comment) ?? '' }, policy, clock),
    );
  });

  app.view<ViewSubmitAction>(callbackIds.rejectDraftModal, async ({ ack, body, view, client }) => {
    const ref = decodeRef(draftRef, view.private_metadata, 'reject modal');
    await decideFromModal(ack, body, client, ref.i, (current, policy, clock) =>
      decideDraft(current, { actorUserId: body.user.id, draftId: ref.d, revision: ref.r, decision: 'reject', comment: valueOf(view, inputIds.reason) ?? '' }, policy, clock),
    );
  });

  app.view<ViewSubmitAction>(callbackIds.severityModal, async ({ ack, body, view, client }) => {
    const { i, v } = decodeRef(severityModalRef, view.private_metadata, 'severity modal');
    const severity = valueOf(view, inputIds.severity);
    if (!SEVERITIES.includes(severity as Severity)) {
      await ack({ response_action: 'errors', errors: { [inputIds.severity]: t(await personLocale(services, body, client), 'ui.modal.severity.invalid', { severities: SEVERITIES.join(', ') }) } });
      return;
    }
    await decideFromModal(ack, body, client, i, (current, policy, clock) =>
      changeSeverity(current, { actorUserId: body.user.id, severity: severity as Severity, reason: valueOf(view, inputIds.reason) ?? '', ...(v ? { seenSeverity: v } : {}) }, policy, clock),
    );
  });

  app.view<ViewSubmitAction>(callbackIds.skipStepModal, async ({ ack, body, view, client }) => {
    const ref = decodeRef(stepRef, view.private_metadata, 'skip modal');
    await decideFromModal(ack, body, client, ref.i, (current, policy, clock) =>
      skipStep(current, { actorUserId: body.user.id, stepId: ref.s, reason: valueOf(view, inputIds.reason) ?? '' }, policy, clock),
    );
  });

  app.view<ViewSubmitAction>(callbackIds.noteModal, async ({ ack, body, view, client }) => {
    const { i } = decodeRef(incidentRef, view.private_metadata, 'note modal');
    await decideFromModal(ack, body, client, i, (current, policy, clock) => addNote(current, { actorUserId: body.user.id, text: valueOf(view, inputIds.note) ?? '' }, policy, clock));
  });
}

/**
 * Who may do this changed while the modal was open (the playbook, the lead): said under its first input,
 * so the modal stays open with what was typed instead of closing on a refusal in the thread.
 */
async function authorityError(body: ViewSubmitAction, client: WebClient, refusal: Refusal, names?: Promise<ReadonlyMap<string, string>>): Promise<Record<string, string> | null> {
  if (refusal.code !== 'not_authorised') return null;
  const input = (body.view.blocks as { type?: string; block_id?: string }[]).find((block) => block.type === 'input' && block.block_id);
  return input?.block_id ? { [input.block_id]: await plainMentions(client, refusal.message, names) } : null;
}

/**
 * How long a form's refusal waits for Slack to name the people it mentions (users.info, unbounded
 * otherwise): its answer must beat the listener guard's deadline (ACK_DEADLINE_MS). Unnamed in time, a
 * mention shows as its user id.
 */
const MENTION_NAMES_WAIT_MS = 1_000;

/** The display names of the people `text` mentions, as far as Slack said them within MENTION_NAMES_WAIT_MS. */
async function mentionNames(client: WebClient, text: string): Promise<ReadonlyMap<string, string>> {
  const ids = [...new Set([...text.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((match) => match[1] as string))];
  if (ids.length === 0) return new Map();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), MENTION_NAMES_WAIT_MS)));
  try {
    const named = await Promise.all(ids.map(async (id) => [id, await Promise.race([displayNameOf(client, id), late])] as const));
    return new Map(named.filter((entry): entry is readonly [string, string] => entry[1] !== null));
  } finally {
    clearTimeout(timer);
  }
}

/** A message's mentions as names (`<@U1>` → `@Ann`): a modal's error is plain text, where a mention shows as its code. */
async function plainMentions(client: WebClient, text: string, names: Promise<ReadonlyMap<string, string>> = mentionNames(client, text)): Promise<string> {
  const known = await names;
  return text.replace(/<@([UW][A-Z0-9]+)>/g, (_, id: string) => `@${known.get(id) ?? id}`);
}

/** Resolving: steps given a reason are skipped first, then the incident is resolved. */
function registerResolveModal(app: App, services: SlackServices): void {
  const { decideFromModal, answerModalRefusal } = decisionRunners(services);
  app.view<ViewSubmitAction>(callbackIds.resolveModal, async ({ ack, body, view, client }) => {
    const { i } = decodeRef(incidentRef, view.private_metadata, 'resolve modal');
    const summary = valueOf(view, inputIds.resolutionSummary) ?? '';
    const record = await loadOrFail(services, i);
    // The modal's own errors speak its language: the reader's.
    const locale = await personLocale(services, body, client);
    const stillOpen = record.state.checklist.filter((step) => step.required && step.doneAt === null && step.skippedAt === null);
    // Who may resolve changed since the modal opened (the playbook, the lead): said under the summary, which stays typed.
    const authorityErrors = async (refusal: Refusal, names?: Promise<ReadonlyMap<string, string>>): Promise<Record<string, string> | null> =>
      refusal.code === 'not_authorised' ? { [inputIds.resolutionSummary]: await plainMentions(client, refusal.message, names) } : null;
    // Steps given a reason in the modal are skipped first; the summary is checked first so nothing is skipped for a resolve that cannot happen.
    if (summary.trim() !== '') {
      for (const step of stillOpen) {
        const reason = valueOf(view, inputIds.skipReason(step.stepId))?.trim();
        if (!reason) continue;
        // Nor for one refused for anything but the open steps (who may resolve, an incident resolved meanwhile, the summary).
        let resolveRefused = false;
        const outcome = await services.incidents.decide(i, (current, policy, clock) => {
          const trial = resolve(current, { actorUserId: body.user.id, summary }, policy, clock);
          resolveRefused = !trial.ok && trial.refusal.code !== 'required_steps_open';
          return resolveRefused ? trial : skipStep(current, { actorUserId: body.user.id, stepId: step.stepId, reason }, policy, clock);
        });
        if (!outcome.ok && resolveRefused) {
          await answerModalRefusal(ack, body, client, outcome, authorityErrors);
          return;
        }
        if (!outcome.ok && outcome.refusal.code !== 'step_already_done' && outcome.refusal.code !== 'step_already_skipped') {
          await ack({ response_action: 'errors', errors: { [inputIds.skipReason(step.stepId)]: (await refusalForPerson(services, outcome.refusal, { teamId: body.team?.id, userId: body.user.id, client })).refusal.message } });
          return;
        }
      }
    }
    // Still blocked: each open step's reason box says so; the modal stays open with what was typed.
    const stepErrors = async (refusal: Refusal, names: Promise<ReadonlyMap<string, string>>): Promise<Record<string, string> | null> => {
      if (refusal.code !== 'required_steps_open') return authorityErrors(refusal, names);
      const shown = new Set((view.blocks as { block_id?: string }[]).map((block) => block.block_id ?? ''));
      const open = (await loadOrFail(services, i)).state.checklist.filter((step) => step.required && step.doneAt === null && step.skippedAt === null);
      if (!open.every((step) => shown.has(inputIds.skipReason(step.stepId)))) return null;
      return Object.fromEntries(open.map((step) => [inputIds.skipReason(step.stepId), t(locale, 'ui.modal.resolve.step_still_open', {})]));
    };
    await decideFromModal(ack, body, client, i, (current, policy, clock) => resolve(current, { actorUserId: body.user.id, summary }, policy, clock), stepErrors);
  });
}

/** Anything else (an old message's button, a typo in a custom integration): logged and answered politely. */
function registerUnknownActions(app: App, services: SlackServices): void {
  const known = (Object.values(actionIds) as string[]).map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  app.action(new RegExp(`^(?!(?:${known.join('|')})$)`), async ({ ack, action, body, client }) => {
    await ack();
    const actionId = (action as { action_id?: string }).action_id ?? 'unknown';
    services.logger.warn({ actionId }, 'unknown action');
    services.onUnknownAction?.(actionId);
    const channel = (body as { channel?: { id?: string } }).channel?.id;
    if (channel) {
      await tellPerson(client, { channel, user: body.user.id }, { text: t(await services.localeOfPerson(body.team?.id, body.user.id, client), 'ui.button.stale', {}) });
    }
  });
}
