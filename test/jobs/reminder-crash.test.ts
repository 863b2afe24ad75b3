// SIGKILL in the middle of a reminder's firing: its transaction never commits, so after the restart
// it fires exactly once, and nothing it wrote before the kill survives.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { createScheduler, scheduleJob } from '../../src/jobs/scheduler.js';
import { createStore } from '../../src/store/store.js';
import { availableProviders } from '../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'hanging-reminder.ts');

describe.each(availableProviders)('SIGKILL during a reminder (%s)', (provider) => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(() => database.dispose());

  it('the killed firing leaves nothing behind, and the reminder fires once after the restart, late', async () => {
    await scheduleJob(createStore(database.prisma).direct, { key: 'incident:1:escalate:1', kind: 'escalation', dueAt: Date.now() - 120_000, payload: { level: 1 } });
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, database.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('IN_HANDLER')) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`the fixture exited with ${code} before firing:\n${output}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    expect(await database.prisma.reminder.findUniqueOrThrow({ where: { key: 'incident:1:escalate:1' } })).toMatchObject({ status: 'pending', firedAt: null, lastError: null });
    expect(await database.prisma.outboxItem.count()).toBe(0);
    expect(await database.prisma.processedEvent.count({ where: { eventId: 'written-inside-the-firing' } })).toBe(0);

    const fired: string[] = [];
    const scheduler = createScheduler({ store: createStore(database.prisma), clock: systemClock, logger: pino({ level: 'silent' }), timeZone: 'UTC' });
    scheduler.register('escalation', async (tx, firing) => {
      fired.push(`${firing.key} late=${firing.late}`);
      await tx.outbox.enqueue({ key: `${firing.key}:message`, method: 'chat.postMessage', payload: { channel: 'C0STAFF', text: 'Nobody acknowledged incident #1' } });
    });
    await scheduler.start();
    await scheduler.runDue();
    await scheduler.stop();
    expect(fired).toEqual(['incident:1:escalate:1 late=true']);
    expect(await database.prisma.outboxItem.count({ where: { key: 'incident:1:escalate:1:message' } })).toBe(1);
    expect(await database.prisma.reminder.findUniqueOrThrow({ where: { key: 'incident:1:escalate:1' } })).toMatchObject({ status: 'fired', late: true });
  });
});
