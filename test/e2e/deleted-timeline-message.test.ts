// A member deletes a message staff added to an incident's timeline ("Add to incident timeline"): the stored
// entry keeps who added it, when, whose message it was and where, never its words; the thread line that
// quoted it is edited in place once to say its author deleted it; the audit keeps no words; a replayed
// deletion (same or new event id, a tombstone) changes nothing more. The same shortcut on a message already
// deleted is refused privately and audited, nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { messageChangedEvent, messageDeletedEvent } from '../../src/sandbox/slack-payloads.js';
import { callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { addToTimeline, startHarness, type Harness } from './harness.js';

/** The member's words, added to the timeline and then deleted: found nowhere after. */
const DELETED_WORDS = 'Plimbrook invoices charged me four times and support ignores me';
/** Deleted before staff submitted the shortcut's form: never stored. */
const DELETED_FIRST = 'Snorkwell delivery never arrived and nobody answers';

/** The member's deletion of the message at `ts`; Slack sends the deleted words along, Firebreak must not keep them. */
const deletion = (channel: string, ts: string, text: string, user: string) => messageDeletedEvent({ channel, ts, previous: { user, text } });

describe.each(availableProviders)('a member deletes a message staff added to the timeline (%s)', (provider) => {
  let h: Harness;
  let added: { ts: string; user: string };
  let incidentId: string;
  const prisma = () => h.app.database.prisma;
  /** The thread line saying the message was added, as Slack shows it now. */
  const addedLine = () => h.thread().find((message) => message.text.includes('to the timeline'));
  const lineUpdates = (ts: string) => h.fake.api.calls('chat.update').filter((call) => call.args['ts'] === ts);

  /** Ben adds the member's message (in #support unless `channel`) to the incident's timeline. */
  const benAdds = (ts: string, text: string, user: string, channel?: string) => addToTimeline(h, h.people.ben, incidentId, { ts, text, user }, channel);

  beforeAll(async () => {
    h = await startHarness({ provider });
    await h.command(h.people.cleo, `declare ${h.support} sev2 Payments failing`);
    await h.waitFor('the alert', () => h.rootMessage());
    incidentId = (await prisma().incident.findFirstOrThrow({ select: { id: true } })).id;
    const user = h.people.members[3]!;
    added = { ts: (await h.post(user, DELETED_WORDS, Date.now())).ts, user };
    await h.waitFor('the message stored', async () => ((await prisma().scoredMessage.count({ where: { ts: added.ts } })) === 1 ? true : undefined));
    await benAdds(added.ts, DELETED_WORDS, user);
    await h.waitFor('the thread line quoting it', () => h.threadTexts().some((text) => text.includes('Plimbrook')));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('its deletion erases its words from the timeline entry, the audit and the thread line (edited once, in place)', async () => {
    const line = addedLine()!;
    expect(line).toBeDefined();
    expect((await h.event(deletion(h.support, added.ts, DELETED_WORDS, added.user), { eventId: 'Ev0TIMELINEDEL1' })).status).toBe(200);
    await h.waitFor('the thread line edited', () => h.threadTexts().every((text) => !text.includes('Plimbrook')));
    const shown = h.thread().find((message) => message.ts === line.ts)!;
    expect(`${shown.text} ${JSON.stringify(shown.blocks)}`).toContain('its author has since deleted it');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lineUpdates(line.ts)).toHaveLength(1);

    const entry = await prisma().timelineEvent.findFirstOrThrow({ where: { incidentId, kind: 'message_added' } });
    expect(entry.text).toBeNull();
    expect(entry.actorUserId).toBe(h.people.ben);
    expect(entry.data).toMatchObject({ channelId: h.support, messageTs: added.ts, authorUserId: added.user, deleted: true, deletedAt: expect.any(Number) });
    const audited = await prisma().auditLog.findMany({ where: { action: 'erase_deleted_message' } });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ incidentId, outcome: 'accepted', text: null });
    // Nowhere else either: the timeline, the audit log, the stored message, the line's own Slack write.
    const everything = JSON.stringify({
      timeline: await prisma().timelineEvent.findMany({ where: { incidentId } }),
      outbox: await prisma().outboxItem.findMany(),
      audit: await prisma().auditLog.findMany(),
      message: await prisma().scoredMessage.findFirst({ where: { ts: added.ts } }),
      thread: h.thread(),
    });
    expect(everything).not.toContain('Plimbrook');
  });

  it('a replayed deletion, a new delivery of it, or a tombstone after it changes nothing more', async () => {
    const updates = h.fake.api.calls('chat.update').length;
    const timeline = JSON.stringify(await prisma().timelineEvent.findMany({ where: { incidentId }, orderBy: { sequence: 'asc' } }));
    await h.event(deletion(h.support, added.ts, DELETED_WORDS, added.user), { eventId: 'Ev0TIMELINEDEL1', retryNum: 1 });
    await h.event(deletion(h.support, added.ts, DELETED_WORDS, added.user), { eventId: 'Ev0TIMELINEDEL2' });
    await h.event({ type: 'message', subtype: 'message_changed', channel: h.support, hidden: true, ts: `${Math.floor(Date.now() / 1000)}.888001`, message: { type: 'message', subtype: 'tombstone', text: 'This message was deleted.', ts: added.ts, user: 'USLACKBOT' } }, { eventId: 'Ev0TIMELINEDEL3' });
    await expect.poll(() => prisma().inboundEvent.count(), { timeout: 20_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(h.fake.api.calls('chat.update').length).toBe(updates);
    expect(await prisma().auditLog.count({ where: { action: 'erase_deleted_message' } })).toBe(1);
    expect(JSON.stringify(await prisma().timelineEvent.findMany({ where: { incidentId }, orderBy: { sequence: 'asc' } }))).toBe(timeline);
  });

  it('adding a message its author already deleted (a stale shortcut) is refused privately, audited, and stores nothing', async () => {
    const { ben, members } = h.people;
    const { ts } = await h.post(members[2]!, DELETED_FIRST, Date.now());
    await h.waitFor('the message stored', async () => ((await prisma().scoredMessage.count({ where: { ts } })) === 1 ? true : undefined));
    await h.shortcut(ben, callbackIds.addToTimelineShortcut, { ts, text: DELETED_FIRST, user: members[2]! });
    await h.waitFor('the timeline form', () => h.openModal(ben)?.callback_id === callbackIds.addToTimelineModal);
    await h.event(deletion(h.support, ts, DELETED_FIRST, members[2]!), { eventId: 'Ev0TIMELINEDEL4' });
    await h.waitFor('the deletion stored', async () => ((await prisma().scoredMessage.findFirst({ where: { ts, deletedAt: { not: null } } })) ? true : undefined));
    const entries = await prisma().timelineEvent.count({ where: { incidentId } });

    expect((await h.submit(ben, { [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incidentId } } } })).status).toBe(200);
    await h.waitFor('the refusal', () => h.ephemeralTexts(ben).some((text) => text.includes(t('en', 'refusal.message_deleted', {}))));
    expect(await prisma().timelineEvent.count({ where: { incidentId } })).toBe(entries);
    const refused = await prisma().auditLog.findMany({ where: { action: 'add_message', outcome: 'refused' } });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ incidentId, text: null, data: expect.objectContaining({ refusalCode: 'message_deleted', messageTs: ts }) });
    expect(JSON.stringify({ audit: await prisma().auditLog.findMany(), timeline: await prisma().timelineEvent.findMany(), thread: h.thread() })).not.toContain('Snorkwell');
  });

  it('in a channel Firebreak does not watch (the bot is in it), the member\'s edit and then deletion reach the line too', async () => {
    const { members } = h.people;
    const member = members[4]!;
    const lounge = h.fake.workspace.addChannel({ name: 'members-lounge', members: [member, h.people.ben, h.fake.workspace.bot.user_id] }).id;
    const ts = `${Math.floor(Date.now() / 1000)}.424242`;
    await benAdds(ts, 'Quillmere refunds take forever, call me on 555-0100', member, lounge);
    await h.waitFor('the thread line quoting it', () => h.threadTexts().some((text) => text.includes('Quillmere')));
    const line = h.thread().find((message) => JSON.stringify(message.blocks ?? []).includes('Quillmere'))!;
    // Nothing of that channel is scored: the message is only on the timeline.
    expect(await prisma().scoredMessage.count({ where: { ts } })).toBe(0);

    // The member takes the phone number out: the line quotes the latest words, edited once, in place.
    const edited = 'Quillmere refunds take forever';
    expect((await h.event(messageChangedEvent({ channel: lounge, ts, user: member, text: edited, editedTs: `${Math.floor(Date.now() / 1000)}.500000`, previous: 'Quillmere refunds take forever, call me on 555-0100' }))).status).toBe(200);
    await h.waitFor('the line edited', () => lineUpdates(line.ts)[0]);
    const shown = h.thread().find((message) => message.ts === line.ts)!;
    expect(`${shown.text} ${JSON.stringify(shown.blocks)}`).toContain(edited);
    expect(`${shown.text} ${JSON.stringify(shown.blocks)}`).not.toContain('555-0100');

    // Then deletes it: the words leave the entry and the line.
    expect((await h.event(deletion(lounge, ts, edited, member))).status).toBe(200);
    await h.waitFor('the line says deleted', () => h.threadTexts().every((text) => !text.includes('Quillmere')));
    const entry = (await prisma().timelineEvent.findMany({ where: { incidentId, kind: 'message_added' } })).find((event) => (event.data as { messageTs?: string }).messageTs === ts)!;
    expect(entry.text).toBeNull();
    expect(entry.data).toMatchObject({ channelId: lounge, deleted: true });
    await expect.poll(() => prisma().inboundEvent.count(), { timeout: 20_000 }).toBe(0);
    expect(lineUpdates(line.ts)).toHaveLength(2);
    expect(JSON.stringify({ timeline: await prisma().timelineEvent.findMany({ where: { incidentId } }), audit: await prisma().auditLog.findMany(), outbox: await prisma().outboxItem.findMany() })).not.toContain('Quillmere');
  });
});
