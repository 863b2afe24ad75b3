/** English texts of staff feedback (#16): buttons, confirmations, refusals, the shortcut's modal, alert notes. */

type Empty = Record<string, never>;

export const feedbackEn = {
  'feedback.button.real_crisis': (_: Empty) => 'Real crisis',
  'feedback.button.false_alarm': (_: Empty) => 'False alarm',
  'feedback.button.not_negative': (_: Empty) => 'Not negative',
  'feedback.button.negative': (_: Empty) => 'Negative',
  'feedback.button.undo': (_: Empty) => 'Undo',
  'feedback.button.add_reason': (_: Empty) => 'Add a reason',
  'feedback.alert_question': (_: Empty) => 'Was this alert right? Your answer tunes this channel’s detection.',
  'feedback.verdict.real_crisis': (_: Empty) => 'real crisis',
  'feedback.verdict.false_alarm': (_: Empty) => 'false alarm',
  'feedback.verdict.negative': (_: Empty) => 'negative',
  'feedback.verdict.not_negative': (_: Empty) => 'not negative',
  'feedback.recorded': (p: { verdict: string; effect: string }) => `Thanks, recorded as *${p.verdict}*. ${p.effect}`,
  'feedback.effect.alert': (_: Empty) => 'This channel’s alert threshold follows the team’s verdicts, within bounds.',
  'feedback.effect.message': (_: Empty) => 'Firebreak will score similar messages in this workspace accordingly.',
  'feedback.undone': (p: { verdict: string }) => `Undone: the feedback “${p.verdict}” no longer counts.`,
  'feedback.undone_earlier_counts': (p: { verdict: string; earlier: string; mine: boolean; author: string }) =>
    `Undone: the feedback “${p.verdict}” no longer counts; ${p.mine ? 'your' : `${p.author}’s`} earlier verdict, “${p.earlier}”, counts again.`,
  'feedback.undo_replaced': (p: { verdict: string; later: string; mine: boolean; author: string }) =>
    p.mine
      ? `Nothing was undone: your verdict “${p.verdict}” was already replaced by your later verdict, “${p.later}”, which is the one that counts. To take that back, use Undo on its confirmation.`
      : `Nothing was undone: this verdict “${p.verdict}” was already replaced by ${p.author}’s later verdict, “${p.later}”, which is the one that counts.`,
  'feedback.reason_saved': (_: Empty) => 'Reason saved.',
  'feedback.refused.not_found': (_: Empty) => 'That feedback no longer exists.',
  'feedback.refused.reason_too_long': (_: Empty) => 'A reason can be at most 500 characters long: shorten it. Nothing was recorded.',
  'feedback.refused.already_undone': (_: Empty) => 'That feedback was already undone.',
  'feedback.refused.not_watched': (_: Empty) => 'Firebreak does not watch this channel, so there is nothing to mark here.',
  'feedback.refused.no_text': (_: Empty) => 'This message has no text to learn from.',
  'feedback.refused.deleted': (_: Empty) => 'Its author deleted this message, so Firebreak keeps nothing of it and learns nothing from it. Nothing was recorded.',
  'feedback.refused.declared': (_: Empty) =>
    'This incident was declared by hand, not raised by detection: there is no alert to judge, so nothing was recorded and this channel’s threshold is unchanged.',
  'feedback.refused.drill': (_: Empty) =>
    'This incident is a drill: its alert and messages are staged, so they teach Firebreak nothing. Nothing was recorded.',
  'feedback.modal.title': (_: Empty) => 'Mark sentiment',
  'feedback.modal.submit': (_: Empty) => 'Save',
  'feedback.modal.cancel': (_: Empty) => 'Cancel',
  'feedback.modal.message': (p: { excerpt: string }) => `*Message*\n${p.excerpt}`,
  'feedback.modal.verdict': (_: Empty) => 'This message is',
  // The reason itself is needed once the modal is submitted: adding one is what is optional (close to skip).
  'feedback.modal.reason': (_: Empty) => 'Why?',
  'feedback.modal.reason_required': (_: Empty) => 'Write the reason, or close this window to leave the feedback without one.',
  'feedback.modal.reason_title': (_: Empty) => 'Reason',
  'feedback.alert_note.raised': (p: { falseAlarms: number; before: string; after: string }) =>
    `:bulb: Feedback: ${p.falseAlarms === 1 ? '1 false alarm' : `${p.falseAlarms} false alarms`} on this channel raised its alert threshold from ${p.before} to ${p.after}; this alert still passed it.`,
  'feedback.alert_note.lowered': (p: { lateCrises: number; before: string; after: string; decided: boolean }) =>
    `:bulb: Feedback: ${p.lateCrises === 1 ? '1 real crisis' : `${p.lateCrises} real crises`} detected late lowered this channel’s alert threshold from ${p.before} to ${p.after}${p.decided ? '; without that feedback this would not have alerted yet.' : '.'}`,
};

export type FeedbackCatalog = typeof feedbackEn;
