// The app's Store port over Prisma: each repository is a thin binding of store/repositories functions
// to either the client or one interactive transaction. Another transaction opened inside a
// transaction's callback is refused (transaction-scope.ts).
import type { Leases, Repositories, Store } from '../app/ports/index.js';
import type { PrismaDb } from './database.js';
import { channelBucketsOn, scoredMessagesOn, watchedChannelsOn, workspacesOn } from './repositories/channels.js';
import type { Db } from './db.js';
import { pruneProcessedEvents, recordEventOnce } from './repositories/events.js';
import { storedGaugesOn } from './repositories/gauges.js';
import { acquireLease, readLease, releaseLease, renewLease, takeOverLease } from './repositories/leases.js';
import {
  appendTimeline,
  rewriteDetectedEntry,
  rewriteAddedMessage,
  incidentsWithMessageOnTimeline,
  incidentIdNumbered,
  incidentTeam,
  insertIncident,
  listIncidents,
  resolvedIncidentsWithDrafts,
  incidentsOnChannelSince,
  loadIncident,
  loadTimeline,
  nextIncidentNumber,
  openAlertOn,
  openIncidentOn,
  recordAudit,
  saveIncidentState,
  setIncidentRootTs,
  setIncidentAlertChannel,
  writeAudit,
} from './repositories/incidents.js';
import { enqueueSlackWrite, failedOutboxItems, forgetFailedOutboxItem, heldOutboxItems, outboxFailedWith, outboxHasKey,
  rewriteOutboxCopies, outboxPostedMessages, outboxQueueOn, pruneOutbox, queuedWriteOf, releaseHeldOutboxItems, releaseWaitingOutboxItems, stopTeamWrites, stopWaitingOutboxItems, takeFailedOutboxItems, outboxWaitingWith, outboxWaitingByReason, outboxWaitingByKey, closeWaitingOutboxItem } from './repositories/outbox.js';
import { namedChannelsOn } from './repositories/named-channels.js';
import { unfinishedRequestsOn } from './repositories/unfinished.js';
import { installationsOn, oauthStatesOn, stopTeamReminders } from './repositories/installations.js';
import type { TokenCipher } from './token-cipher.js';
import { digestReadsOn } from './repositories/digest.js';
import * as feedback from './repositories/feedback.js';
import * as postMortems from './repositories/postmortems.js';
import { eventInboxOn } from './repositories/inbox.js';
import { pruneQuarantine, quarantineOn } from './repositories/quarantine.js';
import { cancelReminders, pruneReminders, reminderQueueOn, rescheduleReminder, scheduleReminder } from './repositories/reminders.js';
import { markReminded, waitingMessages } from './repositories/unanswered.js';
import type { DatabaseProvider } from './schema-files.js';
import { insideTransactionOf, runAsTransactionCallback, TransactionMisuseError } from './transaction-scope.js';
import { SQLITE_LOCK_PATIENCE_MS } from './sqlite-lock-wait.js';

/** Beyond the lock's patience, so the start's own DatabaseLockedError is what the caller gets. */
const SQLITE_START_MAX_WAIT_MS = SQLITE_LOCK_PATIENCE_MS + 1_000;

function leasesOn(db: Db): Leases {
  return {
    acquire: (name, holder, expiresAt) => acquireLease(db, name, holder, expiresAt),
    read: async (name) => {
      const lease = await readLease(db, name);
      return lease ? { holder: lease.holder, expiresAt: lease.expiresAt.getTime() } : null;
    },
    takeOver: (name, previous, holder, expiresAt) => takeOverLease(db, name, { holder: previous.holder, expiresAt: new Date(previous.expiresAt) }, holder, expiresAt),
    renew: (name, holder, expiresAt) => renewLease(db, name, holder, expiresAt),
    release: (name, holder) => releaseLease(db, name, holder),
  };
}

/**
 * The repositories bound to `db` (the client, or one transaction's client). `provider` decides how
 * buckets are locked: pass the database's (a transaction's client does not say which it is).
 */
