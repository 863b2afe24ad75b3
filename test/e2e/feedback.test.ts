import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, encodeRef, inputIds } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { activeAlertFacts } from '../../src/store/repositories/feedback.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { messageBlockActions } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playSpike, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

/** The one refusal every guarded entry point gives someone who does not operate Firebreak here. */
const OPERATOR_REFUSED = 'this is not available to you. Nothing was changed.';

describe.each(availableProviders)('staff feedback through Slack on %s', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    await playSpike(harness);
    await harness.waitFor('the alert', () => harness.rootMessage());
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const url = () => `${harness.app.url}/slack/events`;
  const sampleButtons = () => findButtons(harness.rootMessage()?.blocks ?? []).filter((button) => button.action_id === actionIds.sampleNotNegative || button.action_id === actionIds.sampleNegative);
  const incident = async () => prisma().incident.findFirstOrThrow({ select: { id: true, workspaceId: true, channelId: true, detection: true } });

  /** A member posts `text` now; returns how Firebreak scored it. */
  let posted = 0;
  async function scoreOfPosted(text: string): Promise<{ label: string; score: number }> {
    posted += 1;
    const { ts } = await harness.post(harness.people.members[posted % 10] as string, text, Date.now() + posted);
    return harness.waitFor('the scored message', () => prisma().scoredMessage.findFirst({ where: { ts }, select: { label: true, score: true } }).then((row) => row ?? undefined));
  }

  it('the alert carries Real crisis / False alarm and, per sample, Not negative / Negative', async () => {
    const buttons = findButtons(harness.rootMessage()?.blocks ?? []);
    expect(buttons.filter((button) => button.action_id === actionIds.realCrisis || button.action_id === actionIds.falseAlarm).map((button) => JSON.parse(button.value ?? '{}').v)).toEqual(['real_crisis', 'false_alarm']);
    expect(sampleButtons().length).toBeGreaterThanOrEqual(2);
    expect(sampleButtons().map((button) => JSON.parse(button.value ?? '{}').v)).toEqual(expect.arrayContaining(['not_negative', 'negative']));
  });

  it('/metrics counts the alert under its incident\'s severity, not the explanation\'s kind', async () => {
    const { severity } = await prisma().incident.findFirstOrThrow({ select: { severity: true } });
    const series = (await harness.app.metrics.render()).split('\n').filter((line) => line.startsWith('firebreak_alerts_raised_total{'));
    expect(series).toEqual([`firebreak_alerts_raised_total{severity="${severity}"} 1`]);
  });

  it('a member or non-staff user cannot give feedback: refused privately, audited, nothing learnt', async () => {
    const root = harness.rootMessage()!;
    // Nina is on staff's channel but named in no playbook role; Sam drafts but leads or approves nothing.
    for (const user of [harness.people.nina, harness.people.sam]) {
      await harness.click(user, harness.alerts, root.ts, actionIds.sampleNotNegative);
      await harness.click(user, harness.alerts, root.ts, actionIds.falseAlarm);
      await harness.waitFor('the refusals', () => harness.ephemeralTexts(user).filter((text) => text.includes(OPERATOR_REFUSED)).length >= 2);
    }
    expect(await prisma().feedback.count()).toBe(0);
    const refused = await prisma().auditLog.findMany({ where: { outcome: 'refused:not_staff' }, select: { action: true } });
    expect(refused.map((entry) => entry.action).sort()).toEqual([`action:${actionIds.falseAlarm}`, `action:${actionIds.falseAlarm}`, `action:${actionIds.sampleNotNegative}`, `action:${actionIds.sampleNotNegative}`]);
    expect(await prisma().learntLexicon.count()).toBe(0);
    expect(await prisma().channelCalibration.count()).toBe(0);
  });

  it('"Not negative" on the samples changes how later similar messages score, in this workspace only; undo restores it', async () => {
    const { workspaceId, detection } = await incident();
    const samples = (detection as { samples: { id: string; text: string }[] }).samples;
    const shownIds = sampleButtons().map((button) => JSON.parse(button.value ?? '{}').s as string);
    const similar = samples.find((sample) => sample.id === shownIds[0])!.text;
    const before = await scoreOfPosted(similar);
    expect(before.label).toBe('negative');

    const root = harness.rootMessage()!;
    for (const id of new Set(shownIds)) {
      await harness.click(harness.people.ann, harness.alerts, root.ts, actionIds.sampleNotNegative, (value) => value.includes(id));
    }
    await harness.waitFor('the confirmations', () => harness.ephemeralTexts(harness.people.ann).filter((text) => text.includes('not negative')).length >= new Set(shownIds).size);
    const rows = await prisma().feedback.findMany({ where: { target: 'message' } });
    expect(rows).toHaveLength(new Set(shownIds).size);
    expect(rows.every((row) => row.userId === harness.people.ann && row.verdict === 'not_negative' && row.via === 'sample_button' && row.undoneAt === null)).toBe(true);
    expect(await prisma().auditLog.count({ where: { action: 'feedback_given', outcome: 'accepted' } })).toBe(rows.length);
    expect(await prisma().timelineEvent.count({ where: { kind: 'feedback_given' } })).toBe(rows.length);
    await harness.waitFor('the thread line', () => harness.thread().some((message) => message.text.includes('gave feedback: not negative')));

    const after = await scoreOfPosted(similar);
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.label).not.toBe('negative');

    // Another workspace on the same Firebreak scores the same text as before.
    const other = await prisma().workspace.create({ data: { teamId: 'T0OTHER' } });
    expect(other.id).not.toBe(workspaceId);
    const outcome = await harness.app.runtime!.watcher.ingest({ workspaceId: other.id, channelId: harness.support, userId: harness.people.members[1] as string, ts: `${Math.floor(Date.now() / 1000)}.999001`, text: similar });
    expect(outcome).toMatchObject({ status: 'scored', sentiment: { label: 'negative', score: before.score } });

    // Undo every click (from the confirmation's Undo button): scoring is back to the shipped lexicon.
    for (let i = 0; i < rows.length; i++) {
      await harness.clickEphemeral(harness.people.ann, actionIds.undoFeedback);
      await harness.waitFor('the undo', async () => (await prisma().feedback.count({ where: { target: 'message', undoneAt: { not: null } } })) >= i + 1);
      // The latest confirmation is used once; drop its button from the next search.
      harness.fake.workspace.ephemeralFor(harness.people.ann);
      const state = (harness.fake.workspace as unknown as { state: { ephemeral: { user: string; blocks?: unknown[] }[] } }).state;
      const mine = state.ephemeral.filter((message) => message.user === harness.people.ann && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.undoFeedback));
      const last = mine.at(-1);
      if (last) last.blocks = [];
    }
    expect(await prisma().feedback.count({ where: { target: 'message', undoneAt: null } })).toBe(0);
    expect(await prisma().auditLog.count({ where: { action: 'feedback_undone', outcome: 'accepted' } })).toBe(rows.length);
    expect(await prisma().timelineEvent.count({ where: { kind: 'feedback_undone' } })).toBe(rows.length);
    const restored = await scoreOfPosted(similar);
    expect(restored).toEqual(before);
  });

  it('"False alarm" raises the channel threshold within bounds; "Real crisis" replaces it; undo restores; every click audited', async () => {
    const { workspaceId, channelId } = await incident();
    const root = harness.rootMessage()!;
    const settings = async () => (await harness.app.runtime!.feedback.calibrate(workspaceId, channelId, { threshold: 6.5 } as never)).settings.threshold;
    expect(await settings()).toBe(6.5);

    // Several clicks on one alert count once: a few clicks cannot silence the channel. Repeats of a
    // verdict that still counts are audited, not recorded again.
    for (let i = 0; i < 3; i++) await harness.click(harness.people.ben, harness.alerts, root.ts, actionIds.falseAlarm);
    await harness.waitFor('the calibration', () => prisma().channelCalibration.findFirst().then((row) => row ?? undefined));
    const bensAlertClicks = async () => (await prisma().auditLog.findMany({ where: { action: 'feedback_given', userId: harness.people.ben }, select: { data: true } })).filter((entry) => (entry.data as { target?: string }).target === 'alert').length;
    await harness.waitFor('three clicks', async () => (await bensAlertClicks()) === 3);
    expect(await prisma().feedback.count({ where: { target: 'alert' } })).toBe(1);
    expect(await prisma().channelCalibration.findFirst({ select: { thresholdOffset: true, falseAlarms: true } })).toEqual({ thresholdOffset: 0.15, falseAlarms: 1 });
    expect(await settings()).toBeCloseTo(6.5 * 1.15, 6);

    // The latest verdict on an incident wins; this detection was not late, so "real crisis" moves nothing.
    await harness.click(harness.people.cleo, harness.alerts, root.ts, actionIds.realCrisis);
    await harness.waitFor('the new calibration', async () => (await prisma().channelCalibration.findFirst())?.falseAlarms === 0);
    expect(await settings()).toBe(6.5);
    const audited = await prisma().auditLog.findMany({ where: { action: 'feedback_given', outcome: 'accepted' }, select: { userId: true, data: true } });
    expect(audited.filter((entry) => (entry.data as { target?: string }).target === 'alert').map((entry) => entry.userId)).toEqual([harness.people.ben, harness.people.cleo]);
    expect(await prisma().auditLog.count({ where: { action: 'feedback_given', outcome: 'repeated', userId: harness.people.ben } })).toBe(2);

    // Cleo undoes her verdict: Ben's false alarm counts again.
    await harness.clickEphemeral(harness.people.cleo, actionIds.undoFeedback);
    await harness.waitFor('the undo', async () => (await prisma().channelCalibration.findFirst())?.falseAlarms === 1);
    expect(await settings()).toBeCloseTo(6.5 * 1.15, 6);
    expect(await prisma().auditLog.count({ where: { action: 'feedback_undone', userId: harness.people.cleo } })).toBe(1);
  });

  it('"Add a reason" on a verdict already undone is refused in its modal, and no reason is stored on it', async () => {
    // Cleo's confirmation still shows Add a reason after her Undo; she explains a verdict that no longer counts.
    await harness.clickEphemeral(harness.people.cleo, actionIds.feedbackReason);
    await harness.waitFor('the reason modal', () => harness.openModal(harness.people.cleo)?.callback_id === callbackIds.feedbackReasonModal);
    const response = await harness.submit(harness.people.cleo, { [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: 'the billing bug was real' } } });
    const errors = (JSON.parse(response.body || '{}') as { errors?: Record<string, string> }).errors ?? {};
    expect(errors[inputIds.reason]).toMatch(/already undone/);
    const cleos = await prisma().feedback.findMany({ where: { userId: harness.people.cleo }, select: { reason: true, undoneAt: true } });
    expect(cleos).toHaveLength(1);
    expect(cleos[0]).toMatchObject({ reason: null, undoneAt: expect.any(Date) });
    expect(await prisma().auditLog.count({ where: { action: 'feedback_reason', outcome: 'accepted' } })).toBe(0);
  });

  it('defect 5: an incident declared by hand has no Real crisis / False alarm; a stale or forged click is refused and never tunes detection', async () => {
    const general = harness.fake.workspace.addChannel({ name: 'general', members: [...harness.people.members, harness.people.ann, harness.people.ben, harness.fake.workspace.bot.user_id] }).id;
    await harness.command(harness.people.ann, `declare <#${general}|general> sev2 Rumour about refunds`);
    const declared = await harness.waitFor('the declared incident', () => prisma().incident.findFirst({ where: { channelId: general } }).then((row) => row ?? undefined));
    const detectorRoot = harness.rootMessage()!;
    const root = await harness.waitFor('its alert', () =>
      harness.fake.workspace.messagesIn(harness.alerts).find((message) => message.ts !== detectorRoot.ts && (!message.thread_ts || message.thread_ts === message.ts) && message.text.includes('declared by')),
    );
    const verdictButtons = findButtons(root.blocks ?? []).filter((button) => button.action_id === actionIds.realCrisis || button.action_id === actionIds.falseAlarm);
    expect(verdictButtons).toEqual([]);
    // The detector's alert still asks.
    expect(findButtons(detectorRoot.blocks).some((button) => button.action_id === actionIds.falseAlarm)).toBe(true);

    // A click carrying the declared incident (an old copy of its alert, or a forged payload) is refused.
    await sendToApp(
      url(),
      SIGNING_SECRET,
      'interaction',
      messageBlockActions(harness.fake.workspace.appIdentity(), {
        user: { id: harness.people.ben, name: harness.people.ben },
        channel: { id: harness.alerts, name: 'alerts' },
        message: root as never,
        actions: [{ action_id: actionIds.falseAlarm, block_id: 'feedback.alert', value: encodeRef({ i: declared.id, v: 'false_alarm' }) }],
        triggerId: harness.fake.workspace.issueTrigger(harness.people.ben),
        responseUrl: harness.fake.issueResponseUrl(harness.people.ben, harness.alerts),
        nowMs: Date.now(),
      }),
    );
    await harness.waitFor('the refusal', () => harness.ephemeralTexts(harness.people.ben).some((text) => text.includes('declared by hand')));
    expect(await prisma().feedback.count({ where: { incidentId: declared.id } })).toBe(0);
    expect(await prisma().channelCalibration.count({ where: { channelId: general } })).toBe(0);
    expect(await prisma().auditLog.count({ where: { action: 'feedback_given', outcome: 'refused', incidentId: declared.id } })).toBe(1);

    // A verdict stored on it before this fix stays stored, but no longer counts in the channel's calibration.
    await prisma().feedback.create({ data: { workspaceId: declared.workspaceId, target: 'alert', verdict: 'false_alarm', channelId: general, incidentId: declared.id, userId: harness.people.ben, via: 'alert_button', at: new Date() } });
    expect(await activeAlertFacts(prisma(), declared.workspaceId, general)).toEqual([]);
    // The threshold such a row raised is derived again at start-up (startRuntime runs recalibrate); #support's stays.
    await prisma().channelCalibration.create({ data: { workspaceId: declared.workspaceId, channelId: general, thresholdOffset: 0.15, falseAlarms: 1, lateCrises: 0 } });
    const support = await prisma().channelCalibration.findFirstOrThrow({ where: { channelId: harness.support }, select: { thresholdOffset: true, falseAlarms: true, lateCrises: true } });
    expect(await harness.app.runtime!.feedback.recalibrate()).toBe(1);
    expect(await prisma().channelCalibration.findFirst({ where: { channelId: general }, select: { thresholdOffset: true, falseAlarms: true, lateCrises: true } })).toEqual({ thresholdOffset: 0, falseAlarms: 0, lateCrises: 0 });
    expect((await harness.app.runtime!.feedback.calibrate(declared.workspaceId, general, { threshold: 6.5 } as never)).settings.threshold).toBe(6.5);
    expect(await prisma().channelCalibration.findFirst({ where: { channelId: harness.support }, select: { thresholdOffset: true, falseAlarms: true, lateCrises: true } })).toEqual(support);
  });

  it('the "Firebreak: mark sentiment" shortcut works on a watched channel\'s message, for staff only', async () => {
    const text = 'honestly the new lobby music is sick';
    const { ts } = await harness.post(harness.people.members[3] as string, text, Date.now());
    const shortcut = (user: string) => harness.shortcut(user, callbackIds.markSentimentShortcut, { ts, text, user: harness.people.members[3] as string });
    // A community member (in #support, where the shortcut runs) is refused, like any non-staff user.
    const member = harness.people.members[5] as string;
    await shortcut(member);
    await harness.waitFor('the refusal', () => harness.ephemeralTexts(member).some((line) => line.includes(OPERATOR_REFUSED)));
    expect(harness.openModal(member)).toBeUndefined();

    await shortcut(harness.people.ann);
    await harness.waitFor('the modal', () => harness.openModal(harness.people.ann)?.callback_id === callbackIds.markSentimentModal);
    const response = await harness.submit(harness.people.ann, {
      [inputIds.sentimentVerdict]: { [inputIds.sentimentVerdict]: { type: 'radio_buttons', selected_option: { value: 'not_negative' } } },
      [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: 'gamer slang: sick = great' } },
    });
    expect(response.status).toBe(200);
    const row = await harness.waitFor('the feedback', () => prisma().feedback.findFirst({ where: { via: 'shortcut' } }).then((found) => found ?? undefined));
    expect(row).toMatchObject({ verdict: 'not_negative', text, reason: 'gamer slang: sick = great', userId: harness.people.ann, messageTs: ts });
    // Learnt right after the click is stored: the lexicon now counts this correction.
    await harness.waitFor('the lexicon', async () => ((await prisma().learntLexicon.findFirst())?.corrections ?? 0) >= 1);
  });

  it('a reason says it is saved in its modal; a forged one longer than the modal allows is refused under its box, nothing stored', async () => {
    const { ben } = harness.people;
    const bens = () => prisma().feedback.findMany({ where: { userId: ben, undoneAt: null }, select: { reason: true } });
    await harness.clickEphemeral(ben, actionIds.feedbackReason);
    await harness.waitFor('the reason modal', () => harness.openModal(ben)?.callback_id === callbackIds.feedbackReasonModal);
    // Slack's client stops at the input's 500 characters; a forged submission does not.
    const forged = await harness.submit(ben, { [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: 'x'.repeat(4_079) } } });
    expect((JSON.parse(forged.body) as { errors: Record<string, string> }).errors[inputIds.reason]).toBe(t('en', 'feedback.refused.reason_too_long', {}));
    expect((await bens()).every((row) => row.reason === null)).toBe(true);

    const saved = JSON.parse((await harness.submit(ben, { [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: 'Known <billing> bug, not a crisis' } } })).body) as {
      response_action: string;
      view: { callback_id: string; blocks: unknown[]; submit?: unknown };
    };
    expect(saved).toMatchObject({ response_action: 'update', view: { callback_id: callbackIds.feedbackReasonSaved } });
    expect(saved.view.submit).toBeUndefined();
    expect(JSON.stringify(saved.view.blocks)).toContain(t('en', 'feedback.reason_saved', {}));
    expect(JSON.stringify(saved.view.blocks)).toContain('Known &lt;billing&gt; bug');
    expect((await bens()).map((row) => row.reason).filter((reason) => reason !== null)).toEqual(['Known <billing> bug, not a crisis']);
  });

  it('answers a verdict in the clicker’s Slack language, not the incident’s: only they read it', async () => {
    const marta = harness.fake.workspace.addUser({ name: 'marta', real_name: 'Marta Gil', locale: 'es-ES', is_admin: true }).id;
    harness.fake.workspace.addMember(harness.alerts, marta);
    await harness.click(marta, harness.alerts, harness.rootMessage()!.ts, actionIds.realCrisis);
    const answer = await harness.waitFor('the confirmation', () => harness.ephemeralTexts(marta)[0]);
    expect(answer).toContain(t('es', 'feedback.recorded', { verdict: t('es', 'feedback.verdict.real_crisis', {}), effect: t('es', 'feedback.effect.alert', {}) }));
  });
});
