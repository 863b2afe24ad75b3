// Undo on a verdict its author already replaced (issue #16, sandbox walkthrough): a person's latest verdict
// on a subject is the one that counts. Undo on an older one they replaced is refused privately (in their
// language), audited, and posts and relearns nothing. Undo on the one that counts says, in the confirmation
// and in the incident's thread, that their earlier verdict still recorded counts again, and learning follows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, encodeRef } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { messageBlockActions } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playSpike, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('Undo on a replaced verdict through Slack on %s', (provider) => {
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

  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));
  const undoLines = () => harness.thread().filter((message) => /undid the feedback/.test(message.text));
  const calibration = () => prisma().channelCalibration.findFirst({ select: { falseAlarms: true } });
  const undoOf = (feedbackId: string) => (value: string) => value === encodeRef({ f: feedbackId });

  it('alert: Undo on the replaced "real crisis" is refused and changes nothing; Undo on "false alarm" says real crisis counts again', async () => {
    const { ann } = harness.people;
    const root = harness.rootMessage()!;
    await harness.click(ann, harness.alerts, root.ts, actionIds.realCrisis);
    const real = await harness.waitFor('real crisis', () => prisma().feedback.findFirst({ where: { userId: ann, verdict: 'real_crisis' } }).then((row) => row ?? undefined));
    await harness.click(ann, harness.alerts, root.ts, actionIds.falseAlarm);
    const falseAlarm = await harness.waitFor('false alarm', () => prisma().feedback.findFirst({ where: { userId: ann, verdict: 'false_alarm' } }).then((row) => row ?? undefined));
    await harness.waitFor('the calibration', async () => (await calibration())?.falseAlarms === 1);

    // The old confirmation's Undo: refused, privately, naming the later verdict.
    const refusal = t('en', 'feedback.undo_replaced', { verdict: 'real crisis', later: 'false alarm', mine: true, author: '' });
    await harness.clickEphemeral(ann, actionIds.undoFeedback, undoOf(real.id));
    await harness.waitFor('the refusal', () => harness.ephemeralTexts(ann).some((text) => text.includes(refusal)));
    await settle();
    expect(await prisma().feedback.count({ where: { userId: ann, undoneAt: { not: null } } })).toBe(0);
    expect(await prisma().timelineEvent.count({ where: { kind: 'feedback_undone' } })).toBe(0);
    expect(undoLines()).toHaveLength(0);
    expect(await calibration()).toEqual({ falseAlarms: 1 });
    const refused = await prisma().auditLog.findMany({ where: { action: 'feedback_undone', userId: ann }, select: { outcome: true, data: true } });
    expect(refused).toEqual([{ outcome: 'refused', data: expect.objectContaining({ refusal: 'replaced', feedbackId: real.id, replacedBy: falseAlarm.id }) }]);

    // Undo on the verdict that counts: its earlier one counts again, and both the answer and the thread say so.
    await harness.clickEphemeral(ann, actionIds.undoFeedback, undoOf(falseAlarm.id));
    const restored = t('en', 'feedback.undone_earlier_counts', { verdict: 'false alarm', earlier: 'real crisis', mine: true, author: '' });
    await harness.waitFor('the confirmation', () => harness.ephemeralTexts(ann).some((text) => text.includes(restored)));
    const line = await harness.waitFor('the thread line', () => undoLines()[0]);
    expect(line.text).toContain('undid the feedback “false alarm”');
    expect(line.text).toContain('their earlier verdict, “real crisis”, counts again');
    await harness.waitFor('the calibration relearnt', async () => (await calibration())?.falseAlarms === 0);
    const event = await prisma().timelineEvent.findFirstOrThrow({ where: { kind: 'feedback_undone' }, select: { data: true } });
    expect(event.data).toMatchObject({ feedbackId: falseAlarm.id, restoredFeedbackId: real.id, restoredVerdict: 'real_crisis' });
    expect(await prisma().auditLog.count({ where: { action: 'feedback_undone', outcome: 'accepted', userId: ann } })).toBe(1);

    // Now "real crisis" counts, so its Undo works, with nothing earlier left to count.
    await harness.clickEphemeral(ann, actionIds.undoFeedback, undoOf(real.id));
    await harness.waitFor('undone', async () => (await prisma().feedback.findUniqueOrThrow({ where: { id: real.id } })).undoneAt !== null);
    await harness.waitFor('the plain confirmation', () => harness.ephemeralTexts(ann).some((text) => text.includes(t('en', 'feedback.undone', { verdict: 'real crisis' }))));
    await harness.waitFor('the second thread line', () => undoLines().length === 2);
    expect(undoLines()[1]!.text).not.toContain('counts again');
  });

  it('another workspace cannot undo a verdict by its id', async () => {
    const { ann } = harness.people;
    const root = harness.rootMessage()!;
    await harness.click(ann, harness.alerts, root.ts, actionIds.falseAlarm);
    const active = await harness.waitFor('the verdict', () => prisma().feedback.findFirst({ where: { userId: ann, undoneAt: null } }).then((row) => row ?? undefined));
    const response = await sendToApp(
      `${harness.app.url}/slack/events`,
      SIGNING_SECRET,
      'interaction',
      messageBlockActions({ ...harness.fake.workspace.appIdentity(), teamId: 'T0OTHER' }, {
        user: { id: ann, name: ann },
        channel: { id: harness.alerts, name: 'alerts' },
        message: root as never,
        isEphemeral: true,
        actions: [{ action_id: actionIds.undoFeedback, block_id: 'feedback.undo', value: encodeRef({ f: active.id }) }],
        triggerId: harness.fake.workspace.issueTrigger(ann),
        responseUrl: harness.fake.issueResponseUrl(ann, harness.alerts),
        nowMs: Date.now(),
      }),
    );
    expect(response.status).toBe(200);
    await settle();
    expect((await prisma().feedback.findUniqueOrThrow({ where: { id: active.id } })).undoneAt).toBeNull();
  });

  it('sample, in Spanish: a replaced "Negative" teaches nothing and its Undo is refused; Undo on "Not negative" brings it back', async () => {
    const marta = harness.fake.workspace.addUser({ name: 'marta', real_name: 'Marta Gil', locale: 'es-ES', is_admin: true }).id;
    harness.fake.workspace.addMember(harness.alerts, marta);
    const root = harness.rootMessage()!;
    const sampleId = JSON.parse(findButtons(root.blocks ?? []).find((button) => button.action_id === actionIds.sampleNegative)!.value ?? '{}').s as string;
    const onSample = (value: string) => value.includes(sampleId);
    const corrections = async () => (await prisma().learntLexicon.findFirst())?.corrections ?? 0;
    const learnt = await corrections();

    await harness.click(marta, harness.alerts, root.ts, actionIds.sampleNegative, onSample);
    const negative = await harness.waitFor('negative', () => prisma().feedback.findFirst({ where: { userId: marta, verdict: 'negative' } }).then((row) => row ?? undefined));
    await harness.waitFor('learnt', async () => (await corrections()) === learnt + 1);
    await harness.click(marta, harness.alerts, root.ts, actionIds.sampleNotNegative, onSample);
    const notNegative = await harness.waitFor('not negative', () => prisma().feedback.findFirst({ where: { userId: marta, verdict: 'not_negative' } }).then((row) => row ?? undefined));
    await harness.waitFor('the second confirmation', () => harness.ephemeralTexts(marta).filter((text) => text.includes('Gracias')).length >= 2);
    await settle();
    // Only her latest verdict on the message is learnt.
    expect(await corrections()).toBe(learnt + 1);

    await harness.clickEphemeral(marta, actionIds.undoFeedback, undoOf(negative.id));
    const refusal = t('es', 'feedback.undo_replaced', { verdict: 'negativo', later: 'no negativo', mine: true, author: '' });
    await harness.waitFor('the refusal', () => harness.ephemeralTexts(marta).some((text) => text.includes(refusal)));
    await settle();
    expect(await prisma().feedback.count({ where: { userId: marta, undoneAt: { not: null } } })).toBe(0);
    expect(await prisma().auditLog.count({ where: { action: 'feedback_undone', outcome: 'refused', userId: marta } })).toBe(1);
    expect(await corrections()).toBe(learnt + 1);

    await harness.clickEphemeral(marta, actionIds.undoFeedback, undoOf(notNegative.id));
    const restored = t('es', 'feedback.undone_earlier_counts', { verdict: 'no negativo', earlier: 'negativo', mine: true, author: '' });
    await harness.waitFor('the confirmation', () => harness.ephemeralTexts(marta).some((text) => text.includes(restored)));
    const row = await prisma().feedback.findUniqueOrThrow({ where: { id: notNegative.id } });
    expect(row.undoneAt).not.toBeNull();
    await harness.waitFor('the line', () => harness.thread().some((message) => message.text.includes('undid the feedback “not negative”') && message.text.includes('their earlier verdict, “negative”, counts again')));
    await settle();
    expect(await corrections()).toBe(learnt + 1);
  });
});