export function repositoriesOn(db: Db, provider: DatabaseProvider = 'sqlite', cipher?: TokenCipher): Repositories {
  return {
    processedEvents: { recordOnce: (eventId, at) => recordEventOnce(db, eventId, at) },
    channels: watchedChannelsOn(db),
    namedChannels: namedChannelsOn(db),
    buckets: channelBucketsOn(db, provider),
    scoredMessages: scoredMessagesOn(db),
    quarantine: quarantineOn(db),
    inbox: eventInboxOn(db),
    unfinished: unfinishedRequestsOn(db),
    workspaces: workspacesOn(db),
    leases: leasesOn(db),
    gauges: storedGaugesOn(db),
    bookkeeping: {
      pruneProcessedEvents: (before) => pruneProcessedEvents(db, before),
      pruneOutbox: (before) => pruneOutbox(db, before),
      pruneReminders: (before) => pruneReminders(db, before),
      pruneQuarantine: (before) => pruneQuarantine(db, before),
      feedbackTextsBefore: (before, limit) => feedback.feedbackTextsBefore(db, before, limit),
      eraseFeedbackText: (id, features) => feedback.eraseFeedbackText(db, id, features),
      eraseFeedbackAuditTexts: (before) => feedback.eraseFeedbackAuditTexts(db, before),
    },
    incidents: {
      load: (incidentId) => loadIncident(db, incidentId),
      openOn: (workspaceId, channelId, only) => openIncidentOn(db, workspaceId, channelId, only),
      openAlertOn: (workspaceId, channelId) => openAlertOn(db, workspaceId, channelId),
      idNumbered: (workspaceId, number) => incidentIdNumbered(db, workspaceId, number),
      teamOf: (incidentId) => incidentTeam(db, incidentId),
      list: (filter) => listIncidents(db, filter),
      resolvedWithDrafts: (filter) => resolvedIncidentsWithDrafts(db, filter),
      onChannelSince: (filter) => incidentsOnChannelSince(db, filter),
      withMessageOnTimeline: (filter) => incidentsWithMessageOnTimeline(db, filter),
      nextNumber: (workspaceId) => nextIncidentNumber(db, workspaceId),
      insert: (record) => insertIncident(db, record),
      save: (state, expectedVersion) => saveIncidentState(db, state, expectedVersion),
      setRootTs: (incidentId, ts) => setIncidentRootTs(db, incidentId, ts),
      setAlertChannel: (incidentId, channelId) => setIncidentAlertChannel(db, incidentId, channelId),
      appendTimeline: (events) => appendTimeline(db, events),
      rewriteDetectedEntry: (incidentId, change) => rewriteDetectedEntry(db, incidentId, change),
      rewriteAddedMessage: (incidentId, channelId, messageTs, change) => rewriteAddedMessage(db, incidentId, channelId, messageTs, change),
      timeline: (incidentId) => loadTimeline(db, incidentId),
    },
    outbox: { enqueue: (write) => enqueueSlackWrite(db, write), has: (key) => outboxHasKey(db, key), rewriteCopies: (messageKey, content) => rewriteOutboxCopies(db, messageKey, content), stopTeam: (teamId, reason) => stopTeamWrites(db, teamId, reason),
      failedWith: (keys, error) => outboxFailedWith(db, keys, error),
      postedMessages: (keys) => outboxPostedMessages(db, keys),
      forgetFailed: (key, error) => forgetFailedOutboxItem(db, key, error),
      heldWith: async (error, limit, teamId) => (await heldOutboxItems(db, error, limit, teamId)).map(queuedWriteOf),
      releaseHeld: (keys, error, now) => releaseHeldOutboxItems(db, keys, error, now),
      releaseWaitingForChannel: (filter, now) => releaseWaitingOutboxItems(db, filter, now),
      waitingWith: (keys) => outboxWaitingWith(db, keys),
      stopWaiting: (incidentId, error) => stopWaitingOutboxItems(db, incidentId, error),
      waitingByKey: (keyPrefix, teamId) => outboxWaitingByKey(db, keyPrefix, teamId),
      closeWaiting: (key, error) => closeWaitingOutboxItem(db, key, error),
      takeFailed: (keys, errors, take) => takeFailedOutboxItems(db, keys, errors, take),
    },
    outboxQueue: outboxQueueOn(db),
    failedWrites: {
      waitingByReason: () => outboxWaitingByReason(db),
      recent: async (limit, workspaceId) =>
        (await failedOutboxItems(db, { limit, ...(workspaceId ? { teamId: (await db.workspace.findUnique({ where: { id: workspaceId }, select: { teamId: true } }))?.teamId ?? '' } : {}) })).map((item) => ({ key: item.key, method: item.method, channelId: item.channelId, incidentId: item.incidentId, createdAt: item.createdAt.getTime(), lastError: item.lastError })),
    },
    audit: { record: (entry) => recordAudit(db, entry), write: (entry) => writeAudit(db, entry) },
    reminders: {
      schedule: (reminder) => scheduleReminder(db, reminder),
      reschedule: (reminder) => rescheduleReminder(db, reminder),
      cancel: (which) => cancelReminders(db, which),
      stopTeam: (teamId, reason) => stopTeamReminders(db, teamId, reason),
    },
    reminderQueue: reminderQueueOn(db),
    postMortems: {
      load: (incidentId) => postMortems.loadPostMortem(db, incidentId),
      insert: (postMortem) => postMortems.insertPostMortem(db, postMortem),
      save: (postMortem, expectedVersion) => postMortems.savePostMortem(db, postMortem, expectedVersion),
      list: (filter) => postMortems.listPostMortems(db, filter),
      recentPublished: (limit, workspaceId) => postMortems.recentPublishedPostMortems(db, limit, workspaceId),
      recentSaves: (incidentId, limit) => postMortems.recentPostMortemSaves(db, incidentId, limit),
      scheduleReminder: (reminder) => postMortems.upsertPostMortemReminder(db, reminder),
    },
    incidentHistory: postMortems.incidentHistoryOn(db),
    feedback: {
      insert: (record) => feedback.insertFeedback(db, record),
      find: (id) => feedback.findFeedback(db, id),
      latestOnSubject: (subject) => feedback.latestOnSubject(db, subject),
      activeOnSubject: (subject) => feedback.activeOnSubject(db, subject),
      markUndone: (id, userId, at) => feedback.markUndone(db, id, userId, at),
      setReason: (id, reason) => feedback.setReason(db, id, reason),
      activeMessageFeedback: (workspaceId) => feedback.activeMessageFeedback(db, workspaceId),
      undoAllMessageFeedback: (workspaceId, userId, at) => feedback.undoAllMessageFeedback(db, workspaceId, userId, at),
      activeAlertFacts: (workspaceId, channelId) => feedback.activeAlertFacts(db, workspaceId, channelId),
      saveLexicon: (workspaceId, learnt, frozen) => feedback.saveLexicon(db, workspaceId, learnt, frozen),
      loadLexicon: (workspaceId) => feedback.loadLexicon(db, workspaceId),
      lexiconsChangedSince: (since) => feedback.lexiconsChangedSince(db, since),
      saveCalibration: (workspaceId, channelId, calibration) => feedback.saveCalibration(db, workspaceId, channelId, calibration),
      loadCalibration: (workspaceId, channelId) => feedback.loadCalibration(db, workspaceId, channelId),
      calibratedChannels: () => feedback.calibratedChannels(db),
      isChannelWatched: (workspaceId, channelId) => feedback.isChannelWatched(db, workspaceId, channelId),
      messageDeleted: (workspaceId, channelId, ts) => feedback.messageDeleted(db, workspaceId, channelId, ts),
      onMessage: (workspaceId, channelId, ts) => feedback.feedbackOnMessage(db, workspaceId, channelId, ts),
      eraseText: (id, features) => feedback.eraseFeedbackText(db, id, features),
      eraseExcerpts: (incidentId, feedbackId) => feedback.eraseFeedbackExcerpts(db, incidentId, feedbackId),
      openIncidentOn: (workspaceId, channelId) => feedback.openIncidentOn(db, workspaceId, channelId),
      lockIncidentTimeline: (incidentId) => feedback.lockIncidentTimeline(db, incidentId),
      workspaces: () => feedback.workspaces(db),
    },
    digest: digestReadsOn(db),
    unanswered: {
      waiting: (channelRef, posted, limit) => waitingMessages(db, channelRef, posted, limit),
      markReminded: (messageIds, at) => markReminded(db, messageIds, at),
    },
    installations: installationsOn(db, cipher),
    oauthStates: oauthStatesOn(db),
  };
}

