// A reply of one workspace decided from another: a button value or a modal's private_metadata naming
// another workspace's draft, written the way JSON allows but the team check did not read (whitespace
// before the `{`). The listener decodes it all the same, so the check must read it the same way:
// nothing is approved or edited, nothing reaches the community, and the refusal is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, encodeRef, inputIds } from '../../src/slack/blocks/ids.js';
import { messageBlockActions, viewSubmission, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { declareLoginIncident, draftValues, findButtons, startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('references to another workspace’s draft, padded with whitespace (%s)', (provider) => {
  let h: Harness;
  let ref: { i: string; d: string; r: number };
  let cardTs: string;
  let home: string;

  beforeAll(async () => {
    h = await startHarness({ provider });
    const { prisma } = h.app.database;
    const root = await declareLoginIncident(h);
    await h.click(h.people.cleo, h.alerts, root.ts, actionIds.draftReply);
    await h.waitFor('the draft modal', () => h.openModal(h.people.cleo));
    expect((await h.submit(h.people.cleo, draftValues('Elsewhere: we are on it.'))).body).not.toContain('errors');
    const card = await h.waitFor('the draft card', () => h.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)));
    cardTs = card.ts;
    const draft = await prisma.replyDraft.findFirstOrThrow();
    ref = { i: draft.incidentId, d: draft.id, r: draft.revision };
    // The incident now belongs to another workspace: this workspace's staff must not decide on it.
    home = (await prisma.incident.findUniqueOrThrow({ where: { id: draft.incidentId } })).workspaceId;
    const elsewhere = await prisma.workspace.create({ data: { teamId: 'T0ELSEWHERE' } });
    await prisma.incident.update({ where: { id: draft.incidentId }, data: { workspaceId: elsewhere.id } });
  }, 120_000);
  afterAll(async () => {
    await h?.app.database.prisma.incident.update({ where: { id: ref.i }, data: { workspaceId: home } }).catch(() => undefined);
    await h?.close();
  });

  const refusedAudits = (action: string) => h.app.database.prisma.auditLog.count({ where: { action, outcome: 'refused:foreign_team' } });
  const publicReplies = () => h.fake.workspace.messagesIn(h.support).filter((message) => message.bot_id && message.text.includes('Elsewhere'));

  it('two approvals clicked with “ {…}” values: refused as another workspace’s, no approval counted, nothing posted', async () => {
    const { prisma } = h.app.database;
    const before = await refusedAudits(`action:${actionIds.approveDraft}`);
    for (const [user, padding] of [[h.people.ann, ' '], [h.people.ben, '\n\t']] as const) {
      const response = await h.deliver(
        'interaction',
        messageBlockActions(h.fake.workspace.appIdentity(), {
          user: { id: user, name: user },
          channel: { id: h.alerts, name: 'alerts' },
          message: { ts: cardTs },
          actions: [{ action_id: actionIds.approveDraft, block_id: 'actions', value: `${padding}${encodeRef(ref)}` }],
          triggerId: '1.2.3',
          responseUrl: h.fake.issueResponseUrl(user, h.alerts),
          nowMs: Date.now(),
        }),
      );
      expect(response.status).toBe(200);
    }
    // Time for a listener that wrongly ran to commit, and for the outbox to post what it enqueued.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(publicReplies().map((message) => message.text)).toEqual([]);
    expect(await prisma.approval.count()).toBe(0);
    expect(await prisma.replyDraft.findUniqueOrThrow({ where: { id: ref.d } })).toMatchObject({ status: 'pending', revision: 1 });
    expect(await refusedAudits(`action:${actionIds.approveDraft}`)).toBe(before + 2);
  });

  it('an edit submitted with a “\\n{…}” private_metadata is refused and the draft keeps its text', async () => {
    const { prisma } = h.app.database;
    const before = await refusedAudits(`view:${callbackIds.editDraftModal}`);
    const values = { [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: 'Elsewhere: rewritten by another workspace.' } } };
    const view: ViewPayload = { id: 'V0PADDED', type: 'modal', callback_id: callbackIds.editDraftModal, private_metadata: `\n${encodeRef(ref)}`, hash: '1.abc', blocks: [{ type: 'input', block_id: inputIds.draftText }] };
    const response = await h.deliver('interaction', viewSubmission(h.fake.workspace.appIdentity(), { user: { id: h.people.nina, name: 'nina' }, view, values, triggerId: '1.2.3' }));
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await prisma.replyDraft.findUniqueOrThrow({ where: { id: ref.d } })).toMatchObject({ revision: 1, text: 'Elsewhere: we are on it.' });
    expect(await refusedAudits(`view:${callbackIds.editDraftModal}`)).toBe(before + 1);
  });
});
