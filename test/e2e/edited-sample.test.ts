// A member edits a message an alert quotes (and staff added to its timeline): the alert is redrawn in place
// once with the latest words, marked edited by its author, the sample keeping the score the alert was raised
// on; the stored incident, the `detected` entry's copy, the closed bucket, the timeline entry, its audit line
// and its thread line (edited in place) keep only the latest words. An older edit delivered late, a replayed
// edit, or the same words again change nothing; a resolved alert still follows the edits (and its
// post-mortem export); an edit after the deletion leaves the message deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { messageChangedEvent, messageDeletedEvent } from '../../src/sandbox/slack-payloads.js';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { addToTimeline, findButtons, spikeMessages, startHarness, type Harness } from './harness.js';

/** The words the alert is raised on; the member then edits them (their phone number out): found nowhere after. */
const FIRST_WORDS = 'Zorblatt refunds are a horrible disgusting scam, awful terrible useless garbage, I hate it, call me on my phone 600111222';
/** The member's latest words. */
const EDITED_WORDS = 'Vexlane refunds are a horrible disgusting scam, awful terrible useless garbage, I hate it';
/** An edit the member made before EDITED_WORDS, delivered late: never shown. */
const OLDER_WORDS = 'Quillmoss refunds are a horrible disgusting scam, awful terrible useless garbage, I hate it';
/** Edited again once the incident is resolved. */
const LAST_WORDS = 'Brindlewick refunds are still a horrible scam, awful terrible useless garbage, I hate it';
/** A message staff add to the timeline only (no sample quotes it), then edited. */
const ADDED_WORDS = 'Plonkwist invoices charged me twice, my card number ends 4242';
const ADDED_EDITED = 'Trundlemere invoices charged me twice';
/** Edited after its author deleted it: never stored or shown. */
const AFTER_DELETION = 'Wumblecrest refunds are a horrible scam';