/**
 * The client's provider, as Prisma records it, for callers that do not pass it (the composition
 * roots do). Read rather than guessed: a wrong answer would drop PostgreSQL's bucket row locks.
 */
function providerOf(prisma: PrismaDb): DatabaseProvider {
  const active = (prisma as unknown as { _activeProvider?: unknown })._activeProvider;
  if (active === 'sqlite') return 'sqlite';
  if (active === 'postgresql') return 'postgres';
  throw new Error(`createStore: cannot tell this Prisma client's provider (${String(active)}); pass it.`);
}

/** `cipher` seals and opens OAuth bot tokens (TOKEN_ENCRYPTION_KEYS); without it installations cannot be read. */
export function createStore(prisma: PrismaDb, provider: DatabaseProvider = providerOf(prisma), cipher?: TokenCipher): Store {
  return {
    transaction: (work, options) => {
      // Another transaction from inside one: SQLite's would wait for the open one; PostgreSQL's would commit apart from it.
      if (insideTransactionOf(prisma)) throw new TransactionMisuseError('store.transaction');
      return prisma.$transaction((tx) => runAsTransactionCallback(prisma, () => work(repositoriesOn(tx, provider, cipher))), {
        ...(options?.timeoutMs ? { timeout: options.timeoutMs } : {}),
        // SQLite: the start waits up to SQLITE_LOCK_PATIENCE_MS for another process's lock and then says
        // so (DatabaseLockedError); Prisma's own limit (2 s by default) would cut it short as P2028.
        ...(provider === 'sqlite' ? { maxWait: SQLITE_START_MAX_WAIT_MS } : {}),
      });
    },
    direct: repositoriesOn(prisma, provider, cipher),
  };
}
