// Two workspaces installed through OAuth: the feedback Undo button and the "Add a reason" modal name a
// feedback record by its id, not an incident. Sent from workspace B with workspace A's id, they must
// change nothing of A's (its feedback, its learnt lexicon, its audit), however the id got there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { actionIds, callbackIds, encodeRef, inputIds } from '../../src/slack/blocks/ids.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageBlockActions, messageEvent, viewSubmission } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { startInstalledWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';

const SIGNING_SECRET = 'cross-team-feedback-secret-0123456789';

describe.each(availableProviders)('feedback records of another workspace (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  let teams: Record<string, SeededTeam>;
  const prisma = () => app.database.prisma;

  beforeAll(async () => {
    ({ world, teams, app, events } = await startInstalledWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.5555' }));
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('Undo and Add a reason from workspace B on workspace A’s feedback change nothing of A’s', async () => {
    // A's approver marks a message in A's #support as not negative with the message shortcut.
    const a = teams[A]!;
    const identityA = a.fake.workspace.appIdentity();
    const text = 'honestly the new lobby music is sick';
    const ts = `${Math.floor(Date.now() / 1000)}.000300`;
    await sendToApp(events, SIGNING_SECRET, 'event', eventCallback(identityA, messageEvent({ channel: a.people.support, user: a.people.members[3]!, text, ts }), { nowMs: Date.now() }));
    await waitFor('A message scored', () => prisma().scoredMessage.findFirst({ where: { ts } }));
    await a.staff.shortcut(events, a.people.ann, callbackIds.markSentimentShortcut, a.people.support, { ts, text, user: a.people.members[3]! });
    await waitFor('A mark modal', () => a.staff.openModal(a.people.ann)?.callback_id === callbackIds.markSentimentModal);
    await a.staff.submit(events, a.people.ann, { [inputIds.sentimentVerdict]: { [inputIds.sentimentVerdict]: { type: 'radio_buttons', selected_option: { value: 'not_negative' } } } });
    const feedbackA = await waitFor('A feedback', () => prisma().feedback.findFirst({ where: { via: 'shortcut' } }));
    const auditsBefore = await prisma().auditLog.count({ where: { action: { startsWith: 'feedback' } } });

    // B's approver (staff in B) sends Undo, then Add a reason, naming A's feedback.
    const b = teams[B]!;
    const identityB = b.fake.workspace.appIdentity();
    const ref = encodeRef({ f: feedbackA.id });
    const clickB = (actionId: string) =>
      sendToApp(
        events,
        SIGNING_SECRET,
        'interaction',
        messageBlockActions(identityB, {
          user: { id: b.people.ann, name: 'ann' },
          channel: { id: b.people.alerts, name: 'alerts' },
          message: { ts: '1700000000.000100', text: 'feedback recorded', blocks: [] } as never,
          actions: [{ action_id: actionId, block_id: 'actions', value: ref }],
          triggerId: b.fake.workspace.issueTrigger(b.people.ann),
          responseUrl: b.fake.issueResponseUrl(b.people.ann, b.people.alerts),
          nowMs: Date.now(),
        }),
      );
    expect((await clickB(actionIds.undoFeedback)).status).toBe(200);
    const reasonModal = { id: 'V0FOREIGN1', type: 'modal', callback_id: callbackIds.feedbackReasonModal, private_metadata: ref, blocks: [{ type: 'input', block_id: inputIds.reason, element: { type: 'plain_text_input', action_id: inputIds.reason }, label: { type: 'plain_text', text: 'Reason' } }] };
    const submitted = await sendToApp(
      events,
      SIGNING_SECRET,
      'interaction',
      viewSubmission(identityB, { user: { id: b.people.ann, name: 'ann' }, view: reasonModal as never, values: { [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: 'written from another workspace' } } }, triggerId: b.fake.workspace.issueTrigger(b.people.ann) }),
    );
    expect(submitted.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await prisma().feedback.findUniqueOrThrow({ where: { id: feedbackA.id } })).toMatchObject({ undoneAt: null, undoneBy: null, reason: null });
    // Nothing of A's was accepted from B's approver; the refusals are audited as another team's.
    expect(await prisma().auditLog.count({ where: { userId: b.people.ann, action: { startsWith: 'feedback' }, outcome: 'accepted' } })).toBe(0);
    expect(await prisma().auditLog.count({ where: { userId: b.people.ann, outcome: 'refused:foreign_team' } })).toBe(2);
    expect(await prisma().auditLog.count({ where: { action: { startsWith: 'feedback' } } })).toBe(auditsBefore);
  }, 60_000);
});
