// Staff feedback from Slack (#16): the alert's and samples' buttons, Undo and Add a reason on the
// confirmation, and the "Firebreak: mark sentiment" message shortcut. Each acks first, then runs one
// use case; the answer (or refusal) goes only to the person who clicked.
import type { App, BlockAction, ButtonAction, MessageShortcut, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { FeedbackOutcome, FeedbackService } from '../../app/feedback.js';
import { t, type Locale } from '../../i18n/index.js';
import { readDetection } from '../blocks/detection-summary.js';
import { alertFeedbackRef, feedbackReasonModal, feedbackReasonSavedModal, feedbackRecordedMessage, feedbackRef, markedMessageRef, markSentimentModal, sampleFeedbackRef } from '../blocks/feedback.js';
import { actionIds, callbackIds, decodeRef, inputIds } from '../blocks/ids.js';
import { mention } from '../blocks/kit.js';
import { openModal, operatorRefusalFor, tellPerson, type SlackServices } from './services.js';
import { committedThenAcknowledged } from '../listener-guard.js';

interface Where {
  channel: string | undefined;
  user: string;
  threadTs?: string | undefined;
}

async function tell(client: WebClient, where: Where, text: string, blocks?: unknown[]): Promise<void> {
  if (!where.channel) return;
  await tellPerson(client, where, { text, ...(blocks ? { blocks } : {}) });
}

async function answer(client: WebClient, where: Where, outcome: FeedbackOutcome, locale: Locale): Promise<void> {
  if (!outcome.ok) {
    await tell(client, where, t(locale, `feedback.refused.${outcome.refusal}`, {}));
    return;
  }
  const confirmation = feedbackRecordedMessage(outcome.feedback.id, outcome.feedback.verdict, outcome.feedback.target, locale);
  await tell(client, where, confirmation.text, confirmation.blocks);
}

/** A feedback button naming an incident there is none of (a damaged or hand-made payload). */
const STALE = 'stale' as const;

/** The outcome told where the button was pressed; a stale button is said to be one, never left unanswered. */
async function answerClick(client: WebClient, body: BlockAction, decided: FeedbackOutcome | typeof STALE, locale: Locale): Promise<void> {
  if (decided === STALE) await tell(client, whereClicked(body), t(locale, 'ui.button.stale', {}));
  else await answer(client, whereClicked(body), decided, locale);
}

function whereClicked(body: BlockAction): Where {
  return { channel: body.channel?.id, user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts };
}

const buttonValue = (body: BlockAction) => (body.actions[0] as ButtonAction | undefined)?.value;

/**
 * Feedback tunes detection for the whole workspace: it is for the people who operate Firebreak there
 * (runtime.ts mayOperate, as every command). Anyone else is told so where they clicked, audited, and
 * nothing is recorded. True when refused.
 */
async function refusedClick(services: SlackServices, body: BlockAction, client: WebClient): Promise<boolean> {
  const actionId = (body.actions[0] as ButtonAction | undefined)?.action_id ?? 'feedback';
  const refused = await services.refuseNonOperator(body.team?.id ?? undefined, body.user.id, `action:${actionId}`, client);
  if (refused) await tell(client, whereClicked(body), await operatorRefusalFor(services, { teamId: body.team?.id ?? undefined, userId: body.user.id, client }, refused));
  return refused !== null;
}

/** The alert's and samples' buttons, Undo and Add a reason, and the "mark sentiment" shortcut. */
export function registerFeedbackListeners(app: App, services: SlackServices, feedback: FeedbackService): void {
  registerAlertAndSampleButtons(app, services, feedback);
  registerUndoAndReason(app, services, feedback);
  registerMarkSentiment(app, services, feedback);
}

function registerAlertAndSampleButtons(app: App, services: SlackServices, feedback: FeedbackService): void {
  const onAlertFeedback = async ({ ack, body, client }: { ack: () => Promise<void>; body: BlockAction; client: WebClient }) => {
    const decided = await committedThenAcknowledged(ack, async () => {
      if (await refusedClick(services, body, client)) return null;
      const ref = decodeRef(alertFeedbackRef, buttonValue(body), 'alert feedback button');
      const record = await feedback.incident(ref.i);
      if (!record) return STALE;
      const { incident } = record.state;
      return feedback.give({ workspaceId: record.workspaceId, userId: body.user.id, channelId: incident.channelId, incidentId: incident.id, via: 'alert_button', verdict: { target: 'alert', value: ref.v } });
    });
    if (decided) await answerClick(client, body, decided, await services.localeOfPerson(body.team?.id, body.user.id, client));
  };
  app.action<BlockAction>(actionIds.realCrisis, onAlertFeedback);
  app.action<BlockAction>(actionIds.falseAlarm, onAlertFeedback);

  const onSampleFeedback = async ({ ack, body, client }: { ack: () => Promise<void>; body: BlockAction; client: WebClient }) => {
    const decided = await committedThenAcknowledged(ack, async () => {
      if (await refusedClick(services, body, client)) return null;
      const ref = decodeRef(sampleFeedbackRef, buttonValue(body), 'sample feedback button');
      const record = await feedback.incident(ref.i);
      if (!record) return STALE;
      const { incident } = record.state;
      const sample = readDetection(incident.detection).samples.find((candidate) => candidate.id === ref.s);
      return feedback.give({
        workspaceId: record.workspaceId,
        userId: body.user.id,
        channelId: incident.channelId,
        incidentId: incident.id,
        messageTs: ref.s,
        // A sample its author deleted has no words left to send: give() refuses it.
        text: sample && !sample.deleted ? sample.text : null,
        via: 'sample_button',
        verdict: { target: 'message', value: ref.v },
      });
    });
    // Only the clicker reads the answer: in their language, as Undo and the reason modal answer them.
    if (decided) await answerClick(client, body, decided, await services.localeOfPerson(body.team?.id, body.user.id, client));
  };
  app.action<BlockAction>(actionIds.sampleNotNegative, onSampleFeedback);
  app.action<BlockAction>(actionIds.sampleNegative, onSampleFeedback);
}

function registerUndoAndReason(app: App, services: SlackServices, feedback: FeedbackService): void {
  app.action<BlockAction>(actionIds.undoFeedback, async ({ ack, body, client }) => {
    const outcome = await committedThenAcknowledged(ack, async () => {
      if (await refusedClick(services, body, client)) return null;
      const { f } = decodeRef(feedbackRef, buttonValue(body), 'undo feedback button');
      // Another workspace's feedback id (a forged or misrouted click) is not found from here.
      return feedback.undo(f, body.user.id, await services.workspaceId(body.team?.id ?? 'local'));
    });
    if (!outcome) return;
    const where = whereClicked(body);
    const locale = await services.localeOfPerson(body.team?.id, body.user.id, client);
    const verdictLabel = (verdict: string) => t(locale, `feedback.verdict.${verdict as 'negative'}`, {});
    if (!outcome.ok && outcome.refusal === 'replaced') {
      const { feedback: undoing, replacedBy } = outcome;
      await tell(client, where, t(locale, 'feedback.undo_replaced', { verdict: verdictLabel(undoing.verdict), later: verdictLabel(replacedBy.verdict), mine: replacedBy.userId === body.user.id, author: mention(replacedBy.userId) }));
    } else if (!outcome.ok) await tell(client, where, t(locale, `feedback.refused.${outcome.refusal}`, {}));
    else if (outcome.restored) {
      const { restored } = outcome;
      await tell(client, where, t(locale, 'feedback.undone_earlier_counts', { verdict: verdictLabel(outcome.feedback.verdict), earlier: verdictLabel(restored.verdict), mine: restored.userId === body.user.id, author: mention(restored.userId) }));
    } else await tell(client, where, t(locale, 'feedback.undone', { verdict: verdictLabel(outcome.feedback.verdict) }));
  });

  app.action<BlockAction>(actionIds.feedbackReason, async ({ ack, body, client }) => {
    await ack();
    if (await refusedClick(services, body, client)) return;
    const { f } = decodeRef(feedbackRef, buttonValue(body), 'feedback reason button');
    await client.views.open({ trigger_id: body.trigger_id, view: feedbackReasonModal(f, (await services.localeOfPerson(body.team?.id, body.user.id, client))) as never });
  });

  app.view<ViewSubmitAction>(callbackIds.feedbackReasonModal, async ({ ack, body, view, client }) => {
    const { f } = decodeRef(feedbackRef, view.private_metadata, 'feedback reason modal');
    const reason = view.state.values[inputIds.reason]?.[inputIds.reason]?.value?.trim() ?? '';
    if (reason === '') {
      await ack({ response_action: 'errors', errors: { [inputIds.reason]: t((await services.localeOfPerson(body.team?.id, body.user.id, client)), 'feedback.modal.reason_required', {}) } });
      return;
    }
    const refused = await services.refuseNonOperator(body.team?.id ?? undefined, body.user.id, `view:${callbackIds.feedbackReasonModal}`, client);
    if (refused) {
      await ack({ response_action: 'errors', errors: { [inputIds.reason]: await operatorRefusalFor(services, { teamId: body.team?.id ?? undefined, userId: body.user.id, client }, refused, 'short') } });
      return;
    }
    const outcome = await feedback.addReason(f, body.user.id, reason);
    const locale = await services.localeOfPerson(body.team?.id, body.user.id, client);
    // The modal itself says it is saved: a reason is given after the confirmation, with nowhere else to answer.
    if (outcome.ok) await ack({ response_action: 'update', view: feedbackReasonSavedModal(reason, locale) as never });
    else await ack({ response_action: 'errors', errors: { [inputIds.reason]: t(locale, `feedback.refused.${outcome.refusal}`, {}) } });
  });
}

function registerMarkSentiment(app: App, services: SlackServices, feedback: FeedbackService): void {
  app.shortcut<MessageShortcut>(callbackIds.markSentimentShortcut, async ({ ack, shortcut, client }) => {
    await ack();
    const where: Where = { channel: shortcut.channel.id, user: shortcut.user.id };
    const refused = await services.refuseNonOperator(shortcut.team?.id ?? undefined, shortcut.user.id, `shortcut:${callbackIds.markSentimentShortcut}`, client);
    if (refused) {
      await tell(client, where, await operatorRefusalFor(services, { teamId: shortcut.team?.id ?? undefined, userId: shortcut.user.id, client }, refused));
      return;
    }
    const workspaceId = await services.workspaceId(shortcut.team?.id ?? 'local');
    const text = shortcut.message.text ?? '';
    const refusal = await feedback.mayMarkMessage({ workspaceId, channelId: shortcut.channel.id, ts: shortcut.message.ts, text });
    if (refusal) {
      await tell(client, where, t((await services.localeOfPerson(shortcut.team?.id, shortcut.user.id, client)), `feedback.refused.${refusal}`, {}));
      return;
    }
    // A form Slack will not open (a 500, an expired trigger) is said to the person, as a button's is.
    const locale = await services.localeOfPerson(shortcut.team?.id, shortcut.user.id, client);
    await openModal(services, { trigger_id: shortcut.trigger_id, team: shortcut.team, user: shortcut.user, channel: shortcut.channel }, client, markSentimentModal({ c: shortcut.channel.id, ts: shortcut.message.ts, text: text.slice(0, 2500) }, locale));
  });

  app.view<ViewSubmitAction>(callbackIds.markSentimentModal, async ({ ack, body, view, client }) => {
    const marked = decodeRef(markedMessageRef, view.private_metadata, 'mark sentiment modal');
    const verdict = view.state.values[inputIds.sentimentVerdict]?.[inputIds.sentimentVerdict]?.selected_option?.value;
    if (verdict !== 'negative' && verdict !== 'not_negative') {
      await ack({ response_action: 'errors', errors: { [inputIds.sentimentVerdict]: t((await services.localeOfPerson(body.team?.id, body.user.id, client)), 'feedback.modal.verdict', {}) } });
      return;
    }
    // A stale modal, or a forged submission, from someone who may not operate Firebreak records nothing.
    const refused = await services.refuseNonOperator(body.team?.id ?? undefined, body.user.id, `view:${callbackIds.markSentimentModal}`, client);
    if (refused) {
      await ack({ response_action: 'errors', errors: { [inputIds.sentimentVerdict]: await operatorRefusalFor(services, { teamId: body.team?.id ?? undefined, userId: body.user.id, client }, refused, 'short') } });
      return;
    }
    const workspaceId = await services.workspaceId(body.team?.id ?? 'local');
    const outcome = await committedThenAcknowledged(ack, () => feedback.markMessage({
      workspaceId,
      userId: body.user.id,
      channelId: marked.c,
      messageTs: marked.ts,
      text: marked.text,
      reason: view.state.values[inputIds.reason]?.[inputIds.reason]?.value ?? null,
      verdict,
    }));
    await answer(client, { channel: marked.c, user: body.user.id }, outcome, (await services.localeOfPerson(body.team?.id, body.user.id, client)));
  });
}
