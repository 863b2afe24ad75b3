// Durable operations benchmark, per provider: event dedupe inserts per second, outbox enqueue
// (one transaction per item, as a state change does), outbox delivery end to end against the
// loopback Slack (claim, chat.postMessage over HTTP, record the answer, mark sent; pacing off, 20
// channels), and reminders fired per second (claim + handler writing one outbox item, one
// transaction each). Real SQLite file / real PostgreSQL database on 127.0.0.1:5432.
import pino from 'pino';
import { ManualClock, systemClock } from '../src/domain/clock.js';
import { createScheduler, scheduleJob } from '../src/jobs/scheduler.js';
import { createOutboxWebClient, createOutboxWorker } from '../src/slack/outbox/index.js';
import { enqueueSlackWrite } from '../src/store/repositories/outbox.js';
import { createStore } from '../src/store/store.js';
import { recordEventOnce } from '../src/store/repositories/events.js';
import { availableProviders } from '../test/support/databases.js';
import { startSeededFakeSlack } from '../test/support/fake-slack.js';
import { openMigratedDatabase } from '../test/store/repositories/migrated-database.js';

const quick = process.argv.includes('--quick');
const ITEMS = quick ? 200 : 1_000;
const EVENTS = quick ? 500 : 5_000;
const REMINDERS = quick ? 200 : 1_000;
const CHANNELS = 20;
const logger = pino({ level: 'silent' });

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en')}/s (${count} in ${Math.round(ms)} ms)`;
}

for (const provider of availableProviders) {
  const database = await openMigratedDatabase(provider);
  const fake = await startSeededFakeSlack({ validateBlocks: false });
  try {
    const bot = fake.workspace.bot.user_id;
    const channels = Array.from({ length: CHANNELS }, (_, index) => fake.workspace.addChannel({ name: `bench-${index}`, members: [bot] }).id);

    let started = performance.now();
    for (let index = 0; index < EVENTS; index += 1) await recordEventOnce(database.prisma, `Ev${index}`, Date.now());
    const eventsMs = performance.now() - started;

    started = performance.now();
    for (let index = 0; index < ITEMS; index += 1) {
      await database.prisma.$transaction((tx) =>
        enqueueSlackWrite(tx, { key: `item-${index}`, method: 'chat.postMessage', payload: { channel: channels[index % CHANNELS], text: `Update ${index}` } }),
      );
    }
    const enqueueMs = performance.now() - started;

    const worker = createOutboxWorker({
      store: createStore(database.prisma),
      client: createOutboxWebClient({ token: fake.botToken, apiUrl: fake.apiUrl }),
      clock: systemClock,
      logger,
      postIntervalMs: 0,
    });
    started = performance.now();
    let sent = 0;
    while (sent < ITEMS) sent += await worker.runOnce();
    const sendMs = performance.now() - started;

    const clock = new ManualClock(Date.now());
    for (let index = 0; index < REMINDERS; index += 1) await scheduleJob(createStore(database.prisma).direct, { key: `reminder-${index}`, kind: 'bench', dueAt: clock.now() });
    const scheduler = createScheduler({ store: createStore(database.prisma), clock, logger, timeZone: 'UTC' });
    scheduler.register('bench', async (tx, firing) => {
      await tx.outbox.enqueue({ key: `${firing.key}:message`, method: 'chat.postMessage', payload: { channel: channels[0], text: 'reminder' } });
    });
    started = performance.now();
    let fired = 0;
    while (fired < REMINDERS) fired += await scheduler.runDue();
    const fireMs = performance.now() - started;

    console.log(`${provider}:`);
    console.log(`  event dedupe (recordEventOnce)       ${rate(EVENTS, eventsMs)}`);
    console.log(`  outbox enqueue, one tx per item      ${rate(ITEMS, enqueueMs)}`);
    console.log(`  outbox delivery to loopback Slack    ${rate(ITEMS, sendMs)}  (${CHANNELS} channels, pacing off)`);
    console.log(`  reminders fired with one write each  ${rate(REMINDERS, fireMs)}`);
  } finally {
    await fake.close();
    await database.dispose();
  }
}
