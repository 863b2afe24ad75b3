/** The incident core's public surface: types, use cases (one per staff action), and helpers for views. */
export * from './types.js';
export * from './decision.js';
export { type IncidentPolicy, type EscalationPolicy, type EscalationStep, reminderKeys } from './context.js';
export { INCIDENT_NUMBER_MAX, PLAIN_TEXT_INPUT_MAX, checkText, incidentNumberWritten, type TextProblem } from './limits.js';
export { openIncident, resolve, resolveAuthorityRefusal, reopen, closeRepliesLeftWaiting, type OpenIncidentInput, type OpenedIncident, type ChecklistStepInput } from './lifecycle.js';
export type { ResolveCommand, ReopenCommand } from './lifecycle.js';
export {
  detectionChanged,
  quotesSample,
  sampleWasDeleted,
  messageChanged,
  addsMessageWithWords,
  addedMessageChanged,
  type MemberChange,
  type MessageChanged,
} from './samples.js';
export { personDeactivated, personReactivated, takeOverUserIds, TAKE_OVER_NAMED } from './deactivated.js';
export { acknowledge, changeSeverity, type AcknowledgeCommand, type ChangeSeverityCommand } from './lead.js';
export {
  createDraft,
  editDraft,
  decideDraft,
  markReplyPosted,
  markReplyNotPosted,
  quorumProgress,
  liveApprovals,
  AWAITING_APPROVAL,
  awaitsApproval,
  draftsAwaitingApproval,
  languageConfirmed,
  voidedApprovals,
  replyIdempotencyKey,
  draftId,
  type CreateDraftCommand,
  type EditDraftCommand,
  type DecideDraftCommand,
  type MarkReplyPostedCommand,
  type MarkReplyNotPostedCommand,
} from './drafts.js';
export {
  tickStep,
  untickStep,
  skipStep,
  isOverdue,
  isClosed,
  openRequiredSteps,
  LEAD_ROLE,
  STEP_TRIGGERS,
  type StepTrigger,
  type ChecklistCommand,
  type SkipStepCommand,
} from './checklist.js';
export {
  addNote,
  addMessage,
  isMessageInTimeline,
  recordAlertPosted,
  raiseHeldAlert,
  recordReminderSent,
  recordDetectionEscalated,
  type DetectionEscalated,
  type AddNoteCommand,
  type AddMessageCommand,
  type QuotedMessage,
  type AlertPosted,
  type HeldAlert,
  type ReminderSent,
} from './timeline-entries.js';
export {
  preflightReply,
  preflightPasses,
  languageOfText,
  REPLY_TEXT_MAX,
  type PreflightContext,
  type PreflightResult,
  type PreflightRefusal,
  type PreflightWarning,
} from './preflight.js';
export { diffDraftText, shortenDraftDiff, type TextChange } from './draft-diff.js';
export { describeTimelineEvent, isFoldedIntoApproval, type DescribeOptions } from './describe.js';
export * from '../approvals/policy.js';
export {
  computeIncidentMetrics,
  aggregateMetrics,
  quantile,
  type ChannelBucket,
  type BaselineBand,
  type MetricsInput,
  type IncidentMetrics,
  type MetricsAggregate,
  type Distribution,
} from './metrics.js';
export { overviewOf, type IncidentOverview, type DraftProgress } from './overview.js';
