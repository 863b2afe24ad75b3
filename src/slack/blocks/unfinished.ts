// The direct message telling a person that a request of theirs was acknowledged but never finished
// (app/unfinished-requests.ts): what they did, in the words of the button or form, and when.
import { t, type Locale, type MessageKey } from '../../i18n/index.js';
import type { UnfinishedNoticeViews } from '../../app/unfinished-requests.js';
import type { StoredUnfinishedRequest } from '../../app/ports/unfinished.js';
import { actionIds, callbackIds } from './ids.js';
import { slackDate } from './kit.js';

type LabelKey = Extract<MessageKey, `ui.button.${string}` | `feedback.button.${string}` | 'ui.modal.timeline.title'>;

/** The label people saw on the button (or on the button that opened the form). */
const BUTTON_KEYS: Record<string, LabelKey> = {
  [actionIds.acknowledge]: 'ui.button.acknowledge',
  [actionIds.reopen]: 'ui.button.reopen',
  [actionIds.approveDraft]: 'ui.button.approve',
  [actionIds.toggleStep]: 'ui.button.done',
  [actionIds.approvePostMortem]: 'ui.button.approve',
  [actionIds.actionItemDone]: 'ui.button.done',
  [actionIds.realCrisis]: 'feedback.button.real_crisis',
  [actionIds.falseAlarm]: 'feedback.button.false_alarm',
  [actionIds.sampleNotNegative]: 'feedback.button.not_negative',
  [actionIds.sampleNegative]: 'feedback.button.negative',
  [actionIds.undoFeedback]: 'feedback.button.undo',
  [callbackIds.draftReplyModal]: 'ui.button.draft_reply',
  [callbackIds.editDraftModal]: 'ui.button.edit',
  [callbackIds.requestChangesModal]: 'ui.button.request_changes',
  [callbackIds.rejectDraftModal]: 'ui.button.reject',
  [callbackIds.severityModal]: 'ui.button.change_severity',
  [callbackIds.resolveModal]: 'ui.button.resolve',
  [callbackIds.noteModal]: 'ui.button.add_note',
  [callbackIds.skipStepModal]: 'ui.button.skip',
  [callbackIds.postMortemModal]: 'ui.button.postmortem',
  [callbackIds.addToTimelineShortcut]: 'ui.modal.timeline.title',
  [callbackIds.addToTimelineModal]: 'ui.modal.timeline.title',
  [callbackIds.feedbackReasonModal]: 'feedback.button.add_reason',
};

function what(locale: Locale, request: StoredUnfinishedRequest, number: number | null): string {
  const key = BUTTON_KEYS[request.action];
  const label = key ? t(locale, key, {}) : request.action;
  if (request.kind === 'command') return t(locale, 'ui.unfinished.command', { command: request.action });
  if (request.kind === 'shortcut') return t(locale, 'ui.unfinished.shortcut', { label });
  if (request.kind === 'view') return number === null ? t(locale, 'ui.unfinished.form', { label }) : t(locale, 'ui.unfinished.form_on_incident', { label, number });
  return number === null ? t(locale, 'ui.unfinished.click', { label }) : t(locale, 'ui.unfinished.click_on_incident', { label, number });
}

export const slackUnfinishedViews: UnfinishedNoticeViews = {
  notice: (locale, request, incidentNumber) => t(locale, 'ui.unfinished.notice', { what: what(locale, request, incidentNumber), at: slackDate(request.at) }),
};
