// The end-to-end harness with Firebreak in child processes: the real `firebreak start` (bin/firebreak.js),
// which a test can SIGKILL and start again, against a loopback Slack running in the test process. People
// act through signed HTTP requests to whichever instance is alive. Slack API calls go through a small
// proxy in front of the loopback Slack that can hold the community channel's posts in flight, so a kill
// lands while one is on the wire; released later, the held post still reaches Slack (the client gave up).
import { seedE2eCommunity } from './community.js';
import { findButtons, staffActions, type AlertsMessage } from './staff-actions.js';
import Sqlite from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/slack-api/index.js';
import { sendToApp, type AppResponse } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent, type MessageLike, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { OUTBOX_METADATA_EVENT_TYPE } from '../../src/slack/outbox/index.js';
import type { DatabaseProvider } from '../../src/store/schema-files.js';
import type { Clock } from '../../src/domain/clock.js';
import { SIGNING_SECRET, TWO_APPROVER_PLAYBOOK, type People } from '../e2e/harness.js';
import { checkPublicPosts, cleanUpThenRequireTrust, recordBotPosts, type InvariantReport } from './public-post-invariant.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';
import { startFirebreakProcess, testEnvironment, type RunningProcess } from './cli.js';

export interface Health {
  status: string;
  leadership: { leader: boolean; mode: string } | null;
}

/** Holds a chat.postMessage call to a channel until released: a post in flight. */
export interface PostGate {
  /** Hold the next post to `channel`; resolves when it arrives (the app is now waiting on Slack). */
  holdNext(channel: string): Promise<void>;
  /** Let the held post reach Slack; resolves when Slack has done it (whoever still listens for the answer). */
  release(): Promise<void>;
}

export interface CrashHarness {
  fake: FakeSlack;
  people: People;
  support: string;
  alerts: string;
  database: MigratedDatabase;
  /** Instances started and not yet killed or stopped, oldest first. */
  live: RunningProcess[];
  gate: PostGate;
  start(extra?: Record<string, string>): Promise<RunningProcess>;
  /**
   * Holds the database's write lock (as a busy database or another instance's long transaction would):
   * reads go on, every write waits until the returned function releases it. A slow commit on
   * PostgreSQL. On SQLite every write, in a transaction or not, waits for it without blocking the
   * process (src/store/sqlite-lock-wait.ts) and, held longer than about 5 s, fails with a
   * DatabaseLockedError, nothing written. With `unfinishedToo` (PostgreSQL), the table where the listener guard
   * keeps a request acknowledged at its deadline is held as well, as a database slow for every write is.
   */
  holdWrites(options?: { unfinishedToo?: boolean }): Promise<() => Promise<void>>;
  kill(instance?: RunningProcess): Promise<void>;
  health(instance: RunningProcess): Promise<Health | null>;
  command(user: string, text: string, instance?: RunningProcess): Promise<AppResponse>;
  post(user: string, text: string, options?: { atMs?: number; ts?: string; eventId?: string; instance?: RunningProcess }): Promise<AppResponse>;
  click(user: string, channel: string, messageTs: string, actionId: string, options?: { match?: (value: string) => boolean; instance?: RunningProcess }): Promise<AppResponse>;
  /** Clicks `actionId` on the latest ephemeral message `user` sees with that button (a confirmation's Undo), once there is one. */
  clickEphemeral(user: string, actionId: string, options?: { match?: (value: string) => boolean; instance?: RunningProcess }): Promise<AppResponse>;
  /** Runs the message shortcut `callbackId` on `message` in #support. */
  shortcut(user: string, callbackId: string, message: MessageLike, instance?: RunningProcess): Promise<AppResponse>;
  submit(user: string, values: Record<string, Record<string, unknown>>, instance?: RunningProcess): Promise<AppResponse>;
  openModal(user: string): ViewPayload | undefined;
  rootMessage(): { ts: string; blocks: unknown[]; text: string } | undefined;
  thread(): AlertsMessage[];
  /** Messages the bot posted in a channel through the outbox, by outbox key. */
  outboxMessages(channel: string): { key: string; ts: string; text: string; thread_ts?: string }[];
  waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  /** The trust rules on every bot post so far (close() throws when either count is not 0). */
  invariant(): Promise<InvariantReport>;
  close(): Promise<void>;
}

export interface CrashHarnessOptions {
  provider?: DatabaseProvider;
  playbook?: string;
  /** Slack does the call but its answer never comes back (the connection drops): decided per call. */
  loseAnswer?: (method: string) => boolean;
  /** The loopback Slack's clock (its message ts); the wall clock, which the instances read, when not given. */
  slackClock?: Clock;
}