describe.each(availableProviders)('a member edits a message the alert quotes (%s)', (provider) => {
  let h: Harness;
  let quoted: { ts: string; user: string };
  let incidentId: string;
  let edits = 0;
  const second = Math.floor(Date.now() / 1000);
  /** Edit times in the member's order: a later `order` is a later edit. */
  const editTs = (order: number) => `${second + 1}.${String(order).padStart(6, '0')}`;
  /** Slack's message_changed for the member's edit of `ts` at `editedTs`; Slack sends the previous words along. */
  const edit = (ts: string, user: string, text: string, editedTs: string, previous: string) =>
    messageChangedEvent({ channel: h.support, ts, user, text, editedTs, previous, eventTs: `${second + 2}.${String((edits += 1)).padStart(6, '0')}` });
  const prisma = () => h.app.database.prisma;
  const rootUpdates = () => h.fake.api.calls('chat.update').filter((call) => call.args['ts'] === h.rootMessage()?.ts);
  const lineUpdates = (ts: string) => h.fake.api.calls('chat.update').filter((call) => call.args['ts'] === ts);
  const settled = async () => {
    await expect.poll(() => prisma().inboundEvent.count(), { timeout: 20_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
  };
  const detection = async () => (await prisma().incident.findUniqueOrThrow({ where: { id: incidentId }, select: { detection: true } })).detection as { samples: Record<string, unknown>[] };
  const sampleOf = async (ts: string) => (await detection()).samples.find((sample) => sample['id'] === ts);
  const detectedCopy = async () => JSON.stringify(await prisma().timelineEvent.findMany({ where: { incidentId, kind: 'detected' }, select: { data: true } }));
  /** The line saying a message was added to the timeline, as Slack shows it now. */
  const addedLine = (words: string) => h.thread().find((message) => message.text.includes('to the timeline') && JSON.stringify(message.blocks).includes(words));

  const benAdds = (ts: string, text: string, user: string) => addToTimeline(h, h.people.ben, incidentId, { ts, text, user });

  beforeAll(async () => {
    h = await startHarness({ provider });
    const { members } = h.people;
    const messages = spikeMessages(members);
    const burst = messages.at(-1)!.atMs;
    for (const { user, text, atMs } of messages) await h.post(user, text, atMs);
    quoted = { ts: (await h.post(members[3]!, FIRST_WORDS, burst + 300)).ts, user: members[3]! };
    await h.waitFor('events handled', async () => ((await prisma().inboundEvent.count()) === 0 ? true : undefined));
    await h.waitFor('messages scored', async () => (await prisma().scoredMessage.count()) >= messages.length + 1);
    await h.app.runtime!.tick();
    await h.waitFor('the alert posted', async () => ((await prisma().incident.findFirst({ where: { rootTs: { not: null } } })) ? true : undefined));
    incidentId = (await prisma().incident.findFirstOrThrow({ select: { id: true } })).id;
    // The alert quotes the message; Ben also adds it to the timeline: its thread line quotes it too.
    expect(JSON.stringify(h.rootMessage()!.blocks)).toContain('Zorblatt');
    await benAdds(quoted.ts, FIRST_WORDS, quoted.user);
    await h.waitFor('the timeline line quoting it', () => addedLine('Zorblatt'));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('its edit redraws the alert once with the latest words marked edited, and the earlier words leave the incident, its timeline and its buckets', async () => {
    const line = addedLine('Zorblatt')!;
    const before = rootUpdates().length;
    const raisedOn = (await sampleOf(quoted.ts))!;
    expect(JSON.stringify(await prisma().channelBucket.findMany({ select: { data: true } }))).toContain('Zorblatt');

    expect((await h.event(edit(quoted.ts, quoted.user, EDITED_WORDS, editTs(300), FIRST_WORDS), { eventId: 'Ev0SAMPLEEDIT1' })).status).toBe(200);
    const update = await h.waitFor('the alert redrawn', () => rootUpdates().slice(before).find((call) => JSON.stringify(call.args).includes('Vexlane')));
    expect(JSON.stringify(update.args)).toContain(t('en', 'ui.root.sample_edited', {}));
    expect(JSON.stringify(update.args)).not.toMatch(/Zorblatt|call me on/);
    const shown = h.rootMessage()!;
    expect(JSON.stringify(shown.blocks)).toContain('Vexlane');
    expect(`${shown.text} ${JSON.stringify(shown.blocks)}`).not.toContain('Zorblatt');
    // Its thread line is edited in place with the latest words, saying they were edited.
    await h.waitFor('the timeline line edited', () => lineUpdates(line.ts)[0]);
    const edited = h.thread().find((message) => message.ts === line.ts)!;
    expect(`${edited.text} ${JSON.stringify(edited.blocks)}`).toContain('Vexlane');
    expect(`${edited.text} ${JSON.stringify(edited.blocks)}`).toContain('its author has since edited it');
    await settled();
    expect(rootUpdates().length - before).toBe(1);
    expect(lineUpdates(line.ts)).toHaveLength(1);
    expect(JSON.stringify(h.thread())).not.toContain('Zorblatt');

    // The sample keeps which message it was, who wrote it and the score the alert was raised on.
    expect(await sampleOf(quoted.ts)).toEqual({ ...raisedOn, text: EDITED_WORDS, edited: true, editedAt: expect.any(Number), editedTs: editTs(300) });
    const audited = await prisma().auditLog.findMany({ where: { action: 'redraw_sample_edited' } });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ incidentId, outcome: 'accepted', text: null, data: expect.objectContaining({ messageTs: quoted.ts, timelineEntries: 1 }) });
    const entry = await prisma().timelineEvent.findFirstOrThrow({ where: { incidentId, kind: 'message_added' } });
    expect(entry).toMatchObject({ text: EDITED_WORDS, actorUserId: h.people.ben, data: expect.objectContaining({ messageTs: quoted.ts, edited: true }) });
    expect(await detectedCopy()).toContain('Vexlane');
    // Nowhere else either: the incident, its timeline (the detected copy), the closed bucket, the stored
    // message, the audit log, the Slack writes kept for delivery.
    const everything = JSON.stringify({
      incident: await prisma().incident.findUniqueOrThrow({ where: { id: incidentId } }),
      timeline: await prisma().timelineEvent.findMany({ where: { incidentId } }),
      buckets: await prisma().channelBucket.findMany({ select: { data: true } }),
      message: await prisma().scoredMessage.findFirst({ where: { ts: quoted.ts } }),
      audit: await prisma().auditLog.findMany(),
      // The Slack writes kept for delivery: the alert's post and edits, the thread line's.
      outbox: await prisma().outboxItem.findMany(),
    });
    expect(everything).not.toMatch(/Zorblatt|call me on/);
    expect(JSON.stringify(await prisma().channelBucket.findMany({ select: { data: true } }))).toContain('Vexlane');
  });

  it('an older edit delivered after it, a replay of it, or the same words again change nothing', async () => {
    const updates = h.fake.api.calls('chat.update').length;
    const stored = JSON.stringify({ detection: await detection(), timeline: await prisma().timelineEvent.findMany({ where: { incidentId }, orderBy: { sequence: 'asc' } }) });
    // The member's first edit, retried by Slack after the newer one was applied.
    await h.event(edit(quoted.ts, quoted.user, OLDER_WORDS, editTs(200), FIRST_WORDS), { eventId: 'Ev0SAMPLEEDIT0', retryNum: 1 });
    // The applied edit, delivered again; and the same words in a newer change (an unfurl).
    await h.event(edit(quoted.ts, quoted.user, EDITED_WORDS, editTs(300), FIRST_WORDS), { eventId: 'Ev0SAMPLEEDIT1', retryNum: 1 });
    await h.event(edit(quoted.ts, quoted.user, EDITED_WORDS, editTs(400), EDITED_WORDS), { eventId: 'Ev0SAMPLEEDIT2' });
    await settled();
    expect(h.fake.api.calls('chat.update').length).toBe(updates);
    expect(await prisma().auditLog.count({ where: { action: { in: ['redraw_sample_edited', 'rewrite_edited_message'] } } })).toBe(1);
    expect(JSON.stringify({ detection: await detection(), timeline: await prisma().timelineEvent.findMany({ where: { incidentId }, orderBy: { sequence: 'asc' } }) })).toBe(stored);
    // The alert still shows the member's latest words, never the older ones.
    expect(JSON.stringify(h.rootMessage()!.blocks)).toContain('Vexlane');
    expect(JSON.stringify({ root: h.rootMessage(), thread: h.thread(), buckets: await prisma().channelBucket.findMany({ select: { data: true } }) })).not.toContain('Quillmoss');
  });

  it('a message only added to the timeline: its edit edits its thread line in place once, and its entry and audit line keep only the latest words', async () => {
    const member = h.people.members[2]!;
    const { ts } = await h.post(member, ADDED_WORDS, Date.now());
    await h.waitFor('the message stored', async () => ((await prisma().scoredMessage.count({ where: { ts } })) === 1 ? true : undefined));
    await benAdds(ts, ADDED_WORDS, member);
    const line = await h.waitFor('the timeline line quoting it', () => addedLine('Plonkwist'));
    const rootBefore = rootUpdates().length;

    expect((await h.event(edit(ts, member, ADDED_EDITED, `${Number(ts.split('.')[0]) + 5}.000100`, ADDED_WORDS), { eventId: 'Ev0TIMELINEEDIT1' })).status).toBe(200);
    await h.waitFor('the thread line edited', () => lineUpdates(line.ts)[0]);
    const shown = h.thread().find((message) => message.ts === line.ts)!;
    expect(`${shown.text} ${JSON.stringify(shown.blocks)}`).toContain('Trundlemere');
    await settled();
    expect(lineUpdates(line.ts)).toHaveLength(1);
    expect(rootUpdates().length).toBe(rootBefore);
    const audited = await prisma().auditLog.findMany({ where: { action: 'rewrite_edited_message' } });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ incidentId, outcome: 'accepted', text: null, data: expect.objectContaining({ channelId: h.support, messageTs: ts, timelineEntries: 1 }) });
    const entry = (await prisma().timelineEvent.findMany({ where: { incidentId, kind: 'message_added' } })).find((row) => (row.data as { messageTs?: string }).messageTs === ts);
    expect(entry).toMatchObject({ text: ADDED_EDITED, data: expect.objectContaining({ edited: true, editedAt: expect.any(Number) }) });
    const adding = await prisma().auditLog.findMany({ where: { incidentId, action: 'add_message', outcome: 'accepted' }, select: { text: true } });
    expect(adding.map((row) => row.text)).toEqual(expect.arrayContaining([ADDED_EDITED, EDITED_WORDS]));
    expect(JSON.stringify({ timeline: await prisma().timelineEvent.findMany({ where: { incidentId } }), audit: await prisma().auditLog.findMany(), thread: h.thread() })).not.toMatch(/Plonkwist|card number/);
  });

  it('a resolved alert still follows the edits, and so does its post-mortem export', async () => {
    const { ann } = h.people;
    await h.click(ann, h.alerts, h.rootMessage()!.ts, actionIds.resolve);
    await h.waitFor('the resolve modal', () => h.openModal(ann)?.callback_id === callbackIds.resolveModal);
    const text = (value: string) => ({ type: 'plain_text_input', value });
    await h.submit(ann, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text('Refunds flow again.') }, [inputIds.skipReason('acknowledge')]: { [inputIds.skipReason('acknowledge')]: text('Resolved at once') } });
    await h.waitFor('resolved', async () => ((await prisma().incident.findFirst({ where: { id: incidentId, status: 'resolved' } })) ? true : undefined));
    await h.waitFor('the alert shown resolved', () => !findButtons(h.rootMessage()!.blocks).some((button) => button.action_id === actionIds.resolve));
    await settled();
    const before = rootUpdates().length;

    await h.event(edit(quoted.ts, quoted.user, LAST_WORDS, editTs(500), EDITED_WORDS), { eventId: 'Ev0SAMPLEEDIT3' });
    await h.waitFor('the resolved alert redrawn', () => rootUpdates().slice(before).find((call) => JSON.stringify(call.args).includes('Brindlewick')));
    await settled();
    expect(rootUpdates().length - before).toBe(1);
    expect(JSON.stringify(h.rootMessage())).not.toContain('Vexlane');
    const exported = JSON.stringify(await h.app.runtime!.postMortems.exportJson('1', { includeMemberIdentities: true }));
    expect(exported).toContain('Brindlewick');
    expect(exported).not.toMatch(/Zorblatt|Vexlane|call me on/);
  });

  it('an edit delivered after its author deleted the message leaves it deleted', async () => {
    const edited = (await sampleOf(quoted.ts))!;
    expect(edited).toMatchObject({ text: LAST_WORDS, edited: true });
    await h.event(messageDeletedEvent({ channel: h.support, ts: quoted.ts, previous: { user: quoted.user, text: LAST_WORDS } }), { eventId: 'Ev0SAMPLEDEL1' });
    await h.waitFor('the alert shows it deleted', () => JSON.stringify(h.rootMessage()!.blocks).includes(t('en', 'ui.root.sample_deleted', {})) || undefined);
    await settled();
    const updates = h.fake.api.calls('chat.update').length;

    await h.event(edit(quoted.ts, quoted.user, AFTER_DELETION, editTs(600), LAST_WORDS), { eventId: 'Ev0SAMPLEEDIT4' });
    await settled();
    expect(h.fake.api.calls('chat.update').length).toBe(updates);
    // What a deleted sample keeps, nothing of its edits: which message, whose, its score and link.
    expect(await sampleOf(quoted.ts)).toEqual({ id: quoted.ts, authorId: quoted.user, score: edited['score'], permalink: edited['permalink'], text: '', deleted: true, deletedAt: expect.any(Number) });
    expect(JSON.stringify({ root: h.rootMessage(), incident: await prisma().incident.findUniqueOrThrow({ where: { id: incidentId } }), timeline: await prisma().timelineEvent.findMany({ where: { incidentId } }) })).not.toMatch(/Wumblecrest|Brindlewick/);
  });
});
