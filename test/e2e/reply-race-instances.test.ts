// Two `firebreak start` processes on one PostgreSQL database, each taking half of the clicks at the
// same instant: the two approvals of a draft, and an edit racing them. Each reply reaches the
// community at most once, and only in the text its approvers approved.
import { describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { startCrashHarness } from '../support/crash-harness.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons } from './harness.js';

describe.runIf(availableProviders.includes('postgres'))('two instances on PostgreSQL take the clicks of one draft at once', () => {
  it('approvals split across instances at the same instant, with an edit racing them: one post per draft, in the approved text', async () => {
    const harness = await startCrashHarness({ provider: 'postgres' });
    try {
      const [a, b] = await Promise.all([harness.start(), harness.start()]);
      expect((await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login failing`, a)).status).toBe(200);
      const root = await harness.waitFor('the alert', () => harness.rootMessage());
      const prisma = harness.database.prisma;
      for (let round = 1; round <= 3; round += 1) {
        const text = `Round ${round}: login is failing and we are on it.`;
        await harness.click(harness.people.cleo, harness.alerts, root.ts, actionIds.draftReply, { instance: round % 2 ? a : b });
        await harness.waitFor('the draft modal', () => harness.openModal(harness.people.cleo));
        await harness.submit(harness.people.cleo, draftValues(text), round % 2 ? b : a);
        const card = await harness.waitFor('the draft card', () =>
          harness.thread().find((message) => message.text.startsWith(`Reply #${round}:`) && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)),
        );
        // Sam opens the edit modal first, then everything lands at once on both instances.
        await harness.click(harness.people.sam, harness.alerts, card.ts, actionIds.editDraft, { instance: a });
        await harness.waitFor('the edit modal', () => harness.openModal(harness.people.sam));
        await Promise.all([
          harness.click(harness.people.ann, harness.alerts, card.ts, actionIds.approveDraft, { instance: a }),
          harness.click(harness.people.ben, harness.alerts, card.ts, actionIds.approveDraft, { instance: b }),
          harness.click(harness.people.ben, harness.alerts, card.ts, actionIds.approveDraft, { instance: a }),
          ...(round === 2 ? [] : [harness.submit(harness.people.sam, { [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: `${text} More soon.` } } }, b)]),
        ]);
      }
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await harness.waitFor('the outbox idle', async () => (await prisma.outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0, 30_000);
      const posts = harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id);
      const drafts = await prisma.replyDraft.findMany({ orderBy: { number: 'asc' } });
      console.info(`two instances: ${drafts.map((draft) => `reply #${draft.number} ${draft.status} r${draft.revision}`).join(', ')}`);
      for (const draft of drafts) {
        const posted = posts.filter((message) => message.text.startsWith(`Round ${draft.number}:`));
        if (draft.status === 'posted') {
          expect(posted.map((message) => message.text)).toEqual([draft.text]);
          const approvals = await prisma.approval.findMany({ where: { draftId: draft.id, revision: draft.revision, voidedAt: null, decision: 'approve' } });
          expect(new Set(approvals.map((approval) => approval.text))).toEqual(new Set([draft.text]));
          expect(approvals).toHaveLength(2);
        } else {
          expect(posted).toEqual([]);
        }
      }
      // The round without an edit cannot have lost its approvals to one.
      expect(drafts[1]!.status).toBe('posted');
    } finally {
      await harness.close();
    }
  }, 150_000);
});
