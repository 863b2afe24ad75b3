export { OUTBOX_METADATA_EVENT_TYPE } from './enqueue.js';
export { classifySlackFailure, createOutboxWebClient } from './slack-errors.js';
export type { SlackFailure } from './slack-errors.js';
export { createOutboxWorker, startOutboxWorker } from './worker.js';
export type { AfterSendHandler, OutboxFailure, OutboxFailureHandler, OutboxWorker, OutboxWorkerOptions, SendGuard, SentOutboxItem } from './worker.js';
