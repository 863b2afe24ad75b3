// Feedback given twice at once by the same person (a double click, a modal sent again) counts once: one
// row, one timeline line, one line in the incident's thread, one correction learnt. Given again after
// Undo, or changed to the other verdict, it counts again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { viewSubmission, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playSpike, startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('feedback given twice at once through Slack on %s', (provider) => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    await playSpike(harness);
    await harness.waitFor('the alert', () => harness.rootMessage());
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
  });

  const feedbackLines = (verdictWord: RegExp) => harness.thread().filter((message) => verdictWord.test(message.text));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

  it('"Not negative" clicked twice on a sample records one verdict; Undo then a new click records it again', async () => {
    const { ann } = harness.people;
    const root = harness.rootMessage()!;
    const sampleId = JSON.parse(findButtons(root.blocks ?? []).find((button) => button.action_id === actionIds.sampleNotNegative)!.value ?? '{}').s as string;
    const onSample = (value: string) => value.includes(sampleId);
    const answers = await Promise.all([harness.click(ann, harness.alerts, root.ts, actionIds.sampleNotNegative, onSample), harness.click(ann, harness.alerts, root.ts, actionIds.sampleNotNegative, onSample)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    await harness.waitFor('the verdict stored', async () => (await prisma().feedback.count({ where: { target: 'message' } })) >= 1);
    await harness.waitFor('the confirmations', () => harness.ephemeralTexts(ann).filter((text) => text.includes('not negative')).length >= 2);
    await settle();
    expect(await prisma().feedback.count({ where: { target: 'message' } })).toBe(1);
    expect(await prisma().timelineEvent.count({ where: { kind: 'feedback_given' } })).toBe(1);
    expect(await harness.waitFor('the lexicon', () => prisma().learntLexicon.findFirst().then((row) => row ?? undefined))).toMatchObject({ corrections: 1 });
    const repeated = await prisma().auditLog.findMany({ where: { action: 'feedback_given' }, select: { outcome: true } });
    expect(repeated.map((entry) => entry.outcome).sort()).toEqual(['accepted', 'repeated']);

    // A later click after Undo is a new verdict.
    await harness.clickEphemeral(ann, actionIds.undoFeedback);
    await harness.waitFor('undone', async () => (await prisma().feedback.count({ where: { undoneAt: { not: null } } })) === 1);
    await harness.click(ann, harness.alerts, root.ts, actionIds.sampleNotNegative, onSample);
    await harness.waitFor('given again', async () => (await prisma().feedback.count({ where: { target: 'message', undoneAt: null } })) === 1);
    expect(await prisma().feedback.count({ where: { target: 'message' } })).toBe(2);
  });

  it('"False alarm" clicked twice records one verdict and one thread line; "Real crisis" after it is recorded', async () => {
    const { ben } = harness.people;
    const root = harness.rootMessage()!;
    const before = feedbackLines(/false alarm/i).length;
    await Promise.all([harness.click(ben, harness.alerts, root.ts, actionIds.falseAlarm), harness.click(ben, harness.alerts, root.ts, actionIds.falseAlarm)]);
    await harness.waitFor('the verdict stored', async () => (await prisma().feedback.count({ where: { target: 'alert' } })) >= 1);
    await harness.waitFor('the thread line', () => feedbackLines(/false alarm/i).length > before);
    await settle();
    expect(await prisma().feedback.count({ where: { target: 'alert' } })).toBe(1);
    expect(feedbackLines(/false alarm/i).length).toBe(before + 1);

    await harness.click(ben, harness.alerts, root.ts, actionIds.realCrisis);
    await harness.waitFor('the other verdict', async () => (await prisma().feedback.count({ where: { target: 'alert', verdict: 'real_crisis' } })) === 1);
  });

  it('the "mark sentiment" modal sent twice records the message once', async () => {
    const { cleo, members } = harness.people;
    const text = 'the patch notes are wild lol';
    const { ts } = await harness.post(members[4]!, text, Date.now());
    await harness.shortcut(cleo, callbackIds.markSentimentShortcut, { ts, text, user: members[4]! });
    const view: ViewPayload = await harness.waitFor('the modal', () => (harness.openModal(cleo)?.callback_id === callbackIds.markSentimentModal ? harness.openModal(cleo) : undefined));
    const identity = harness.fake.workspace.appIdentity();
    const values = { [inputIds.sentimentVerdict]: { [inputIds.sentimentVerdict]: { type: 'radio_buttons', selected_option: { value: 'not_negative' } } } };
    const send = () => harness.deliver('interaction', viewSubmission(identity, { user: { id: cleo, name: cleo }, view, values, triggerId: harness.fake.workspace.issueTrigger(cleo) }));
    expect((await Promise.all([send(), send()])).map((answer) => answer.status)).toEqual([200, 200]);
    await harness.waitFor('the verdict stored', async () => (await prisma().feedback.count({ where: { messageTs: ts } })) >= 1);
    await settle();
    expect(await prisma().feedback.count({ where: { messageTs: ts } })).toBe(1);
    harness.fake.workspace.closeView(view.id);
  });
});
