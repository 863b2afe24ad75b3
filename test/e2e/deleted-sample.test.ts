// A member deletes a message an alert quotes: the alert is redrawn in place without its words (and without
// feedback buttons for it), the stored incident keeps no copy, the change is audited without the text, a
// replayed deletion changes nothing more, feedback given on it before keeps no words of it (its row and
// its thread line), and feedback on it after (an old copy of the button, a form left open) is refused with
// nothing stored. Messages deleted before the alert opens are never quoted by it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { messageDeletedEvent, messageEvent } from '../../src/sandbox/slack-payloads.js';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import type { AlertsMessage } from '../support/staff-actions.js';
import { addToTimeline, findButtons, spikeMessages, startHarness, type Harness } from './harness.js';

/** The words of the member message the alert quotes and its author then deletes: found nowhere else. */
const DELETED_WORDS = 'Zorblatt refunds are a horrible disgusting scam, awful terrible useless garbage, I hate it';
/** Deleted before the alert opened (its minute still open): never quoted. */
const DELETED_EARLY = 'Quixotry checkout is a horrible disgusting scam, awful terrible useless garbage, I hate it';
/** Deleted before Slack delivered it at all (a tombstone took its place): never stored, never quoted. */
const DELETED_UNDELIVERED = 'Wugglenorf login is a horrible disgusting scam, awful terrible useless garbage, I hate it';

/** The member's deletion of the message at `ts`; Slack sends the deleted words along, Firebreak must not keep them. */
const deletion = (channel: string, ts: string, text: string, user: string) => messageDeletedEvent({ channel, ts, previous: { user, text } });

