// The look-up after an unanswered reply finds "its" post by the outbox key in the message metadata. That
// key is predictable (reply:<draft>:r<revision>), and any app a member uses can post message metadata:
// a message of someone else's carrying the key must not be taken for Firebreak's post, or the approved
// reply never reaches the community while the card says it did, pointing at the impostor's words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_METADATA_EVENT_TYPE } from '../../src/slack/outbox/enqueue.js';
import { availableProviders } from '../support/databases.js';
import { declareLoginIncident, draftAndApprove, startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('a member’s message carrying a reply’s outbox key (%s)', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    await declareLoginIncident(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('is not adopted as the reply after a 500: the approved text is posted, once, and the card points at it', async () => {
    const prisma = harness.app.database.prisma;
    const approved = 'Impostor test: login is failing for some of you, we are on it.';
    let impostorTs = '';
    await draftAndApprove(harness, approved, undefined, async () => {
      const draft = await prisma.replyDraft.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
      // A member's app posts with the key the reply will carry, just before the quorum is met.
      impostorTs = harness.fake.workspace.postMessage({ user_id: harness.people.members[0]! }, harness.support, {
        text: 'Everyone affected gets a full refund of 500 dollars today.',
        metadata: { event_type: OUTBOX_METADATA_EVENT_TYPE, event_payload: { key: `reply:${draft.id}:r${draft.revision}` } },
      }).ts;
      // Slack answers the reply's first attempt with a 500 (nothing posted): the retry looks first.
      harness.fake.api.faults.serverError('chat.postMessage', { channel: harness.support, times: 1 });
    });
    const row = await harness.waitFor('the reply recorded', async () => {
      const draft = await prisma.replyDraft.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
      return draft.status === 'posted' || draft.status === 'unconfirmed' || draft.status === 'not_posted' ? draft : undefined;
    }, 30_000);
    const posted = harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text === approved);
    expect(posted).toHaveLength(1);
    expect(row.status).toBe('posted');
    expect(row.postedTs).toBe(posted[0]!.ts);
    expect(row.postedTs).not.toBe(impostorTs);
  }, 60_000);
});