export async function startCrashHarness(options: CrashHarnessOptions = {}): Promise<CrashHarness> {
  const fake = await startFakeSlack(options.slackClock ? { clock: options.slackClock } : {});
  const workspace = fake.workspace;
  const recorder = recordBotPosts(workspace);
  const { members, sam, ann, ben, nina, cleo, support, alerts } = seedE2eCommunity(workspace);

  const playbooksDir = mkdtempSync(join(tmpdir(), 'firebreak-crash-playbooks-'));
  writeFileSync(join(playbooksDir, 'crash.yaml'), options.playbook ?? TWO_APPROVER_PLAYBOOK);
  const database = await openMigratedDatabase(options.provider ?? 'sqlite');
  const proxy = await startSlackProxy(fake.origin, options.loseAnswer);
  const identity = workspace.appIdentity();
  const staff = staffActions(fake, SIGNING_SECRET, alerts);
  const live: RunningProcess[] = [];
  const pick = (instance?: RunningProcess) => {
    const chosen = instance ?? live.at(-1);
    if (!chosen) throw new Error('no Firebreak instance is running');
    return `${chosen.url}/slack/events`;
  };

  const harness: CrashHarness = {
    fake,
    people: { members, sam, ann, ben, nina, cleo },
    support,
    alerts,
    database,
    live,
    gate: proxy.gate,
    async start(extra = {}) {
      const instance = await startFirebreakProcess(
        testEnvironment({
          PORT: '0',
          HOST: '127.0.0.1',
          DATABASE_URL: database.url,
          SLACK_BOT_TOKEN: fake.botToken,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: `${proxy.origin}/api/`,
          ALERTS_CHANNEL: alerts,
          PLAYBOOKS_DIR: playbooksDir,
          DETECTOR_SETTINGS: JSON.stringify({ bucketMs: 60_000, warmupBuckets: 5, rhythm: 'none', cooldownMs: 3_600_000 }),
          DETECTION_INTERVAL_SECONDS: '3600',
          BRAND_NAME: 'Acme',
          SUPPORT_CONTACT: 'help@acme.test',
          // A post in flight when its process died is looked for this long after its call (60 s by default).
          OUTBOX_UNANSWERED_WAIT_SECONDS: '10',
          ...extra,
        }),
        { timeoutMs: 45_000 },
      );
      live.push(instance);
      if (/loaded 0 playbook/.test(instance.logs())) throw new Error(`the playbook did not load:\n${instance.logs()}`);
      return instance;
    },
    async holdWrites(holdOptions = {}) {
      if (options.provider === 'postgres') {
        const tables = holdOptions.unfinishedToo ? [...HELD_TABLES, UNFINISHED_TABLE] : HELD_TABLES;
        for (let attempt = 1; ; attempt++) {
          const client = new pg.Client({ connectionString: database.url });
          // The test's database is dropped at the end, terminating a connection still held.
          client.on('error', () => undefined);
          await client.connect();
          try {
            await client.query('BEGIN');
            // EXCLUSIVE lets plain reads through and makes every write (and SELECT … FOR UPDATE) wait.
            await client.query(`LOCK TABLE ${tables.map((table) => `"${table}"`).join(', ')} IN EXCLUSIVE MODE`);
            return async () => {
              await client.query('ROLLBACK');
              await client.end();
            };
          } catch (error) {
            await client.end().catch(() => undefined);
            // The tables are locked one by one: an instance's transaction holding a later one while it waits
            // for an earlier one is a deadlock, which PostgreSQL breaks by failing this side. Lock them again.
            if ((error as { code?: unknown }).code !== '40P01' || attempt >= 5) throw error;
          }
        }
      }
      const file = database.url.replace(/^file:/, '');
      const connection = new Sqlite(file);
      connection.exec('BEGIN IMMEDIATE');
      return async () => {
        connection.exec('ROLLBACK');
        connection.close();
      };
    },
    async kill(instance = live.at(-1)) {
      if (!instance) return;
      const index = live.indexOf(instance);
      if (index >= 0) live.splice(index, 1);
      await instance.stop('SIGKILL');
    },
    async health(instance) {
      try {
        const response = await fetch(`${instance.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        return (await response.json()) as Health;
      } catch {
        return null;
      }
    },
    command: (user, text, instance) => staff.command(pick(instance), user, text),
    post(user, text, opts = {}) {
      const atMs = opts.atMs ?? Date.now();
      const ts = opts.ts ?? `${Math.floor(atMs / 1000)}.${String(atMs % 1000).padStart(3, '0')}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
      const event = eventCallback(identity, messageEvent({ channel: support, user, text, ts }), { nowMs: Date.now(), ...(opts.eventId ? { eventId: opts.eventId } : {}) });
      return sendToApp(pick(opts.instance), SIGNING_SECRET, 'event', event);
    },
    click: (user, channel, messageTs, actionId, opts = {}) => staff.click(pick(opts.instance), user, channel, messageTs, actionId, opts.match),
    async clickEphemeral(user, actionId, opts = {}) {
      const match = opts.match ?? (() => true);
      const shown = () => workspace.ephemeralFor(user).some((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId && match(button.value ?? '')));
      await harness.waitFor(`an ephemeral message with ${actionId} for ${user}`, shown);
      return staff.clickEphemeral(pick(opts.instance), user, actionId, match);
    },
    shortcut: (user, callbackId, message, instance) => staff.shortcut(pick(instance), user, callbackId, support, message),
    submit: (user, values, instance) => staff.submit(pick(instance), user, values),
    openModal: (user) => staff.openModal(user),
    rootMessage: () => staff.rootMessage(),
    thread: () => staff.thread(),
    outboxMessages(channel) {
      return workspace.messagesIn(channel).flatMap((message) => {
        const metadata = message.metadata as { event_type?: string; event_payload?: { key?: string } } | undefined;
        if (metadata?.event_type !== OUTBOX_METADATA_EVENT_TYPE || !metadata.event_payload?.key) return [];
        return [{ key: metadata.event_payload.key, ts: message.ts, text: message.text, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) }];
      });
    },
    async waitFor(what, probe, timeoutMs = 30_000) {
      const started = Date.now();
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false) return value as never;
        if (Date.now() - started > timeoutMs) {
          const logs = live.map((instance) => instance.logs().slice(-4_000)).join('\n---\n');
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; instance logs:\n${logs}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    invariant: () => checkPublicPosts(database.prisma, workspace, recorder.posts, [alerts]),
    async close() {
      await Promise.all(live.splice(0).map((instance) => instance.stop('SIGKILL')));
      await cleanUpThenRequireTrust(
        () => harness.invariant(),
        async () => {
          recorder.stop();
          await proxy.close();
          await fake.close();
          await database.dispose();
          rmSync(playbooksDir, { recursive: true, force: true });
        },
        'this run',
      );
    },
  };
  return harness;
}

/** The tables a decision writes: incidents, their drafts, checklist, reminders, outbox, post-mortems, audit. */
const HELD_TABLES = ['Incident', 'TimelineEvent', 'ReplyDraft', 'Approval', 'ChecklistItem', 'Reminder', 'OutboxItem', 'PostMortem', 'ActionItem', 'AuditLog'];
/** Where requests acknowledged at the guard's deadline are kept (they share the quarantine's table). */
const UNFINISHED_TABLE = 'QuarantinedMessage';

/** A pass-through proxy to the loopback Slack whose gate can hold a chat.postMessage call. */
export async function startSlackProxy(target: string, loseAnswer: (method: string) => boolean = () => false): Promise<{ origin: string; gate: PostGate; close(): Promise<void> }> {
  let armed: { channel: string; arrived: () => void } | undefined;
  let held: { forward: () => Promise<void> } | undefined;
  const forwardTo = (request: { url?: string; method?: string; headers: Record<string, string | string[] | undefined> }, body: Buffer) => {
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
    return fetch(`${target}${request.url}`, { method: request.method ?? 'POST', headers, body });
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const relay = async () => {
        const upstream = await forwardTo(request, body);
        const answer = Buffer.from(await upstream.arrayBuffer());
        if (loseAnswer(request.url?.split('/').at(-1) ?? '')) {
          request.socket.destroy();
          return;
        }
        if (!response.destroyed) response.writeHead(upstream.status, Object.fromEntries(upstream.headers)).end(answer);
      };
      if (armed && request.url?.endsWith('/chat.postMessage') && postChannel(body, request.headers['content-type']) === armed.channel) {
        const { arrived } = armed;
        armed = undefined;
        held = { forward: () => relay().catch(() => undefined) };
        arrived();
        return;
      }
      relay().catch(() => request.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    gate: {
      holdNext: (channel) => new Promise<void>((resolve) => (armed = { channel, arrived: resolve })),
      async release() {
        const current = held;
        held = undefined;
        await current?.forward();
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function postChannel(body: Buffer, contentType: string | undefined): string | undefined {
  const text = body.toString();
  if (contentType?.includes('json')) return (JSON.parse(text) as { channel?: string }).channel;
  return new URLSearchParams(text).get('channel') ?? undefined;
}