describe.each(availableProviders)('a member deletes a message the alert quotes (%s)', (provider) => {
  let h: Harness;
  let quoted: { ts: string; user: string };
  /** The alert as staff saw it before the deletion (an old copy a client may still show). */
  let seen: AlertsMessage;
  const prisma = () => h.app.database.prisma;
  const rootUpdates = () => h.fake.api.calls('chat.update').filter((call) => call.args['ts'] === h.rootMessage()?.ts);
  const incident = () => prisma().incident.findFirstOrThrow({ select: { id: true, detection: true } });
  const sampleIdsShown = (blocks: unknown[]) => findButtons(blocks).filter((button) => button.action_id === actionIds.sampleNegative || button.action_id === actionIds.sampleNotNegative).map((button) => JSON.parse(button.value ?? '{}').s as string);

  beforeAll(async () => {
    h = await startHarness({ provider });
    const { members } = h.people;
    const messages = spikeMessages(members);
    const burst = messages.at(-1)!.atMs;
    for (const { user, text, atMs } of messages) await h.post(user, text, atMs);
    // In the spike's minute: one message deleted at once, one deleted before Slack delivered it, one kept.
    const early = await h.post(members[1]!, DELETED_EARLY, burst + 100);
    await h.event(deletion(h.support, early.ts, DELETED_EARLY, members[1]!));
    const undeliveredTs = `${Math.floor((burst + 200) / 1000)}.777001`;
    await h.event(deletion(h.support, undeliveredTs, DELETED_UNDELIVERED, members[2]!));
    await h.event(messageEvent({ channel: h.support, user: members[2]!, text: DELETED_UNDELIVERED, ts: undeliveredTs }));
    quoted = { ts: (await h.post(members[3]!, DELETED_WORDS, burst + 300)).ts, user: members[3]! };
    await h.waitFor('events handled', async () => ((await prisma().inboundEvent.count()) === 0 ? true : undefined));
    await h.waitFor('messages scored', async () => (await prisma().scoredMessage.count()) >= messages.length + 3);
    await h.app.runtime!.tick();
    await h.waitFor('the alert posted', async () => ((await prisma().incident.findFirst({ where: { rootTs: { not: null } } })) ? true : undefined));
    seen = structuredClone(h.rootMessage()!) as AlertsMessage;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('messages deleted before the alert opened are never quoted by it, stored with it or kept in a bucket', async () => {
    const everything = JSON.stringify({ alert: seen, detection: (await incident()).detection, buckets: await prisma().channelBucket.findMany({ select: { data: true } }) });
    expect(everything).not.toContain('Quixotry');
    expect(everything).not.toContain('Wugglenorf');
    // The one kept is quoted, with its feedback buttons: the case the next tests take away.
    expect(JSON.stringify(seen.blocks)).toContain('Zorblatt');
    expect(sampleIdsShown(seen.blocks ?? [])).toContain(quoted.ts);
  });

  it('its deletion redraws the alert in place without the words or its buttons, erases them from the stored incident, and is audited without them', async () => {
    // Staff open the shortcut's form on the message before its author deletes it (submitted in a later test).
    await h.shortcut(h.people.ann, callbackIds.markSentimentShortcut, { ts: quoted.ts, text: DELETED_WORDS, user: quoted.user });
    await h.waitFor('the mark-sentiment form', () => h.openModal(h.people.ann)?.callback_id === callbackIds.markSentimentModal);
    // Ben said the message was not negative before it was deleted: his row and the thread line quote it.
    await h.click(h.people.ben, h.alerts, seen.ts, actionIds.sampleNotNegative, (value) => value.includes(quoted.ts));
    await h.waitFor('the thread line quoting it', () => h.threadTexts().some((text) => text.includes('gave feedback') && text.includes('Zorblatt')));
    const given = await prisma().feedback.findFirstOrThrow({ where: { messageTs: quoted.ts } });
    expect(given.text).toContain('Zorblatt');
    // Ben also added it to the incident's timeline ("Add to incident timeline"): its thread line quotes it.
    await addToTimeline(h, h.people.ben, (await incident()).id, { ts: quoted.ts, text: DELETED_WORDS, user: quoted.user });
    const addedLine = await h.waitFor('the timeline line quoting it', () => h.thread().find((message) => message.text.includes('to the timeline') && JSON.stringify(message.blocks).includes('Zorblatt')));
    const before = rootUpdates().length;

    expect((await h.event(deletion(h.support, quoted.ts, DELETED_WORDS, quoted.user), { eventId: 'Ev0SAMPLEDEL1' })).status).toBe(200);
    const update = await h.waitFor('the alert redrawn', () => rootUpdates().slice(before).find((call) => JSON.stringify(call.args).includes(t('en', 'ui.root.sample_deleted', {}))));
    expect(JSON.stringify(update.args)).not.toContain('Zorblatt');
    const shown = h.rootMessage()!;
    expect(`${shown.text} ${JSON.stringify(shown.blocks)}`).not.toContain('Zorblatt');
    expect(sampleIdsShown(shown.blocks)).not.toContain(quoted.ts);
    // The other samples keep their buttons; the alert's verdict buttons stay.
    expect(sampleIdsShown(shown.blocks).length).toBeGreaterThan(0);
    expect(findButtons(shown.blocks).some((button) => button.action_id === actionIds.falseAlarm)).toBe(true);
    // Exactly one edit of the root for this deletion, and of the timeline line, in one decision (one audit line).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rootUpdates().length - before).toBe(1);
    await h.waitFor('the timeline line edited', () => h.fake.api.calls('chat.update').some((call) => call.args['ts'] === addedLine.ts));
    expect(h.fake.api.calls('chat.update').filter((call) => call.args['ts'] === addedLine.ts)).toHaveLength(1);
    expect(await prisma().auditLog.count({ where: { action: 'erase_deleted_message' } })).toBe(0);

    const { id, detection } = await incident();
    expect(JSON.stringify(detection)).not.toContain('Zorblatt');
    const sample = (detection as { samples: { id: string; deleted?: boolean; authorId?: string; text: string }[] }).samples.find((candidate) => candidate.id === quoted.ts);
    expect(sample).toMatchObject({ deleted: true, authorId: quoted.user, text: '' });
    const audited = await prisma().auditLog.findMany({ where: { action: 'redraw_sample_deleted' } });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ incidentId: id, outcome: 'accepted', text: null });
    expect(JSON.stringify(audited[0])).not.toContain('Zorblatt');
    // Ben's row keeps what the learner needs, not the words; his thread line is edited in place without them.
    expect(await prisma().feedback.findUniqueOrThrow({ where: { id: given.id }, select: { text: true, features: true, undoneAt: true } })).toMatchObject({ text: null, features: expect.anything(), undoneAt: null });
    await h.waitFor('the thread line edited', () => h.threadTexts().every((text) => !text.includes('Zorblatt')) && h.threadTexts().some((text) => text.includes('gave feedback')));
    // Nowhere else either: the timeline, the feedback, the buckets, the stored message, the audit log, and
    // the Slack writes kept for delivery (the alert's post and edits, the thread lines).
    await expect.poll(async () => prisma().outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } }), { timeout: 20_000 }).toBe(0);
    const elsewhere = JSON.stringify({
      outbox: await prisma().outboxItem.findMany(),
      feedback: await prisma().feedback.findMany(),
      timeline: await prisma().timelineEvent.findMany({ where: { incidentId: id } }),
      buckets: await prisma().channelBucket.findMany({ select: { data: true } }),
      message: await prisma().scoredMessage.findFirst({ where: { ts: quoted.ts } }),
      audit: await prisma().auditLog.findMany(),
    });
    expect(elsewhere).not.toContain('Zorblatt');
  });

  it('a replayed deletion, or the same deletion sent again as a tombstone, changes nothing more', async () => {
    const updates = h.fake.api.calls('chat.update').length;
    expect((await h.event(deletion(h.support, quoted.ts, DELETED_WORDS, quoted.user), { eventId: 'Ev0SAMPLEDEL1', retryNum: 1 })).status).toBe(200);
    await h.event(deletion(h.support, quoted.ts, DELETED_WORDS, quoted.user), { eventId: 'Ev0SAMPLEDEL2' });
    await h.event({ type: 'message', subtype: 'message_changed', channel: h.support, hidden: true, ts: `${Math.floor(Date.now() / 1000)}.888001`, message: { type: 'message', subtype: 'tombstone', text: 'This message was deleted.', ts: quoted.ts, user: 'USLACKBOT' } }, { eventId: 'Ev0SAMPLEDEL3' });
    await expect.poll(() => prisma().inboundEvent.count(), { timeout: 20_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(h.fake.api.calls('chat.update').length).toBe(updates);
    expect(await prisma().auditLog.count({ where: { action: 'redraw_sample_deleted' } })).toBe(1);
  });

  it('feedback on the deleted message (an old copy of the alert, a form left open) is refused privately, audited, and stores nothing', async () => {
    const { ann, ben } = h.people;
    const rowsBefore = await prisma().feedback.count();
    await h.clickSeen(ben, h.alerts, seen, actionIds.sampleNegative);
    // clickSeen takes the first sample button: make sure it is the deleted one's, then the refusal.
    expect(sampleIdsShown(seen.blocks ?? [])[0]).toBe(quoted.ts);
    await h.waitFor('the refusal', () => h.ephemeralTexts(ben).some((text) => text.includes(t('en', 'feedback.refused.deleted', {}))));

    const submitted = await h.submit(ann, { [inputIds.sentimentVerdict]: { [inputIds.sentimentVerdict]: { type: 'radio_buttons', selected_option: { value: 'negative' } } } });
    expect(submitted.status).toBe(200);
    await h.waitFor('the refusal of the form', () => h.ephemeralTexts(ann).some((text) => text.includes(t('en', 'feedback.refused.deleted', {}))));

    // Only Ben's row from before the deletion, wordless: nothing new.
    expect(await prisma().feedback.count()).toBe(rowsBefore);
    expect(await prisma().feedback.count({ where: { messageTs: quoted.ts } })).toBe(1);
    expect(JSON.stringify(await prisma().feedback.findMany())).not.toContain('Zorblatt');
    const refused = await prisma().auditLog.findMany({ where: { action: 'feedback_given', outcome: 'refused' }, select: { data: true, text: true } });
    expect(refused.map((entry) => (entry.data as { refusal?: string }).refusal)).toEqual(['deleted', 'deleted']);
    expect(JSON.stringify(refused)).not.toContain('Zorblatt');
  });
});
