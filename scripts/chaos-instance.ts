// One Firebreak instance for `npm run chaos`: the durable-operations layer as the app runs it —
// leadership (PostgreSQL advisory lock, or the SQLite single-instance guard), the outbox worker
// sending to the loopback Slack, and the scheduler (leader only) whose reminders post a message.
// Usage: chaos-instance.ts <database url> <slack api url> <bot token>. Prints READY, LEADER, FOLLOWER.
import pino from 'pino';
import { systemClock } from '../src/domain/clock.js';
import { acquireSqliteInstanceGuard } from '../src/jobs/instance-guard.js';
import { startPostgresLeadership, startSingleInstanceLeadership, type Leadership } from '../src/jobs/leadership.js';
import { createScheduler } from '../src/jobs/scheduler.js';
import { createOutboxWebClient, enqueueSlackWrite, startOutboxWorker } from '../src/slack/outbox/index.js';
import { openDatabase } from '../src/store/database.js';
import { parseDatabaseUrl } from '../src/store/database-url.js';

const CHAOS_REMINDER_KIND = 'chaos.remind';

const [databaseUrl, apiUrl, token] = process.argv.slice(2);
if (!databaseUrl || !apiUrl || !token) throw new Error('usage: chaos-instance.ts <database url> <slack api url> <bot token>');
const logger = pino({ level: 'warn' });
const target = parseDatabaseUrl(databaseUrl);
const database = await openDatabase(target);
const say = (line: string) => process.stdout.write(`${line} ${Date.now()}\n`);

const outbox = startOutboxWorker({
  prisma: database.prisma,
  client: createOutboxWebClient({ token, apiUrl, timeoutMs: 3_000 }),
  clock: systemClock,
  logger,
  pollMs: 100,
  backoff: { baseMs: 200, maxMs: 3_000 },
});
const scheduler = createScheduler({ prisma: database.prisma, clock: systemClock, logger, timeZone: 'UTC', refreshMs: 500, onFired: () => outbox.wake() });
scheduler.register(CHAOS_REMINDER_KIND, async (tx, firing) => {
  const channel = String(firing.payload['channel']);
  await enqueueSlackWrite(tx, { key: `${firing.key}:posted`, method: 'chat.postMessage', payload: { channel, text: `Reminder ${firing.key}` } });
});

const callbacks = {
  onElected: async () => {
    say('LEADER');
    await scheduler.start();
  },
  onDemoted: async () => {
    say('FOLLOWER');
    await scheduler.stop();
  },
};
let leadership: Leadership;
if (target.provider === 'postgres') {
  leadership = startPostgresLeadership({ url: target.url, logger, retryMs: 1_000, checkMs: 500, ...callbacks });
} else {
  const guard = await acquireSqliteInstanceGuard({ prisma: database.prisma, databaseFile: target.sqliteFile ?? target.url, logger });
  leadership = await startSingleInstanceLeadership(guard, callbacks);
}
say('READY');

process.once('SIGTERM', () => {
  void (async () => {
    await leadership.stop();
    await outbox.stop();
    await database.close();
    process.exit(0);
  })();
});
