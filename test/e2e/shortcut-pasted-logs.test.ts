// A member's message carried by a shortcut's modal (private_metadata, at most 3,000 characters) is
// written as JSON, where a quote, a backslash or a line break takes two characters: a pasted error log
// of 2,420 characters took 3,740, Slack would refuse the modal, and Firebreak gave up without a word.
// Both message shortcuts must open on such a message and record it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

/** What a member pastes in an outage: a JSON log, 2,420 characters (about 3,740 as JSON text). */
const PASTED_LOG = '{"e":"\\x"}\n'.repeat(220);

describe.each(availableProviders)('the message shortcuts on a pasted log (%s)', (provider) => {
  let harness: Harness;
  let ts: string;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    // In Slack first (the timeline reads it there), then told to Firebreak.
    const member = harness.people.members[3]!;
    ({ ts } = harness.fake.workspace.postMessage({ user_id: member }, harness.support, { text: PASTED_LOG }));
    await harness.event(messageEvent({ channel: harness.support, user: member, text: PASTED_LOG, ts }));
    await harness.waitFor('the stored message', () => harness.app.database.prisma.scoredMessage.findFirst({ where: { ts } }).then((row) => row ?? undefined));
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const onMessage = () => ({ ts, text: PASTED_LOG, user: harness.people.members[3]! });

  it('"Firebreak: mark sentiment" opens its modal and records the verdict on the message', async () => {
    const { ann } = harness.people;
    await harness.shortcut(ann, callbackIds.markSentimentShortcut, onMessage());
    const modal = await harness.waitFor('the modal', () => harness.openModal(ann)?.callback_id === callbackIds.markSentimentModal && harness.openModal(ann));
    expect(modal.private_metadata?.length).toBeLessThanOrEqual(3000);
    await harness.submit(ann, { [inputIds.sentimentVerdict]: { [inputIds.sentimentVerdict]: { type: 'radio_buttons', selected_option: { value: 'negative' } } } });
    const row = await harness.waitFor('the feedback', () => prisma().feedback.findFirst({ where: { via: 'shortcut', messageTs: ts } }).then((found) => found ?? undefined));
    expect(row.verdict).toBe('negative');
    // As much of the message as the modal could carry, from its start.
    expect(row.text!.length).toBeGreaterThan(1000);
    expect(PASTED_LOG.startsWith(row.text!)).toBe(true);
  });

  it('"Add to incident timeline" opens its modal and adds the whole message to the incident', async () => {
    const { ann } = harness.people;
    await harness.command(ann, `declare <#${harness.support}|support> sev2 Checkout fails for everyone`);
    const incident = await harness.waitFor('the incident', () => prisma().incident.findFirst().then((found) => found ?? undefined));
    await harness.shortcut(ann, callbackIds.addToTimelineShortcut, onMessage());
    const modal = await harness.waitFor('the modal', () => harness.openModal(ann)?.callback_id === callbackIds.addToTimelineModal && harness.openModal(ann));
    expect(modal.private_metadata?.length).toBeLessThanOrEqual(3000);
    await harness.submit(ann, { [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incident.id } } } });
    const added = await harness.waitFor('the timeline event', () => prisma().timelineEvent.findFirst({ where: { incidentId: incident.id, kind: 'message_added' } }).then((found) => found ?? undefined));
    // Read from Slack in full: the metadata's shortened copy is only the fallback.
    expect(added.text).toBe(PASTED_LOG);
  });
});
