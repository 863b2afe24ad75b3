// "Add to incident timeline" that cannot be saved (the database refuses the write) is never closed as if
// it were done: the form stays open saying so, and the same form sent again once the database is back adds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('a timeline addition the database refuses (%s)', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider });
    await h.command(h.people.cleo, `declare <#${h.support}|support> sev2 Payments failing`);
    await h.waitFor('the alert', () => h.rootMessage());
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the form open saying it was not done; sent again, the message is added once', async () => {
    const prisma = h.app.database.prisma;
    const { ben, members } = h.people;
    const { ts } = await h.post(members[3]!, 'My card was charged twice', Date.now());
    await h.shortcut(ben, callbackIds.addToTimelineShortcut, { ts, text: 'My card was charged twice', user: members[3]! });
    await h.waitFor('the timeline modal', () => h.openModal(ben)?.callback_id === callbackIds.addToTimelineModal);
    const incident = await prisma.incident.findFirstOrThrow();
    const values = { [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incident.id } } } };

    // The decision's audit row cannot be written: nothing of it commits.
    await prisma.$executeRawUnsafe('ALTER TABLE "AuditLog" RENAME TO "AuditLogAway"');
    let answer: { status: number; body: string };
    try {
      answer = await h.submit(ben, values);
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE "AuditLogAway" RENAME TO "AuditLog"');
    }
    expect(answer.status).toBe(200);
    expect(await prisma.timelineEvent.count({ where: { kind: 'message_added' } })).toBe(0);
    expect((JSON.parse(answer.body || '{}') as { response_action?: string }).response_action).toBe('errors');

    await h.submit(ben, values);
    await h.waitFor('the message on the timeline', async () => (await prisma.timelineEvent.count({ where: { kind: 'message_added' } })) === 1);
  }, 60_000);
});
