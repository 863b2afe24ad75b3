/** Block Kit builders: pure functions from Firebreak's view models to Slack messages and views. */
export { incidentRootMessage, threadEventMessage, checklistMessage, checklistProgress, type IncidentRootInput } from './incident.js';
export { draftCard, type DraftCardProgress, type DraftCardOptions } from './draft-card.js';
export {
  draftReplyModal,
  editDraftModal,
  requestChangesModal,
  rejectDraftModal,
  severityModal,
  resolveModal,
  noteModal,
  addToTimelineModal,
  refusalField,
  refusalFieldErrors,
  skipStepModal,
  type DraftReplyModalInput,
  type ReplyTargetChoice,
  type EditDraftModalInput,
  type DraftDecisionModalInput,
  type SeverityModalInput,
  type ResolveModalInput,
  type OpenIncidentChoice,
  type AddToTimelineModalInput,
} from './modals.js';
export {
  postMortemModal,
  postMortemModalRef,
  shownOfRef,
  postMortemChangesModal,
  postMortemInReviewModal,
  postMortemPublishedModal,
  postMortemInviteMessage,
  postMortemReviewMessage,
  publishedPostMortemMessage,
  modalFieldErrors,
  isoDay,
  type PostMortemModalInput,
  type PublishedPostMortemInput,
} from './postmortem.js';
export {
  appHomeView,
  type AppHomeInput,
  type HomeIncident,
  type HomeApproval,
  type HomeChannelHealth,
  type HomePostMortem,
  type HomeDeliveryProblem,
} from './home.js';
export {
  refusalMessage,
  helpMessage,
  incidentListMessage,
  declareUsageMessage,
  unknownCommandMessage,
  SUBCOMMANDS,
  usageOf,
  type Subcommand,
  type IncidentListItem,
} from './commands.js';
export { reminderMessage, drillReplyMessage, type ReminderInput } from './reminders.js';
export { readDetection, pickSamples, type DetectionSummary, type DetectionSample } from './detection-summary.js';
export { inertStaffText, type SlackMessage } from './kit.js';
