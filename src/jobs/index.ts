export { cancelJob, createScheduler, nextOccurrence, RECURRING_KEY_PREFIX, scheduleJob } from './scheduler.js';
export type { Recurrence, RecurringJob, RecurringScope, ReminderFiring, ReminderHandler, ReminderPreparation, Scheduler, SchedulerOptions } from './scheduler.js';
export { applyRetention, registerRetentionJob, RETENTION_JOB_KIND } from './retention.js';
export type { RetentionOutcome } from './retention.js';
