// End-to-end harness: the real Firebreak (config → store → Bolt app → HTTP server) in this process,
// talking to a loopback Slack; people act through signed HTTP requests, exactly as Slack would send them.
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { ANGRY_MESSAGES, seedE2eCommunity, type E2eCommunity } from '../support/community.js';
import { findButtons, staffActions, type AlertsMessage, type AppTarget } from '../support/staff-actions.js';
import { expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import { enqueueSlackWrite } from '../../src/store/repositories/outbox.js';
import { startFakeSlack, type FakeSlack, type WorkspaceChange } from '../../src/sandbox/slack-api/index.js';
import { sendToApp, type AppResponse } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent, type MessageLike, type SlackRequestKind, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { TWO_APPROVER_PLAYBOOK } from '../support/playbook-yaml.js';
import { checkPublicPosts, cleanUpThenRequireTrust, recordBotPosts, type InvariantReport } from '../support/public-post-invariant.js';

export const SIGNING_SECRET = 'e2e-signing-secret-0123456789';

/** The seeded people by name (Slack user ids): the community's members and its staff. */
export type People = Omit<E2eCommunity, 'support' | 'alerts'>;

export interface Harness {
  fake: FakeSlack;
  app: RunningFirebreak;
  people: People;
  support: string;
  alerts: string;
  database: TestDatabase;
  playbooksDir: string;
  /** How many times playSpike ran (each adds its messages). */
  spikesPlayed: number;
  event(event: Record<string, unknown>, options?: { eventId?: string; retryNum?: number }): Promise<AppResponse>;
  /** Sends a payload as it is (signed POST, or a Socket Mode envelope). */
  deliver(kind: SlackRequestKind, payload: object): Promise<AppResponse>;
  post(user: string, text: string, atMs: number, options?: { eventId?: string; retryNum?: number }): Promise<{ ts: string; response: AppResponse }>;
  command(user: string, text: string): Promise<AppResponse>;
  /** Clicks the button with `actionId` on a message (as `user`). */
  click(user: string, channel: string, messageTs: string, actionId: string, match?: (value: string) => boolean): Promise<AppResponse>;
  /** Clicks `actionId` on `message` as `user` saw it (a copy kept from earlier: a stale client). */
  clickSeen(user: string, channel: string, message: AlertsMessage, actionId: string): Promise<AppResponse>;
  /** Clicks `actionId` on the latest ephemeral message `user` sees with that button (a confirmation's Undo), once there is one. */
  clickEphemeral(user: string, actionId: string, match?: (value: string) => boolean): Promise<AppResponse>;
  /** Runs the message shortcut `callbackId` on `message` in #support (or `options.channel`). */
  shortcut(user: string, callbackId: string, message: MessageLike, options?: { channel?: string; responseUrlOnMessage?: boolean }): Promise<AppResponse>;
  /** Submits the modal open on `user`'s screen, with input values by block id. */
  submit(user: string, values: Record<string, Record<string, unknown>>): Promise<AppResponse>;
  openModal(user: string): ViewPayload | undefined;
  rootMessage(): { ts: string; blocks: unknown[]; text: string } | undefined;
  thread(): AlertsMessage[];
  /** Each thread message's text with its blocks, for matching what a person reads anywhere in it. */
  threadTexts(): string[];
  /** What the bot posted in `channel`. */
  botPostsIn(channel: string): Array<{ ts: string; text: string; user?: string; blocks?: unknown[] }>;
  ephemeralTexts(user: string): string[];
  waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  /** The trust rules on every bot post so far (close() fails the suite when either count is not 0). */
  invariant(): Promise<InvariantReport>;
  /** Leaves out of the check a post a test made on purpose to see it fail. */
  forgetPost(ts: string): void;
  close(): Promise<void>;
}

/** A playbook needing two distinct approvers from @community-leads, four-eyes on (kept here for the tests that import it from the harness). */
export { TWO_APPROVER_PLAYBOOK };

/** How Slack reaches Firebreak: signed HTTP requests to /slack/events, or Socket Mode envelopes. */
export type Transport = 'http' | 'socket';
export const transports: Transport[] = ['http', 'socket'];

export async function startHarness(
  options: {
    provider?: 'sqlite' | 'postgres';
    /** The playbook's YAML; a function gets the seeded people (to name them by their Slack IDs). */
    playbook?: string | ((people: People) => string);
    /** Extra variables; a function gets the seeded channels (e.g. to point ALERTS_CHANNEL at #support). */
    env?: Record<string, string> | ((channels: { support: string; alerts: string }) => Record<string, string>);
    transport?: Transport;
    slackRetryDelaysMs?: number[];
    clock?: Clock;
    /** The loopback Slack's clock (its message ts, its rate-limit windows); the wall clock when not given. */
    slackClock?: Clock;
    /** The language everyone uses Slack in (users.info's locale); Slack's default, en-US, when not given. */
    slackLocale?: string;
  } = {},
): Promise<Harness> {
  const transport = options.transport ?? 'http';
  const fake = await startFakeSlack({ socketMode: transport === 'socket', ...(options.slackClock ? { clock: options.slackClock } : {}) });
  const workspace = fake.workspace;
  const recorder = recordBotPosts(workspace);
  const { members, sam, ann, ben, nina, cleo, support, alerts } = seedE2eCommunity(workspace, options.slackLocale);

  const playbooksDir = mkdtempSync(join(tmpdir(), 'firebreak-e2e-playbooks-'));
  const playbook = typeof options.playbook === 'function' ? options.playbook({ members, sam, ann, ben, nina, cleo }) : options.playbook;
  writeFileSync(join(playbooksDir, 'e2e-support.yaml'), playbook ?? TWO_APPROVER_PLAYBOOK);
  const database = await createTestDatabase(options.provider ?? 'sqlite');
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    ALERTS_CHANNEL: alerts,
    PLAYBOOKS_DIR: playbooksDir,
    // One-minute buckets and a short warm-up, so a test can build a baseline in a few minutes of history.
    DETECTOR_SETTINGS: JSON.stringify({ bucketMs: 60_000, warmupBuckets: 5, rhythm: 'none', cooldownMs: 3_600_000 }),
    // The test posts minutes of history in a second; it runs the leader's detection tick itself
    // once the history is in (a live tick would close those buckets before their messages arrive).
    DETECTION_INTERVAL_SECONDS: '3600',
    BRAND_NAME: 'Acme',
    SUPPORT_CONTACT: 'help@acme.test',
    LOG_LEVEL: 'silent',
    ...(fake.socketMode ? { SLACK_APP_TOKEN: fake.socketMode.appToken } : {}),
    ...(typeof options.env === 'function' ? options.env({ support, alerts }) : options.env),
  });
  const app = await startFirebreak(config, createLogger(config.logLevel, { pretty: false }), {
    ...(options.slackRetryDelaysMs ? { slackRetryDelaysMs: options.slackRetryDelaysMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const identity = workspace.appIdentity();
  const socketMode = fake.socketMode;
  if (socketMode) await socketMode.waitForConnections(1, 20_000);
  // Over Socket Mode every delivery is an envelope; its acknowledgement stands in for the HTTP answer.
  const eventsUrl: AppTarget = socketMode ? (kind, payload, opts) => socketMode.send(kind, payload, opts ?? {}) : `${app.url}/slack/events`;
  const staff = staffActions(fake, SIGNING_SECRET, alerts);

  const people: People = { members, sam, ann, ben, nina, cleo };
  const postedTs = new Set<string>();
  const harness: Harness = {
    fake,
    app,
    people,
    support,
    alerts,
    database,
    playbooksDir,
    spikesPlayed: 0,
    deliver: (kind, payload) => (typeof eventsUrl === 'string' ? sendToApp(eventsUrl, SIGNING_SECRET, kind, payload) : eventsUrl(kind, payload)),
    event: (event, opts = {}) => {
      const payload = eventCallback(identity, event as { type: string }, { nowMs: Date.now(), ...(opts.eventId ? { eventId: opts.eventId } : {}) });
      const retry = opts.retryNum ? { retryNum: opts.retryNum, retryReason: 'http_timeout' } : {};
      return typeof eventsUrl === 'string' ? sendToApp(eventsUrl, SIGNING_SECRET, 'event', payload, retry) : eventsUrl('event', payload, retry);
    },
    async post(user, text, atMs, opts = {}) {
      // The member's message lands in Slack first (as in reality), then Slack tells Firebreak.
      // Slack's ts is unique in a channel; a random suffix alone let two spikes' calm messages collide
      // (1 in 1,000 per pair), and Firebreak rightly stored the second as a replay.
      let suffix = Math.floor(Math.random() * 1000);
      const second = `${Math.floor(atMs / 1000)}.${String(atMs % 1000).padStart(3, '0')}`;
      while (postedTs.has(`${second}${String(suffix).padStart(3, '0')}`)) suffix = (suffix + 1) % 1000;
      const ts = `${second}${String(suffix).padStart(3, '0')}`;
      postedTs.add(ts);
      const response = await harness.event(messageEvent({ channel: support, user, text, ts }), opts);
      return { ts, response };
    },
    command: (user, text) => staff.command(eventsUrl, user, text),
    click: (user, channel, messageTs, actionId, match) => staff.click(eventsUrl, user, channel, messageTs, actionId, match),
    clickSeen: (user, channel, message, actionId) => staff.clickSeen(eventsUrl, user, channel, message, actionId),
    async clickEphemeral(user, actionId, match = () => true) {
      const shown = () => workspace.ephemeralFor(user).some((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId && match(button.value ?? '')));
      await harness.waitFor(`an ephemeral message with ${actionId} for ${user}`, shown);
      return staff.clickEphemeral(eventsUrl, user, actionId, match);
    },
    shortcut: (user, callbackId, message, opts = {}) => staff.shortcut(eventsUrl, user, callbackId, opts.channel ?? support, message, opts),
    submit: (user, values) => staff.submit(eventsUrl, user, values),
    openModal: (user) => staff.openModal(user),
    rootMessage: () => staff.rootMessage(),
    thread: () => staff.thread(),
    threadTexts: () => staff.thread().map((message) => `${message.text} ${JSON.stringify(message.blocks ?? [])}`),
    botPostsIn: (channel) => workspace.messagesIn(channel).filter((message) => message.user === workspace.bot.user_id),
    ephemeralTexts(user) {
      return workspace.ephemeralFor(user).map((message) => `${message.text} ${JSON.stringify(message.blocks ?? [])}`);
    },
    async waitFor(what, probe, timeoutMs = 20_000) {
      const started = Date.now();
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false) return value as never;
        if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    forgetPost: (ts) => recorder.forget(ts),
    invariant: () => checkPublicPosts(app.database.prisma, workspace, recorder.posts, [alerts]),
    close: () =>
      cleanUpThenRequireTrust(
        () => harness.invariant(),
        async () => {
          recorder.stop();
          await app.close();
          await fake.close();
          await database.drop();
          rmSync(playbooksDir, { recursive: true, force: true });
        },
        'this suite',
      ),
  };
  return harness;
}

/** TWO_APPROVER_PLAYBOOK with its lead and/or approvers named by Slack user id instead of @community-leads. */
export function playbookNaming(roles: { lead?: string; approvers?: string[]; quorum?: 'all' }): string {
  let yaml = TWO_APPROVER_PLAYBOOK;
  if (roles.lead) yaml = yaml.replace('lead: "@community-leads"', `lead: "${roles.lead}"`);
  if (roles.approvers) yaml = yaml.replace('approvers: ["@community-leads"]', `approvers: [${roles.approvers.map((id) => `"${id}"`).join(', ')}]`);
  if (roles.quorum) yaml = yaml.replace('quorum: 2', `quorum: ${roles.quorum}`);
  return yaml;
}

/** Opens App Home as `user`; returns the view Firebreak published for it, as text. */
export async function publishedHome(harness: Harness, user: string): Promise<string> {
  const before = harness.fake.api.calls('views.publish').length;
  await harness.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
  const call = await harness.waitFor(`home of ${user}`, () => harness.fake.api.calls('views.publish').slice(before).find((candidate) => candidate.args['user_id'] === user && candidate.status === 200));
  return JSON.stringify(call.args['view']);
}

/**
 * Writes the first draft's text to #support straight into the outbox, as no met quorum did (a hand-made
 * row, another path), wakes the outbox and returns the item once the outbox has held it (failed).
 */
export async function replyWrittenPastQuorum(harness: Harness, keySuffix = '') {
  const prisma = harness.app.database.prisma;
  const draft = await prisma.replyDraft.findFirstOrThrow();
  const key = `reply:${draft.id}:r${draft.revision}${keySuffix}`;
  await enqueueSlackWrite(prisma, {
    key,
    method: 'chat.postMessage',
    payload: { channel: harness.support, text: draft.text },
    incidentId: draft.incidentId,
    record: { kind: 'reply_posted', incidentId: draft.incidentId, draftId: draft.id, revision: draft.revision },
    now: Date.now(),
  });
  harness.app.runtime?.outbox.wake();
  return harness.waitFor('the held item', async () => (await prisma.outboxItem.findFirst({ where: { key, status: 'failed' } })) ?? undefined);
}

/** Ann declares a sev2 about failing logins in #support with /firebreak declare; returns the alert once it is posted. */
export async function declareLoginIncident(harness: Harness): Promise<{ ts: string; blocks: unknown[]; text: string }> {
  await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login failing for many members`);
  return harness.waitFor('the alert', () => harness.rootMessage());
}

/** What staff type into the draft modal: a channel post in English. */
export const draftValues = (text: string) => ({
  [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: text } },
  [inputIds.draftTarget]: { [inputIds.draftTarget]: { type: 'radio_buttons', selected_option: { value: 'channel' } } },
  [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: 'en' } } },
});

export { findButtons } from '../support/staff-actions.js';

/** The reply draft numbered `number` in the incident (its id ends in /draft-N). */
export const draftNumbered = (harness: Harness, number: number) => harness.app.database.prisma.replyDraft.findFirstOrThrow({ where: { id: { endsWith: `/draft-${number}` } } });

/**
 * Makes the suite's incident quote the member message `ts`, as the detector quotes the messages of a
 * spike: a reply may answer only a message its incident quotes, and a declared incident quotes none.
 */
/** Runs the daily digest now, as if 09:00 had just passed, through the scheduler that posts it. */
export async function runDigestNow(harness: Harness): Promise<void> {
  const prisma = harness.app.database.prisma;
  const scheduler = harness.app.runtime!.scheduler;
  scheduler.wake();
  const pending = await harness.waitFor('the daily digest scheduled', async () => (await prisma.reminder.findFirst({ where: { kind: 'digest.daily', status: 'pending' } })) ?? undefined);
  // It comes due now; the key names its time.
  const dueAt = new Date(Date.now() - 60_000);
  await prisma.reminder.update({ where: { id: pending.id }, data: { dueAt, key: pending.key.replace(pending.dueAt.toISOString(), dueAt.toISOString()) } });
  await scheduler.runDue();
}

/** `user` uses "Add to incident timeline" on `message` (in #support unless `channel`) and submits its form for `incidentId`. */
export async function addToTimeline(harness: Harness, user: string, incidentId: string, message: MessageLike, channel?: string): Promise<void> {
  await harness.shortcut(user, callbackIds.addToTimelineShortcut, message, channel ? { channel } : {});
  await harness.waitFor('the timeline form', () => harness.openModal(user)?.callback_id === callbackIds.addToTimelineModal);
  expect((await harness.submit(user, { [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incidentId } } } })).status).toBe(200);
}

export async function quoteInIncident(harness: Harness, ts: string): Promise<void> {
  const prisma = harness.app.database.prisma;
  const incident = await prisma.incident.findFirstOrThrow({ orderBy: { number: 'desc' } });
  const detection = (incident.detection ?? {}) as { samples?: unknown[] };
  const samples = [...(detection.samples ?? []), { id: ts, authorId: null, score: -3, text: 'A member message the incident quotes' }];
  await prisma.incident.update({ where: { id: incident.id }, data: { detection: { ...detection, samples } as never } });
}

/**
 * Cleo drafts `text` (into #support, or in the thread of `threadTs`); Ann and Ben approve it, `beforeQuorum`
 * running between their approvals. Returns the draft's number.
 */
export async function draftAndApprove(harness: Harness, text: string, threadTs?: string, beforeQuorum?: () => unknown): Promise<number> {
  const prisma = harness.app.database.prisma;
  const number = (await prisma.replyDraft.count()) + 1;
  await harness.click(harness.people.cleo, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
  await harness.waitFor('the draft modal', () => harness.openModal(harness.people.cleo));
  const values = draftValues(text);
  if (threadTs) {
    await quoteInIncident(harness, threadTs);
    values[inputIds.draftTarget] = { [inputIds.draftTarget]: { type: 'radio_buttons', selected_option: { value: `thread:${threadTs}` } } };
  }
  expect((await harness.submit(harness.people.cleo, values)).body).not.toContain('errors');
  const card = await harness.waitFor('the draft card', () =>
    harness.thread().find((message) => message.text.startsWith(`Reply #${number}:`) && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)),
  );
  await harness.click(harness.people.ann, harness.alerts, card.ts, actionIds.approveDraft);
  await harness.waitFor('the first approval', async () => (await prisma.approval.count({ where: { draftId: (await draftNumbered(harness, number)).id } })) === 1);
  await beforeQuorum?.();
  await harness.click(harness.people.ben, harness.alerts, card.ts, actionIds.approveDraft);
  return number;
}

/** Members post `count` messages in #support the moment a message with `marker` lands there (before Slack answers its poster). Returns how to stop waiting. */
export function busyChannelAfter(harness: Harness, marker: string, count: number): () => void {
  const { workspace } = harness.fake;
  const members = harness.people.members;
  const listener = (change: WorkspaceChange) => {
    if (change.type !== 'message_posted' || change.channel !== harness.support || !change.message.text.includes(marker)) return;
    workspace.events.off('change', listener);
    for (let index = 0; index < count; index += 1) workspace.postMessage({ user_id: members[index % members.length]! }, harness.support, { text: `chatter ${index}` });
  };
  workspace.events.on('change', listener);
  return () => workspace.events.off('change', listener);
}

/** Calm history then a burst of angry messages from many members, in the last closed minute: who posts what, when. */
export function spikeMessages(members: string[], now = Date.now()): { user: string; text: string; atMs: number }[] {
  const minute = 60_000;
  // Whole minutes, so the burst falls in one closed bucket.
  now = Math.floor(now / minute) * minute;
  const messages: { user: string; text: string; atMs: number }[] = [];
  const calm = ['Hi all, how do I change my avatar?', 'Thanks for the help yesterday', 'Is the new version out?', 'Good morning everyone'];
  for (let m = 12; m >= 3; m -= 1) messages.push({ user: members[m % members.length] as string, text: calm[m % calm.length] as string, atMs: now - m * minute + 5_000 });
  const angry = ANGRY_MESSAGES;
  const spikeStart = now - 2 * minute + 5_000;
  for (let i = 0; i < 16; i += 1) messages.push({ user: members[i % members.length] as string, text: angry[i % angry.length] as string, atMs: spikeStart + i * 1_000 });
  return messages;
}

/** Plays spikeMessages into #support and runs the leader's detection tick. */
export async function playSpike(harness: Harness, now = Date.now()): Promise<void> {
  harness.spikesPlayed += 1;
  const messages = spikeMessages(harness.people.members, now);
  for (const { user, text, atMs } of messages) await harness.post(user, text, atMs);
  // Message events are acked before they are processed: wait until all are counted, then tick.
  await harness.waitFor('messages scored', async () => (await harness.app.database.prisma.scoredMessage.count()) >= messages.length * harness.spikesPlayed);
  await harness.app.runtime?.tick();
}
